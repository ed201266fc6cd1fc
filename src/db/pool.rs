//! The r2d2 connection manager. Diesel's derived `establish` tries every
//! backend in turn (a `postgres://` URL could become a SQLite file), so we pick
//! the backend by scheme ourselves and apply SQLite's pragmas, or
//! PostgreSQL's statement and idle-in-transaction timeouts, on connect.
//!
//! No `SELECT 1` on every checkout: a connection is only checked when a
//! connection was lost since it was last used (the [`Health`] epoch moved),
//! and one whose query failed with a connection-level error is marked
//! broken so r2d2 drops it instead of handing it out again.

use std::path::Path;
use std::sync::Arc;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::R2D2Connection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use super::health::Health;
use super::{Backend, DbConnection};
use crate::config::DatabaseConfig;
use crate::error::AppError;

/// A pooled connection and what the pool knows about it.
pub struct Pooled {
    pub(super) conn: DbConnection,
    /// The [`Health`] epoch in which it was last known good.
    epoch: u64,
    /// A query on it failed with a connection-level error.
    pub(super) broken: bool,
}

/// Creates connections for one URL.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
    busy_timeout_ms: u64,
    /// `SET …` run on every new PostgreSQL connection.
    pg_session: String,
    health: Arc<Health>,
}

impl Manager {
    pub fn new(
        backend: Backend,
        url: &str,
        settings: &DatabaseConfig,
        health: Arc<Health>,
    ) -> Result<Self, AppError> {
        let target = match backend {
            Backend::Sqlite => {
                let path = url.trim_start_matches("sqlite://");
                if let Some(dir) = Path::new(path).parent()
                    && !dir.as_os_str().is_empty()
                {
                    crate::config::create_private_dir(dir).map_err(|e| {
                        AppError::Config(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                path.to_owned()
            }
            Backend::Postgres => with_connect_timeout(url, settings.connect_timeout_secs),
        };
        Ok(Self {
            backend,
            target,
            busy_timeout_ms: settings.sqlite_busy_timeout_ms,
            pg_session: pg_session_settings(settings),
            health,
        })
    }

    fn establish(&self) -> Result<DbConnection, ConnectionError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.target)?;
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
                    self.busy_timeout_ms
                ))
                .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Sqlite(conn))
            }
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.target)?;
                conn.batch_execute(&self.pg_session)
                    .map_err(ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConnection::Pg(conn))
            }
        }
    }
}

/// The session settings that bound every query on a PostgreSQL connection
/// (0 turns a bound off, as in PostgreSQL).
pub fn pg_session_settings(settings: &DatabaseConfig) -> String {
    format!(
        "SET statement_timeout = {}; SET idle_in_transaction_session_timeout = {};",
        settings.statement_timeout_ms, settings.idle_in_transaction_timeout_ms
    )
}

/// `url` with libpq's `connect_timeout` (at least 2 s, as libpq rounds up),
/// unless the URL sets one itself: an unreachable host then fails in
/// bounded time instead of hanging a pool thread on TCP retries.
pub(super) fn with_connect_timeout(url: &str, secs: u64) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}connect_timeout={}", secs.max(2))
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectionError;

    fn connect(&self) -> Result<Pooled, ConnectionError> {
        let epoch = self.health.epoch();
        match self.establish() {
            Ok(conn) => {
                self.health.reachable();
                Ok(Pooled {
                    conn,
                    epoch,
                    broken: false,
                })
            }
            Err(e) => {
                self.health.connect_failed(&e);
                Err(e)
            }
        }
    }

    /// Free unless a connection was lost since this one was last known good.
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), ConnectionError> {
        let epoch = self.health.epoch();
        if pooled.epoch == epoch {
            return Ok(());
        }
        pooled
            .conn
            .batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
        pooled.epoch = epoch;
        self.health.reachable();
        Ok(())
    }

    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        pooled.broken || R2D2Connection::is_broken(&mut pooled.conn)
    }
}

/// r2d2's error sink: connection failures go to [`Health`], which logs
/// them rate-limited (a database outage must not flood the log).
#[derive(Debug)]
pub struct ErrorSink(pub Arc<Health>);

impl r2d2::HandleError<ConnectionError> for ErrorSink {
    fn handle_error(&self, error: ConnectionError) {
        self.0.log_failure(&error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connect_timeout_is_added_unless_present() {
        assert_eq!(
            with_connect_timeout("postgres://u@h/db", 5),
            "postgres://u@h/db?connect_timeout=5"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?sslmode=require", 1),
            "postgres://u@h/db?sslmode=require&connect_timeout=2"
        );
        assert_eq!(
            with_connect_timeout("postgres://u@h/db?connect_timeout=9", 5),
            "postgres://u@h/db?connect_timeout=9"
        );
    }
}
