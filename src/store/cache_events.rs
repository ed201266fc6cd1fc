//! Cross-instance cache invalidation (S1, S12): a change of a record some
//! instance caches in memory (a client registration, the MFA policy rules)
//! is announced on PostgreSQL's [`CHANNEL`] by the transaction that makes
//! it, so the announcement is delivered if and only if the change commits;
//! every instance listens (`jobs::cache_listener`) and drops what it
//! cached. SQLite serves one instance: nothing to announce.

use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use crate::db::DbConnection;
use crate::error::AppError;

/// The PostgreSQL notification channel.
pub const CHANNEL: &str = "ostiary_cache";

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// Client `id` (created, edited, secret rotated, deleted, restored).
    Client(String),
    /// Some MFA policy rule.
    MfaRules,
}

impl Changed {
    fn payload(&self) -> String {
        match self {
            Self::Client(id) => format!("client:{id}"),
            Self::MfaRules => "mfa_rules".into(),
        }
    }

    /// What a notification's payload says changed (`None`: not ours, e.g.
    /// from a newer version; the listener then drops everything).
    pub fn parse(payload: &str) -> Option<Self> {
        match payload {
            "mfa_rules" => Some(Self::MfaRules),
            _ => payload
                .strip_prefix("client:")
                .map(|id| Self::Client(id.to_owned())),
        }
    }
}

/// Announce `changed` to every instance when the current transaction
/// commits (PostgreSQL `NOTIFY` is transactional).
pub fn announce(conn: &mut DbConnection, changed: &Changed) -> Result<(), AppError> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(changed.payload())
            .execute(pg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip() {
        for c in [Changed::Client("web-app".into()), Changed::MfaRules] {
            assert_eq!(Changed::parse(&c.payload()), Some(c));
        }
        assert_eq!(Changed::parse("something:else"), None);
    }
}
