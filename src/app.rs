//! `Application`: build everything from a [`Config`] (migrate, keys, state),
//! bind the listener (port 0 works, for tests) and serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::crypto::{Envelope, KeyProvider, LocalKeyProvider, PasswordHasher};
use crate::db::{Db, run_migrations};
use crate::error::AppError;
use crate::state::AppState;

/// Knobs that are not configuration: the clock and the worker count.
#[derive(Debug, Clone)]
pub struct Options {
    pub clock: Arc<dyn Clock>,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            workers: None,
        }
    }
}

/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

/// Open the database, apply migrations, load keys: the state every command
/// that touches data needs.
pub async fn prepare_state(config: Config, clock: Arc<dyn Clock>) -> Result<AppState, AppError> {
    let db = Db::connect(&config.database_url, &config.database)?;
    let applied = db.run(run_migrations).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied database migrations");
    }
    let provider: Arc<dyn KeyProvider> = Arc::new(LocalKeyProvider::load_or_create(
        &config.master_key_path(),
        config.master_key_file.is_none(),
    )?);
    let envelope = {
        let provider = provider.clone();
        db.run(move |conn| Envelope::load(conn, &provider)).await?
    };
    Ok(AppState {
        hasher: PasswordHasher::new(&config.password)?,
        config: Arc::new(config),
        db,
        clock,
        envelope: Arc::new(envelope),
        metrics: crate::telemetry::metrics_handle(),
    })
}

impl Application {
    /// Build and bind. Fails with a clear message on bad configuration,
    /// unreachable database or an unreadable master key.
    pub async fn build(config: Config, options: Options) -> Result<Self, AppError> {
        let problems = crate::config::validate(&config);
        if !problems.is_empty() {
            return Err(AppError::Config(problems.join("; ")));
        }
        let listener = TcpListener::bind(&config.listen)
            .map_err(|e| AppError::Config(format!("cannot listen on {}: {e}", config.listen)))?;
        let port = listener
            .local_addr()
            .map_err(|e| AppError::Config(format!("cannot read the bound address: {e}")))?
            .port();
        let state = prepare_state(config, options.clock).await?;
        let data = web::Data::new(state.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .wrap(Compress::default())
                .wrap(from_fn(crate::web::middleware::request_context))
                .configure(crate::routes::configure)
                .default_service(web::to(crate::routes::not_found))
        })
        .listen(listener)
        .map_err(|e| AppError::Config(format!("cannot serve: {e}")))?;
        if let Some(workers) = options.workers {
            server = server.workers(workers);
        }
        Ok(Self {
            port,
            server: server.run(),
            state,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use it to reach the database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until the process is stopped.
    pub async fn run_until_stopped(self) -> Result<(), AppError> {
        self.server
            .await
            .map_err(|e| AppError::Internal(format!("server stopped: {e}")))
    }
}
