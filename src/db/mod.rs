//! Storage plumbing: one Diesel connection type over SQLite and PostgreSQL,
//! an r2d2 pool, embedded migrations, and [`Db::run`], the one helper through
//! which every Diesel call leaves the async workers for the blocking pool.

mod columns;
pub mod health;
pub mod migrations;
mod pool;
pub mod schema;

use std::sync::Arc;
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
    health: Arc<health::Health>,
    /// How long a request waits for a connection normally, and while the
    /// database is known to be unreachable.
    checkout_timeout: Duration,
    unavailable_timeout: Duration,
    readiness_timeout: Duration,
    /// The `SET …` that restores the PostgreSQL session bounds after
    /// [`Db::run_unbounded`].
    pg_session: String,
    /// Where [`Db::dedicated_pg`] connects (PostgreSQL only).
    pg_target: Option<String>,
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
    ///
    /// Connections are made on demand (`min_idle` 0: no background
    /// reconnection loop while the database is down); a checkout is not
    /// tested with a query (see [`pool`]), and waits at most
    /// `connect_timeout_secs`, or `unavailable_timeout_ms` while the last
    /// connection attempt failed, then fails with [`AppError::Unavailable`].
    pub fn connect(url: &str, settings: &DatabaseConfig) -> Result<Self, AppError> {
        let backend = Backend::from_url(url).map_err(AppError::Config)?;
        let health = Arc::new(health::Health::default());
        let manager = pool::Manager::new(backend, url, settings, health.clone())?;
        let checkout_timeout = Duration::from_secs(settings.connect_timeout_secs.max(1));
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(0))
            // Only checks connections older than the last lost one: free
            // in steady state (`pool::Manager::is_valid`).
            .test_on_check_out(true)
            .connection_timeout(checkout_timeout)
            .error_handler(Box::new(pool::ErrorSink(health.clone())))
            .build(manager)?;
        Ok(Self {
            pool,
            backend,
            health,
            checkout_timeout,
            unavailable_timeout: Duration::from_millis(settings.unavailable_timeout_ms.max(1)),
            readiness_timeout: Duration::from_millis(settings.readiness_timeout_ms.max(1)),
            pg_session: pool::pg_session_settings(settings),
            pg_target: (backend == Backend::Postgres)
                .then(|| pool::with_connect_timeout(url, settings.connect_timeout_secs)),
        })
    }

    /// A PostgreSQL connection of its own, outside the pool (a `LISTEN`
    /// session lives as long as its connection), with the pool's connect
    /// timeout and session bounds; `None` on SQLite. Blocking: call it on
    /// the blocking pool.
    pub fn dedicated_pg(&self) -> Option<Result<PgConnection, AppError>> {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let target = self.pg_target.as_deref()?;
        Some((|| {
            let mut conn = PgConnection::establish(target)
                .map_err(|e| AppError::Unavailable(format!("cannot connect: {e}")))?;
            conn.batch_execute(&self.pg_session)?;
            Ok(conn)
        })())
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Run `f` with a pooled connection on the blocking thread pool.
    ///
    /// No connection within the checkout timeout, a lost connection, a
    /// statement cancelled by `statement_timeout` or SQLite busy beyond its
    /// `busy_timeout` all become [`AppError::Unavailable`] (503); a
    /// connection that was lost is dropped from the pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let timeout = if self.health.is_down() {
            self.unavailable_timeout
        } else {
            self.checkout_timeout
        };
        self.run_with(timeout, f).await
    }

    /// [`Db::run`] without the PostgreSQL `statement_timeout` (migrations:
    /// building an index on a large table may take longer); the bound is
    /// restored afterwards, or the connection is dropped.
    pub async fn run_unbounded<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let restore = self.pg_session.clone();
        self.run(move |conn| {
            if !matches!(conn, DbConnection::Pg(_)) {
                return f(conn);
            }
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SET statement_timeout = 0")?;
            let result = f(conn);
            conn.batch_execute(&restore)?;
            result
        })
        .await
    }

    /// Whether the database answers `SELECT 1` within the readiness
    /// timeout (`/readyz`).
    pub async fn ping(&self) -> Result<(), AppError> {
        self.run_with(self.readiness_timeout, |conn| {
            use diesel::connection::SimpleConnection;
            Ok(conn.batch_execute("SELECT 1")?)
        })
        .await
    }

    async fn run_with<T, F>(&self, timeout: Duration, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        let health = self.health.clone();
        tokio::task::spawn_blocking(move || {
            let mut pooled = pool.get_timeout(timeout).map_err(|e| {
                health.connection_lost();
                AppError::Unavailable(format!("no database connection: {e}"))
            })?;
            let result = f(&mut pooled.conn);
            match result {
                Err(AppError::Database(e)) if health::is_unavailable(&e) => {
                    if health::is_connection_lost(&e) {
                        pooled.broken = true;
                        health.connection_lost();
                    }
                    Err(AppError::Unavailable(format!("database unavailable: {e}")))
                }
                other => other,
            }
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
