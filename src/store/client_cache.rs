//! A short-lived in-memory cache of client registrations, so the token,
//! introspection and userinfo paths do not query the database for the
//! client on every request (S12). Only found clients are cached (unknown
//! ids cannot fill memory), and the map is bounded. The MFA policy rules
//! (read at every `/authorize` and sign-in) are cached the same way.
//!
//! A change made through this process is seen as soon as it commits (the
//! service forgets the entry, or bumps the rules' generation, after the
//! commit); one made by another instance as soon as its announcement
//! arrives (`cache_events`, PostgreSQL `LISTEN`, tens of milliseconds).
//! `TTL` bounds what a lost announcement can leave behind; while the
//! listener is not connected nothing is announced, so it drops everything
//! whenever it (re)connects. A load that raced a change is not kept: each
//! kind of entry has a generation, read before the load and compared
//! before remembering.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::Db;
use crate::domain::ClientId;
use crate::error::AppError;
use crate::store::cache_events::Changed;
use crate::store::clients::{self, Client};
use crate::store::mfa_policies::{self, PolicyRow};

/// How long a cached registration is trusted.
pub const TTL: Duration = Duration::from_secs(5);
/// Most entries kept; beyond it the cache starts over.
const MAX_ENTRIES: usize = 10_000;

/// Client id → (loaded at, registration); and every client's allowed
/// browser origins (CORS), with the time they were loaded.
#[derive(Debug, Default)]
pub struct ClientCache {
    entries: RwLock<HashMap<ClientId, (Instant, Arc<Client>)>>,
    origins: RwLock<Option<(Instant, Arc<Vec<String>>)>>,
    mfa_rules: RwLock<Option<CachedRules>>,
    /// Bumped by every [`ClientCache::forget`]: a client or origins load
    /// that began before is not remembered.
    generation: AtomicU64,
}

/// Every MFA policy rule: loaded at, the store's generation seen before the
/// load, the rules.
type CachedRules = (Instant, u64, Arc<Vec<PolicyRow>>);

impl ClientCache {
    fn cached(&self, id: &str) -> Option<Arc<Client>> {
        let entries = self.entries.read().ok()?;
        entries
            .get(id)
            .filter(|(at, _)| at.elapsed() < TTL)
            .map(|(_, client)| client.clone())
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keep `client`, loaded when the generation was `seen`, unless
    /// something was forgotten since (the load may predate that change).
    fn remember(&self, client: Arc<Client>, seen: u64) {
        if let Ok(mut entries) = self.entries.write() {
            // Checked under the lock `forget` takes: no forget slips in
            // between the check and the insert.
            if self.generation() != seen {
                return;
            }
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(client.id.clone(), (Instant::now(), client));
        }
    }

    /// Drop what this instance remembers of client `id` (and the origins):
    /// after a change, deletion or secret rotation the next lookup here
    /// reads the database. Other instances follow on the announcement.
    pub fn forget(&self, id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.remove(id);
        }
        if let Ok(mut slot) = self.origins.write() {
            *slot = None;
        }
    }

    /// Drop everything this instance remembers (clients, origins, MFA
    /// rules): announcements may have been missed.
    pub fn forget_all(&self) {
        if let Ok(mut entries) = self.entries.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            entries.clear();
        }
        if let Ok(mut slot) = self.origins.write() {
            *slot = None;
        }
        mfa_policies::changed();
    }

    /// Apply another instance's announcement.
    pub fn changed(&self, what: &Changed) {
        match what {
            Changed::Client(id) => self.forget(id),
            Changed::MfaRules => mfa_policies::changed(),
        }
    }

    /// Every origin some client allows (CORS), at most [`TTL`] old.
    pub async fn allowed_origins(&self, db: &Db) -> Result<Arc<Vec<String>>, AppError> {
        if let Ok(cached) = self.origins.read()
            && let Some((at, origins)) = cached.as_ref()
            && at.elapsed() < TTL
        {
            return Ok(origins.clone());
        }
        let seen = self.generation();
        let fresh = Arc::new(db.run(clients::all_allowed_origins).await?);
        if let Ok(mut slot) = self.origins.write()
            && self.generation() == seen
        {
            *slot = Some((Instant::now(), fresh.clone()));
        }
        Ok(fresh)
    }

    /// Every MFA policy rule, at most [`TTL`] old, and never older than the
    /// last change made through this process.
    pub async fn mfa_rules(&self, db: &Db) -> Result<Arc<Vec<PolicyRow>>, AppError> {
        // Read before the load: a change committed during it bumps past
        // this, so what is loaded is not kept beyond the next read.
        let generation = mfa_policies::generation();
        if let Ok(cached) = self.mfa_rules.read()
            && let Some((at, seen, rules)) = cached.as_ref()
            && *seen == generation
            && at.elapsed() < TTL
        {
            return Ok(rules.clone());
        }
        let fresh = Arc::new(db.run(mfa_policies::list).await?);
        if let Ok(mut slot) = self.mfa_rules.write() {
            *slot = Some((Instant::now(), generation, fresh.clone()));
        }
        Ok(fresh)
    }

    /// The client with this id, from the cache or the database.
    pub async fn get(&self, db: &Db, id: &str) -> Result<Option<Arc<Client>>, AppError> {
        if let Some(hit) = self.cached(id) {
            return Ok(Some(hit));
        }
        let seen = self.generation();
        let lookup = ClientId::from(id);
        let found = db.run(move |conn| clients::find(conn, &lookup)).await?;
        Ok(found.map(|client| {
            let client = Arc::new(client);
            self.remember(client.clone(), seen);
            client
        }))
    }
}
