//! What the pool knows about the database's health: whether the last
//! connection attempt failed (requests then wait only briefly for a
//! connection), an epoch that moves on whenever a connection was lost (idle
//! connections from an older epoch are checked once before use), which
//! errors mean "the database is unavailable", and rate-limited logging of
//! connection failures.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use diesel::result::{DatabaseErrorKind, Error};

/// At most one connection-failure line per this period; the rest are
/// counted and reported with the next line.
const LOG_EVERY: Duration = Duration::from_secs(10);

/// Shared between the pool's manager and [`super::Db`].
#[derive(Debug, Default)]
pub struct Health {
    epoch: AtomicU64,
    down: AtomicBool,
    log: Mutex<LogState>,
}

#[derive(Debug, Default)]
struct LogState {
    last: Option<Instant>,
    suppressed: u64,
}

impl Health {
    /// The current epoch (see [`Self::connection_lost`]).
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::Acquire)
    }

    /// A connection broke or none could be had: every idle connection made
    /// before now is checked once (`SELECT 1`) before its next use.
    pub fn connection_lost(&self) {
        self.epoch.fetch_add(1, Ordering::AcqRel);
    }

    /// Whether the last attempt to reach the database failed.
    pub fn is_down(&self) -> bool {
        self.down.load(Ordering::Acquire)
    }

    /// A connection attempt failed: remember it and log (rate-limited).
    pub fn connect_failed(&self, error: &dyn std::fmt::Display) {
        let was_down = self.down.swap(true, Ordering::AcqRel);
        if !was_down {
            self.connection_lost();
        }
        self.log_failure(error);
    }

    /// The database answered (a new connection, or a checked idle one).
    pub fn reachable(&self) {
        if self.down.swap(false, Ordering::AcqRel) {
            tracing::info!("database reachable again");
            if let Ok(mut log) = self.log.lock() {
                log.last = None;
                log.suppressed = 0;
            }
        }
    }

    /// Log a connection failure at most once per [`LOG_EVERY`], with the
    /// number of failures not logged since the last line.
    pub fn log_failure(&self, error: &dyn std::fmt::Display) {
        let Ok(mut log) = self.log.lock() else {
            return;
        };
        let now = Instant::now();
        if log
            .last
            .is_some_and(|last| now.duration_since(last) < LOG_EVERY)
        {
            log.suppressed += 1;
            return;
        }
        let suppressed = std::mem::take(&mut log.suppressed);
        log.last = Some(now);
        drop(log);
        tracing::warn!(%error, suppressed, "database connection failed");
    }
}

/// Whether `error` means the connection itself is gone (closed by the
/// server, network failure, a transaction manager left broken): the
/// connection must not go back into the pool.
pub fn is_connection_lost(error: &Error) -> bool {
    match error {
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
        | Error::BrokenTransactionManager => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("server closed the connection")
                || message.contains("no connection to the server")
                || message.contains("terminating connection")
                || message.contains("could not receive data from server")
                || message.contains("could not send data to server")
        }
        _ => false,
    }
}

/// Whether `error` means "the database cannot serve this now" (a 503 for
/// the client, not a 500): a lost connection, a statement cancelled by
/// `statement_timeout` (or a replica conflict), SQLite busy beyond its
/// `busy_timeout`.
pub fn is_unavailable(error: &Error) -> bool {
    if is_connection_lost(error) {
        return true;
    }
    match error {
        Error::DatabaseError(_, info) => {
            let message = info.message();
            message.starts_with("canceling statement due to")
                || message.contains("database is locked")
                || message.contains("database table is locked")
                || message.contains("the database system is")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_moves_once_per_outage_start() {
        let health = Health::default();
        assert_eq!(health.epoch(), 0);
        assert!(!health.is_down());
        health.connect_failed(&"refused");
        health.connect_failed(&"refused");
        assert!(health.is_down());
        assert_eq!(health.epoch(), 1);
        health.reachable();
        assert!(!health.is_down());
        health.connection_lost();
        assert_eq!(health.epoch(), 2);
    }

    #[test]
    fn closed_connections_and_timeouts_are_unavailable() {
        let closed = Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection,
            Box::new("server closed the connection unexpectedly".to_owned()),
        );
        assert!(is_connection_lost(&closed));
        assert!(is_unavailable(&closed));
        let timeout = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("canceling statement due to statement timeout".to_owned()),
        );
        assert!(!is_connection_lost(&timeout));
        assert!(is_unavailable(&timeout));
        let locked = Error::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("database is locked".to_owned()),
        );
        assert!(is_unavailable(&locked));
        let unique = Error::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new("duplicate key value".to_owned()),
        );
        assert!(!is_unavailable(&unique));
        assert!(!is_unavailable(&Error::NotFound));
    }
}
