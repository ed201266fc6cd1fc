//! Persistence, one module per aggregate: row structs and query functions.
//! Nothing here knows about HTTP. Functions take `&mut DbConnection` and are
//! called inside [`crate::db::Db::run`].

pub mod alerts;
pub mod api_keys;
pub mod audit;
pub mod backup_codes;
pub mod branding;
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
pub mod sessions;
pub mod setup;
pub mod signing_keys;
pub mod stats;
pub mod throttle;
pub mod users;
pub mod webauthn_challenges;
pub mod webhooks;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::Connection;

use crate::db::DbConnection;
use crate::error::AppError;

/// Run `f` in a write transaction. It first takes the audit chain head, which
/// serializes audited writes: on SQLite it takes the write lock up front (no
/// deferred-lock upgrade failures), on PostgreSQL a row lock held to commit.
pub fn write_tx<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    conn.transaction::<T, AppError, _>(|conn| {
        audit::lock_head(conn)?;
        f(conn)
    })
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
