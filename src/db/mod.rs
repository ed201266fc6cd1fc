//! Storage plumbing: one Diesel connection type over SQLite and PostgreSQL,
//! an r2d2 pool, embedded migrations, and [`Db::run`], the one helper through
//! which every Diesel call leaves the async workers for the blocking pool.

mod columns;
pub mod migrations;
mod pool;
pub mod schema;

use std::time::Duration;

use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;

use crate::config::DatabaseConfig;
use crate::error::AppError;

/// The connection: SQLite or PostgreSQL, queries written once.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Choose the backend by URL scheme; anything else is a clear error.
    pub fn from_url(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err("sqlite:// needs a file path, e.g. sqlite://./data/ostiary.db".into());
            }
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            // The URL may hold a password: name the scheme only when there
            // is one, never echo the rest.
            let scheme = match url.split_once("://") {
                Some((scheme, _))
                    if scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
                {
                    format!(" {scheme:?}")
                }
                _ => String::new(),
            };
            Err(format!(
                "unsupported database URL scheme{scheme}: use sqlite://PATH or postgres://USER@HOST/DB"
            ))
        }
    }
}

/// Pooled database access.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<pool::Manager>,
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .finish()
    }
}

/// A snapshot of the pool for metrics.
#[derive(Debug, Clone, Copy)]
pub struct PoolState {
    pub connections: u32,
    pub idle: u32,
    pub max: u32,
}

impl Db {
    /// Open a pool for `url` (creating the SQLite file and its directory).
    pub fn connect(url: &str, settings: &DatabaseConfig) -> Result<Self, AppError> {
        let backend = Backend::from_url(url).map_err(AppError::Config)?;
        let manager = pool::Manager::new(backend, url, settings.sqlite_busy_timeout_ms)?;
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(settings.connect_timeout_secs))
            .build(manager)?;
        Ok(Self { pool, backend })
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Run `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Pool usage for `/metrics`.
    pub fn state(&self) -> PoolState {
        let state = self.pool.state();
        PoolState {
            connections: state.connections,
            idle: state.idle_connections,
            max: self.pool.max_size(),
        }
    }
}

/// Whether a Diesel error is a unique-constraint violation (an expected
/// outcome such as "already exists", never a 500).
pub fn is_unique_violation(error: &diesel::result::Error) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}
