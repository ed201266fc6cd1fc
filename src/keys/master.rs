//! The master keys (S10): the current one wraps every new data key; earlier
//! ones (`previous_master_key_files`, `previous_master_keys`; a local file,
//! a PKCS#11 token or AWS KMS alike) only unwrap the data keys still
//! wrapped by them, until [`rotate`] has re-wrapped each under the current
//! key. Rotation goes one data key per transaction, each row changing only
//! while it still names the key it was read with: a crash leaves every row
//! readable (its `master_key_id` says by which key) and a rerun finishes
//! the rest; several instances (and several runs) may go at once.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::{KeyProvider, LocalKeyProvider};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::{data_keys, write_tx};

/// The current master key and the earlier ones still accepted.
#[derive(Debug, Clone)]
pub struct MasterKeys {
    pub current: Arc<dyn KeyProvider>,
    previous: Vec<Arc<dyn KeyProvider>>,
}

impl MasterKeys {
    /// From providers (tests, other key providers).
    pub fn new(current: Arc<dyn KeyProvider>, previous: Vec<Arc<dyn KeyProvider>>) -> Self {
        Self { current, previous }
    }

    /// The master keys the configuration names (any provider, each use
    /// logged); a generated local key file is created when `create`.
    pub fn from_config(config: &crate::config::Config, create: bool) -> Result<Self, AppError> {
        Ok(Self {
            current: crate::keys::providers::current(config, create)?,
            previous: crate::keys::providers::previous(config)?,
        })
    }

    /// The local key files: `current` (created when `create`) and the
    /// earlier ones, which must exist.
    pub fn local(current: &Path, create: bool, previous: &[PathBuf]) -> Result<Self, AppError> {
        let current: Arc<dyn KeyProvider> =
            Arc::new(LocalKeyProvider::load_or_create(current, create)?);
        let previous = previous
            .iter()
            .map(|p| {
                LocalKeyProvider::load_or_create(p, false)
                    .map(|k| Arc::new(k) as Arc<dyn KeyProvider>)
                    .map_err(|e| AppError::Config(format!("previous_master_key_files: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { current, previous })
    }

    /// The key that wrapped `row` (the current one when none matches, so
    /// that the refusal names the configured key).
    pub fn for_row(&self, row: &data_keys::DataKey) -> &dyn KeyProvider {
        self.previous
            .iter()
            .find(|k| k.id() == row.master_key_id)
            .map_or(self.current.as_ref(), |k| k.as_ref())
    }

    /// Unwrap `row` with whichever accepted key wrapped it.
    pub fn unwrap(&self, row: &data_keys::DataKey) -> Result<Zeroizing<Vec<u8>>, AppError> {
        data_keys::unwrap(self.for_row(row), row)
    }
}

/// What [`rotate`] did.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rotated {
    /// The master key every data key is wrapped by now.
    pub master_key_id: String,
    /// Data keys re-wrapped by this run.
    pub rewrapped: Vec<String>,
    /// Data keys that already were (or that another run moved meanwhile).
    pub already: Vec<String>,
}

/// Re-wrap every data key not wrapped by the current master key, one per
/// transaction, each audited (`key.master_rewrapped`).
pub fn rotate(
    conn: &mut DbConnection,
    keys: &MasterKeys,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Rotated, AppError> {
    let current = keys.current.id().to_owned();
    let mut done = Rotated {
        master_key_id: current.clone(),
        rewrapped: Vec::new(),
        already: Vec::new(),
    };
    for row in data_keys::all(conn)? {
        if row.master_key_id == current {
            done.already.push(row.id);
            continue;
        }
        let key = keys
            .unwrap(&row)
            .inspect_err(|e| audit_unwrap_failure(conn, actor, e, now))?;
        let changed = write_tx(conn, |conn| {
            let changed = data_keys::rewrap(conn, keys.current.as_ref(), &row, &key)?;
            if changed {
                audit::record(
                    conn,
                    actor,
                    Event::new(Action::MasterKeyRewrapped, Outcome::Success)
                        .target("data_key", &row.id)
                        .details(serde_json::json!({
                            "purpose": row.purpose,
                            "from": row.master_key_id,
                            "to": current,
                        })),
                    now,
                )?;
            }
            Ok(changed)
        })?;
        if changed {
            done.rewrapped.push(row.id);
        } else {
            done.already.push(row.id);
        }
    }
    Ok(done)
}

/// Audit (`key.master_unwrap_failed`, outcome failure) that the data keys
/// could not be unwrapped: a wrong or unreachable master key. The message
/// names the data key and the master key, never key material. Database
/// errors are not about keys and are left out; a failure to audit is only
/// logged (the caller reports the original error).
pub fn audit_unwrap_failure(
    conn: &mut DbConnection,
    actor: &Actor,
    error: &AppError,
    now: DateTime<Utc>,
) {
    if matches!(error, AppError::Database(_) | AppError::Pool(_)) {
        return;
    }
    let recorded = write_tx(conn, |conn| {
        audit::record(
            conn,
            actor,
            Event::new(Action::MasterKeyUnwrapFailed, Outcome::Failure)
                .details(serde_json::json!({ "error": error.to_string() })),
            now,
        )
    });
    if let Err(e) = recorded {
        tracing::error!(error = %e, "cannot audit the failed unwrap of a data key");
    }
}
