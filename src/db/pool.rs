//! The r2d2 connection manager. Diesel's derived `establish` tries every
//! backend in turn (a `postgres://` URL could become a SQLite file), so we pick
//! the backend by scheme ourselves and apply SQLite's pragmas on connect.

use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::{Connection, ConnectionError};

use super::{Backend, DbConnection};
use crate::error::AppError;

/// Creates connections for one URL.
#[derive(Debug)]
pub struct Manager {
    backend: Backend,
    target: String,
    busy_timeout_ms: u64,
}

impl Manager {
    pub fn new(backend: Backend, url: &str, busy_timeout_ms: u64) -> Result<Self, AppError> {
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
            Backend::Postgres => url.to_owned(),
        };
        Ok(Self {
            backend,
            target,
            busy_timeout_ms,
        })
    }
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = ConnectionError;

    fn connect(&self) -> Result<DbConnection, ConnectionError> {
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
            Backend::Postgres => Ok(DbConnection::Pg(PgConnection::establish(&self.target)?)),
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), ConnectionError> {
        conn.batch_execute("SELECT 1")
            .map_err(ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}
