//! Persistence, one module per aggregate: row structs and query functions.
//! Nothing here knows about HTTP. Functions take `&mut DbConnection` and are
//! called inside [`crate::db::Db::run`].

pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod backup_codes;
pub mod branding;
pub mod cache_events;
pub mod client_cache;
pub mod clients;
pub mod codes;
pub mod consents;
pub mod data_keys;
pub mod device_codes;
pub mod email_codes;
pub mod email_requests;
pub mod email_tokens;
pub mod federation_logins;
pub mod grants;
pub mod identities;
pub mod invitations;
pub mod logout;
pub mod mail_deliveries;
pub mod mfa_policies;
pub mod mfa_totp;
pub mod orgs;
pub mod passkeys;
pub mod pending_logins;
pub mod providers;
pub mod pushed_requests;
pub mod refresh_tokens;
pub mod registrations;
pub mod revoked_tokens;
pub mod saml_assertions;
pub mod saml_sessions;
pub mod sealed;
pub mod search_term;
pub mod sessions;
pub mod setup;
pub mod signing_keys;
pub mod slice;
pub mod stats;
pub mod throttle;
pub mod users;
pub mod webauthn_challenges;
pub mod webhooks;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;

use crate::db::DbConnection;
use crate::error::AppError;

/// Attempts of a write transaction PostgreSQL aborted as not serializable.
const SERIALIZATION_ATTEMPTS: u32 = 20;

/// Run `f` in a write transaction, as if write transactions ran one at a
/// time (which the read-check-write rules rely on: throttles, single-use
/// codes, attempt counters). SQLite has one writer: the write lock is taken
/// up front (no deferred-lock upgrade failures). PostgreSQL runs it
/// `SERIALIZABLE` and runs `f` again when the database aborts it as not
/// serializable (so `f` must have no effects outside the transaction);
/// there is no lock of our own, and unrelated flows on any number of
/// instances commit in parallel. Audit records get their numbers from a
/// sequence and are sealed into the hash chain later (docs/audit.md).
/// Nested in another transaction, `f` runs in a savepoint of it.
pub fn write_tx<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnMut(&mut DbConnection) -> Result<T, AppError>,
{
    write_tx_attempts(conn, Isolation::Serializable, SERIALIZATION_ATTEMPTS, f)
}

/// [`write_tx`] for a transaction whose read-modify-writes are all of rows
/// it locks itself first (the throttle counters, [`throttle::lock`]):
/// PostgreSQL runs it `READ COMMITTED`, so it reads what the previous
/// holder of a lock committed, and parallel sign-ins on one counter (one
/// address) wait for each other instead of aborting each other as not
/// serializable. SQLite: exactly [`write_tx`].
pub fn locked_tx<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnMut(&mut DbConnection) -> Result<T, AppError>,
{
    write_tx_attempts(conn, Isolation::ReadCommitted, SERIALIZATION_ATTEMPTS, f)
}

/// How PostgreSQL isolates a write transaction.
#[derive(Debug, Clone, Copy)]
enum Isolation {
    Serializable,
    ReadCommitted,
}

fn write_tx_attempts<T, F>(
    conn: &mut DbConnection,
    isolation: Isolation,
    attempts: u32,
    mut f: F,
) -> Result<T, AppError>
where
    F: FnMut(&mut DbConnection) -> Result<T, AppError>,
{
    if in_transaction(conn) {
        return conn.transaction::<T, AppError, _>(|conn| f(conn));
    }
    let mut attempt = 1;
    loop {
        let result = conn.transaction::<T, AppError, _>(|conn| {
            begin_write(conn, isolation)?;
            f(conn)
        });
        match result {
            Err(e) if not_serializable(&e) && attempt < attempts => {
                metrics::counter!("ostiary_db_serialization_retries_total").increment(1);
                // Back off a little, exponentially up to 64 ms, at a random
                // point of the window, so the transactions that collided
                // do not collide again in lockstep.
                let window = 1u64 << attempt.min(6);
                let wait = window / 2 + rand::random::<u64>() % window;
                std::thread::sleep(std::time::Duration::from_millis(wait));
                attempt += 1;
            }
            Err(e) if not_serializable(&e) => {
                tracing::warn!(attempts = attempt, "write transaction kept colliding");
                return Err(AppError::Overloaded);
            }
            other => return other,
        }
    }
}

/// The first statement of a write transaction (see [`write_tx`]).
fn begin_write(conn: &mut DbConnection, isolation: Isolation) -> Result<(), AppError> {
    match conn {
        DbConnection::Pg(pg) => {
            use diesel::connection::SimpleConnection;
            pg.batch_execute(match isolation {
                Isolation::Serializable => "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
                Isolation::ReadCommitted => "SET TRANSACTION ISOLATION LEVEL READ COMMITTED",
            })?;
            Ok(())
        }
        DbConnection::Sqlite(_) => audit::take_sqlite_write_lock(conn),
    }
}

/// Whether a transaction is open on `conn`.
fn in_transaction(conn: &mut DbConnection) -> bool {
    use diesel::connection::TransactionManager;
    <DbConnection as Connection>::TransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .is_ok_and(|depth| depth.is_some())
}

/// Whether PostgreSQL refused `e`'s transaction as not serializable.
fn not_serializable(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Database(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::SerializationFailure,
            _
        ))
    )
}

/// `text` with the `LIKE` wildcards escaped (escape character `\`).
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A `LIKE` pattern (escape character `\`) matching `text` anywhere.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

/// A UTC instant as stored (`TIMESTAMP` without zone).
pub fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

/// A stored `TIMESTAMP` back as UTC.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[cfg(test)]
mod tests {
    use super::contains_pattern;

    #[test]
    fn like_wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("a%b_c\\d"), "%a\\%b\\_c\\\\d%");
        assert_eq!(contains_pattern("plain"), "%plain%");
    }
}
