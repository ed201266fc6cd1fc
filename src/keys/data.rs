//! Data keys in the database (S10): created once (race-free across
//! instances), stored wrapped by the master key, unwrapped at
//! start-up into the in-memory [`Envelope`].

use zeroize::Zeroizing;

use crate::crypto::envelope::{ACTIVE_DATA_KEY, CSRF_KEY, Envelope, SECRET_MAC_KEY};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::keys::master::MasterKeys;
use crate::store::data_keys;

/// Make sure the data keys exist, then unwrap all of them.
pub fn load_envelope(conn: &mut DbConnection, keys: &MasterKeys) -> Result<Envelope, AppError> {
    let provider = keys.current.as_ref();
    data_keys::ensure(conn, provider, ACTIVE_DATA_KEY, "data")?;
    data_keys::ensure(conn, provider, CSRF_KEY, "csrf")?;
    data_keys::ensure(conn, provider, SECRET_MAC_KEY, "mac")?;
    let mut data: Vec<(String, Zeroizing<Vec<u8>>)> = Vec::new();
    let mut csrf_key = None;
    let mut secret_mac_key = None;
    for row in data_keys::all(conn)? {
        let key = keys.unwrap(&row)?;
        match row.purpose.as_str() {
            "csrf" if row.id == CSRF_KEY => csrf_key = Some(key),
            "mac" if row.id == SECRET_MAC_KEY => secret_mac_key = Some(key),
            "data" => data.push((row.id, key)),
            _ => {}
        }
    }
    let csrf_key = csrf_key.ok_or_else(|| AppError::Internal("CSRF key missing".into()))?;
    let secret_mac_key =
        secret_mac_key.ok_or_else(|| AppError::Internal("secret MAC key missing".into()))?;
    Envelope::from_keys(data, csrf_key, secret_mac_key)
}
