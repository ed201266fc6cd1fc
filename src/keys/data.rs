//! Data keys in the database (S10): created once (race-free across
//! instances), stored wrapped by the master key, unwrapped at start-up
//! into the in-memory [`Envelope`] and unwrapped again every
//! `keys.data_key_cache_ttl_secs` ([`refresh`]), which is how a key staged
//! or activated by `ostiary keys rotate-data` reaches every instance.

use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::crypto::envelope::{CSRF_KEY, Envelope, FIRST_DATA_KEY, SECRET_MAC_KEY};
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::keys::master::MasterKeys;
use crate::store::data_keys;

/// Every data key unwrapped, and the one that seals.
pub struct Unwrapped {
    pub data: Vec<(String, Zeroizing<Vec<u8>>)>,
    pub active: String,
    pub csrf_key: Zeroizing<Vec<u8>>,
    pub secret_mac_key: Zeroizing<Vec<u8>>,
}

/// Make sure the data keys exist, then unwrap all of them.
pub fn load_envelope(conn: &mut DbConnection, keys: &MasterKeys) -> Result<Envelope, AppError> {
    let provider = keys.current.as_ref();
    data_keys::ensure(conn, provider, FIRST_DATA_KEY, "data")?;
    data_keys::ensure(conn, provider, CSRF_KEY, "csrf")?;
    data_keys::ensure(conn, provider, SECRET_MAC_KEY, "mac")?;
    let u = unwrap_all(conn, keys)?;
    Envelope::from_keys(u.data, &u.active, u.csrf_key, u.secret_mac_key)
}

/// Read and unwrap every stored key (asking the master key provider each
/// time: this is the end of the cache's TTL).
pub fn unwrap_all(conn: &mut DbConnection, keys: &MasterKeys) -> Result<Unwrapped, AppError> {
    let mut data: Vec<(String, Zeroizing<Vec<u8>>)> = Vec::new();
    // (activated_at, created_at, id) of the active key; activation changes
    // both rows in one transaction, but should two be active the last
    // activated wins.
    let mut active = None;
    let mut csrf_key = None;
    let mut secret_mac_key = None;
    for row in data_keys::all(conn)? {
        let key = keys.unwrap(&row)?;
        match row.purpose.as_str() {
            "csrf" if row.id == CSRF_KEY => csrf_key = Some(key),
            "mac" if row.id == SECRET_MAC_KEY => secret_mac_key = Some(key),
            "data" => {
                let rank = (row.activated_at, row.created_at, row.id.clone());
                if row.state == data_keys::ACTIVE && active.as_ref().is_none_or(|a| rank > *a) {
                    active = Some(rank);
                }
                data.push((row.id, key));
            }
            _ => {}
        }
    }
    let active = active
        .map(|(_, _, id)| id)
        .ok_or_else(|| AppError::Internal("no active data key".into()))?;
    Ok(Unwrapped {
        data,
        active,
        csrf_key: csrf_key.ok_or_else(|| AppError::Internal("CSRF key missing".into()))?,
        secret_mac_key: secret_mac_key
            .ok_or_else(|| AppError::Internal("secret MAC key missing".into()))?,
    })
}

/// Unwrap the stored data keys again and swap them into `envelope`.
pub async fn reload(db: &Db, keys: &MasterKeys, envelope: &Envelope) -> Result<(), AppError> {
    let keys = keys.clone();
    let fresh = db.run(move |conn| unwrap_all(conn, &keys)).await?;
    let before = envelope.active_data_key();
    envelope.replace_data_keys(fresh.data, &fresh.active)?;
    if before != fresh.active {
        tracing::info!(from = %before, to = %fresh.active, "sealing with another data key");
    }
    Ok(())
}

/// Every `ttl`, [`reload`] (S10: unwrapped data keys are cached with a
/// TTL); a failure keeps the keys in use and is logged.
pub async fn refresh(db: Db, keys: MasterKeys, envelope: Arc<Envelope>, ttl: Duration) {
    loop {
        tokio::time::sleep(ttl).await;
        if let Err(e) = reload(&db, &keys, &envelope).await {
            tracing::warn!(error = %e, "could not refresh the data keys");
        }
    }
}
