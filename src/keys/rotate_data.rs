//! Data-key rotation (S10, `ostiary keys rotate-data`): stage a new data
//! key, wait until every instance has loaded it (one cache TTL), activate
//! it, re-encrypt every sealed value in batches, wait another TTL for
//! instances that sealed with the old key before noticing, sweep again and
//! retire the old key. Every step is driven by the state stored in
//! `data_keys` and is idempotent: a crashed run is resumed by running the
//! command again, and several runs (or instances) may go at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::clock::Clock;
use crate::crypto::Envelope;
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::keys::data::reload;
use crate::keys::master::MasterKeys;
use crate::keys::rotate_data_reencrypt::{Moved, reencrypt};
use crate::store::{data_keys, sealed, write_tx};

/// What a rotation needs: the database, the keys and the clock.
pub struct Rotation<'a> {
    pub db: &'a Db,
    pub master: &'a MasterKeys,
    pub envelope: &'a Arc<Envelope>,
    pub clock: &'a Arc<dyn Clock>,
    pub actor: Actor,
    /// `keys.data_key_cache_ttl_secs`: how long an instance may go on
    /// with the data keys it has.
    pub ttl_secs: u64,
    /// Values re-encrypted per transaction.
    pub batch: i64,
}

/// What a run did (printed as JSON).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Report {
    /// The data key that seals new values now.
    pub active: String,
    /// The key this run staged, if it did.
    pub staged: Option<String>,
    /// The key this run activated, if it did (another run may have).
    pub activated: Option<String>,
    /// Values this run re-encrypted, by column.
    pub reencrypted: BTreeMap<String, u64>,
    /// Keys this run retired.
    pub retired: Vec<String>,
    /// Values that could not be opened (`column key`): their key stays
    /// `retiring` until they are fixed or deleted and the command rerun.
    pub unreadable: Vec<String>,
}

/// The data keys by state.
struct States {
    staged: Option<data_keys::DataKey>,
    active: data_keys::DataKey,
    retiring: Vec<data_keys::DataKey>,
}

fn states(conn: &mut DbConnection) -> Result<States, AppError> {
    let staged = data_keys::data_in_state(conn, data_keys::STAGED)?
        .into_iter()
        .next();
    let active = data_keys::data_in_state(conn, data_keys::ACTIVE)?
        .into_iter()
        .max_by_key(|k| (k.activated_at, k.created_at, k.id.clone()))
        .ok_or_else(|| AppError::Internal("no active data key".into()))?;
    let retiring = data_keys::data_in_state(conn, data_keys::RETIRING)?;
    Ok(States {
        staged,
        active,
        retiring,
    })
}

/// The id after the highest `dk-N`.
fn next_id(conn: &mut DbConnection) -> Result<String, AppError> {
    let highest = data_keys::all(conn)?
        .iter()
        .filter(|k| k.purpose == "data")
        .filter_map(|k| k.id.strip_prefix("dk-")?.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    Ok(format!("dk-{}", highest + 1))
}

/// Stage a new data key unless one is staged or retiring (a rotation in
/// progress); the id it staged.
fn stage(
    conn: &mut DbConnection,
    master: &MasterKeys,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    write_tx(conn, |conn| {
        let s = states(conn)?;
        if s.staged.is_some() || !s.retiring.is_empty() {
            return Ok(None);
        }
        let id = next_id(conn)?;
        let naive = now.naive_utc();
        if !data_keys::insert(
            conn,
            master.current.as_ref(),
            &id,
            "data",
            data_keys::STAGED,
            naive,
        )? {
            return Ok(None);
        }
        audit::record(
            conn,
            actor,
            Event::new(Action::DataKeyStaged, Outcome::Success)
                .target("data_key", &id)
                .details(serde_json::json!({ "master_key_id": master.current.id() })),
            now,
        )?;
        Ok(Some(id))
    })
}

fn activate(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        let changed = data_keys::activate(conn, id, now.naive_utc())?;
        if changed {
            audit::record(
                conn,
                actor,
                Event::new(Action::DataKeyActivated, Outcome::Success)
                    .target("data_key", id)
                    .details(serde_json::json!({ "replaces": from })),
                now,
            )?;
        }
        Ok(changed)
    })
}

/// Retire `id` when no sealed value references it; whether it did.
fn retire(
    conn: &mut DbConnection,
    id: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        for column in sealed::ALL {
            if column.count_sealed_by(conn, id)? > 0 {
                return Ok(false);
            }
        }
        let changed = data_keys::retire(conn, id, now.naive_utc())?;
        if changed {
            audit::record(
                conn,
                actor,
                Event::new(Action::DataKeyRetired, Outcome::Success).target("data_key", id),
                now,
            )?;
        }
        Ok(changed)
    })
}

fn after(at: NaiveDateTime, wait: Duration) -> DateTime<Utc> {
    at.and_utc() + wait
}

impl Rotation<'_> {
    /// One cache TTL plus a margin for a slow refresh.
    fn settle(&self) -> Duration {
        let ttl = i64::try_from(self.ttl_secs).unwrap_or(i64::MAX / 2_000);
        Duration::milliseconds(ttl * 1100) + Duration::seconds(2)
    }

    async fn wait_until(&self, until: DateTime<Utc>, what: &str, progress: &dyn Fn(&str)) {
        let left = until - self.clock.now();
        if let Ok(left) = left.to_std() {
            progress(&format!(
                "waiting {}s (until {}) {what}",
                left.as_secs() + 1,
                until.format("%H:%M:%S UTC")
            ));
            tokio::time::sleep(left).await;
        }
    }

    /// Run (or resume) a rotation to its end. With `resume_only`, finish
    /// one in progress but never start one.
    pub async fn run(
        &self,
        resume_only: bool,
        progress: &dyn Fn(&str),
    ) -> Result<Report, AppError> {
        let mut report = Report::default();
        let mut begun = resume_only;
        loop {
            let now = self.clock.now();
            let s = self.db.run(states).await?;
            report.active = s.active.id.clone();
            if !s.retiring.is_empty() {
                // Re-encrypt (again: the sweep), then retire once one TTL
                // has passed since activation.
                reload(self.db, self.master, self.envelope).await?;
                for old in &s.retiring {
                    let moved = self.reencrypt_all(&old.id, &s.active.id, now).await?;
                    for (column, n) in moved.counts {
                        *report.reencrypted.entry(column).or_default() += n;
                    }
                    report.unreadable.extend(moved.unreadable);
                }
                let activated = s.active.activated_at.unwrap_or(s.active.created_at);
                let sweep_at = after(activated, self.settle());
                if now < sweep_at {
                    report.unreadable.clear();
                    self.wait_until(
                        sweep_at,
                        &format!(
                            "for every instance to seal with {} before sweeping values sealed meanwhile",
                            s.active.id
                        ),
                        progress,
                    )
                    .await;
                    continue;
                }
                for old in &s.retiring {
                    let (id, actor) = (old.id.clone(), self.actor.clone());
                    let now = self.clock.now();
                    if self
                        .db
                        .run(move |conn| retire(conn, &id, &actor, now))
                        .await?
                    {
                        report.retired.push(old.id.clone());
                    }
                }
                return Ok(report);
            }
            if let Some(staged) = s.staged {
                begun = true;
                let activate_at = after(staged.created_at, self.settle());
                if now < activate_at {
                    self.wait_until(
                        activate_at,
                        &format!(
                            "for every instance to load the staged data key {}",
                            staged.id
                        ),
                        progress,
                    )
                    .await;
                    continue;
                }
                let (id, from, actor) = (staged.id.clone(), s.active.id, self.actor.clone());
                if self
                    .db
                    .run(move |conn| activate(conn, &id, &from, &actor, now))
                    .await?
                {
                    progress(&format!("activated data key {}", staged.id));
                    report.activated = Some(staged.id);
                } else {
                    // Another run moved it: look again shortly, never spin.
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                continue;
            }
            if begun {
                return Ok(report);
            }
            begun = true;
            let (master, actor) = (self.master.clone(), self.actor.clone());
            let staged = self
                .db
                .run(move |conn| stage(conn, &master, &actor, now))
                .await?;
            if let Some(id) = &staged {
                progress(&format!("staged data key {id}"));
            }
            report.staged = staged;
        }
    }

    async fn reencrypt_all(
        &self,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<Moved, AppError> {
        let mut all = Moved::default();
        for column in sealed::ALL {
            let (from, to, actor, batch) = (
                from.to_owned(),
                to.to_owned(),
                self.actor.clone(),
                self.batch,
            );
            let envelope = self.envelope.clone();
            let now = self.clock.now().max(now);
            let moved = self
                .db
                .run(move |conn| reencrypt(conn, &envelope, column, &from, &to, batch, &actor, now))
                .await?;
            all.merge(moved);
        }
        Ok(all)
    }
}
