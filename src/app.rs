//! `Application`: build everything from a [`Config`] (migrate, keys, state),
//! bind the listener (port 0 works, for tests) and serve.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::Server;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::crypto::PasswordHasher;
use crate::crypto::signing::KeyStore;
use crate::db::Db;
use crate::db::migrations::run_migrations;
use crate::error::AppError;
use crate::jobs::shutdown::{self, Background};
use crate::keys::signing;
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
    management_port: Option<u16>,
    server: Server,
    management: Option<Server>,
    state: AppState,
    background: Background,
}

fn bind(address: &str, what: &str) -> Result<(TcpListener, u16), AppError> {
    let listener = TcpListener::bind(address)
        .map_err(|e| AppError::Config(format!("cannot listen on {address} ({what}): {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| AppError::Config(format!("cannot read the bound address: {e}")))?
        .port();
    Ok((listener, port))
}

/// Every problem with `config`: its own rules ([`crate::config::validate`])
/// and those of the database URL and the mail settings, which the modules
/// that use them know (config stays a leaf).
pub fn check_config(config: &Config) -> Vec<String> {
    let mut problems = crate::config::validate(config);
    if let Err(e) = crate::db::Backend::from_url(config.database_url.expose()) {
        problems.push(format!("database_url: {e}"));
    }
    if let Err(mail) = crate::mail::transport::Settings::from_config(config) {
        problems.extend(mail);
    }
    problems
}

/// Open the database, apply migrations, load keys: the state every command
/// that touches data needs.
pub async fn prepare_state(config: Config, clock: Arc<dyn Clock>) -> Result<AppState, AppError> {
    let db = Db::connect(config.database_url.expose(), &config.database)?;
    // Without the statement timeout: an index on a large table may take
    // longer to build.
    let applied = db.run_unbounded(run_migrations).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied database migrations");
    }
    let master = crate::keys::master::MasterKeys::from_config(&config, true)?;
    let now = clock.now();
    let envelope = {
        let master = master.clone();
        Arc::new(
            db.run(move |conn| {
                crate::keys::data::load_envelope(conn, &master).inspect_err(|e| {
                    crate::keys::master::audit_unwrap_failure(
                        conn,
                        &crate::audit::Actor::system("startup"),
                        e,
                        now,
                    )
                })
            })
            .await?,
        )
    };
    let policy = crate::state::key_policy(&config);
    let key_set = {
        let envelope = envelope.clone();
        db.run(move |conn| {
            signing::ensure_keys(conn, &envelope, policy, now)?;
            signing::load(conn, &envelope, policy, now)
        })
        .await?
    };
    let mailer = crate::mail::Mailer::from_config(
        &config,
        tokio::runtime::Handle::current(),
        db.clone(),
        clock.clone(),
    )
    .map_err(AppError::Config)?;
    let (logout, logout_receiver) = crate::store::logout::LogoutQueue::new();
    let state = AppState {
        logout,
        webauthn: crate::auth::webauthn::build(&config),
        mailer: Arc::new(mailer),
        hasher: PasswordHasher::new(&config.password)?,
        discovery: crate::oidc::discovery::render(&config)?,
        config: Arc::new(config),
        db,
        clock,
        envelope,
        master,
        keys: Arc::new(KeyStore::new(key_set)),
        clients: Arc::default(),
        metrics: crate::telemetry::metrics_handle(),
    };
    // The delivering end lives as long as the runtime (CLI commands too).
    tokio::spawn(crate::oidc::backchannel::deliver_queued(
        state.clone(),
        logout_receiver,
    ));
    Ok(state)
}

/// Poll the database for rotated signing keys and swap them in (S3: keys
/// rotated by one instance or the CLI reach every instance).
async fn refresh_keys(state: AppState) {
    let period = std::time::Duration::from_secs(state.config.oidc.key_refresh_secs);
    loop {
        tokio::time::sleep(period).await;
        if let Err(e) = reload_keys_if_changed(&state).await {
            tracing::warn!(error = %e, "could not refresh signing keys");
        }
    }
}

/// Reload the key set when the stored keys changed; returns whether it did.
pub async fn reload_keys_if_changed(state: &AppState) -> Result<bool, AppError> {
    let current = state.keys.snapshot();
    let policy = state.key_policy();
    let now = state.now();
    let envelope = state.envelope.clone();
    let fresh = state
        .db
        .run(move |conn| {
            if signing::changed(conn, &current, policy, now)? {
                signing::load(conn, &envelope, policy, now).map(Some)
            } else {
                Ok(None)
            }
        })
        .await?;
    match fresh {
        Some(set) => {
            tracing::info!(fingerprint = set.fingerprint(), "signing keys reloaded");
            state.keys.replace(set);
            Ok(true)
        }
        None => Ok(false),
    }
}

impl Application {
    /// Build and bind. Fails with a clear message on bad configuration,
    /// unreachable database or an unreadable master key.
    pub async fn build(config: Config, options: Options) -> Result<Self, AppError> {
        let problems = check_config(&config);
        if !problems.is_empty() {
            return Err(AppError::Config(problems.join("; ")));
        }
        let (listener, port) = bind(&config.listen, "listen")?;
        let management_listener = match config.management_listen.as_str() {
            "" => None,
            address => Some(bind(address, "management_listen")?),
        };
        let state = prepare_state(config, options.clock).await?;
        let background = spawn_background(&state);
        let shutdown_timeout = state.config.server.shutdown_timeout_secs;
        let data = web::Data::new(state.clone());
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                // The last wrap runs first: request context, then CORS.
                .wrap(from_fn(crate::oidc::cors::cors))
                .wrap(from_fn(crate::web::middleware::request_context))
                .configure(crate::routes::configure)
                .default_service(web::to(crate::routes::not_found))
        })
        // Signals are ours (`run_until_stopped`): SIGINT is graceful too,
        // and both listeners stop together.
        .disable_signals()
        .shutdown_timeout(shutdown_timeout)
        .listen(listener)
        .map_err(|e| AppError::Config(format!("cannot serve: {e}")))?;
        if let Some(workers) = options.workers {
            server = server.workers(workers);
        }
        let (management, management_port) = match management_listener {
            Some((listener, port)) => (Some(management_server(&state, listener)?), Some(port)),
            None => (None, None),
        };
        Ok(Self {
            port,
            management_port,
            server: server.run(),
            management,
            state,
            background,
        })
    }

    /// The bound port of the management listener, if it is on.
    pub fn management_port(&self) -> Option<u16> {
        self.management_port
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests use it to reach the database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serve until SIGTERM or SIGINT, then shut down gracefully (see
    /// [`Self::run_until`]).
    pub async fn run_until_stopped(self) -> Result<(), AppError> {
        self.run_until(async {
            let signal = shutdown::signal().await;
            tracing::info!(signal, "shutting down");
        })
        .await
    }

    /// Serve until `stop` completes, then shut down gracefully: both
    /// listeners close (new connections are refused), in-flight requests
    /// finish within `server.shutdown_timeout_secs`, the background jobs
    /// stop, and [`shutdown::flush`] runs last.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), AppError> {
        let Self {
            server,
            management,
            state,
            background,
            ..
        } = self;
        let handles: Vec<_> = std::iter::once(server.handle())
            .chain(management.as_ref().map(Server::handle))
            .collect();
        let trigger = tokio::spawn(async move {
            stop.await;
            tracing::info!("closing the listeners; finishing in-flight requests");
            for handle in &handles {
                // `stop` only sends the command here; the servers' own
                // futures below complete when they are done.
                drop(handle.stop(true));
            }
        });
        let stopped = |e: std::io::Error| AppError::Internal(format!("server stopped: {e}"));
        let served = match management {
            Some(management) => {
                let (public, management) = tokio::join!(server, management);
                public.and(management).map_err(stopped)
            }
            None => server.await.map_err(stopped),
        };
        trigger.abort();
        tracing::info!("listeners closed; stopping background jobs");
        let timeout = std::time::Duration::from_secs(state.config.server.shutdown_timeout_secs);
        background.stop(timeout).await;
        shutdown::flush(&state).await;
        served
    }
}

/// Start the server's background jobs under one [`Background`], so that
/// shutdown stops them together.
fn spawn_background(state: &AppState) -> Background {
    let mut background = Background::default();
    background.spawn("refresh_keys", refresh_keys(state.clone()));
    background.spawn(
        "refresh_data_keys",
        crate::keys::data::refresh(
            state.db.clone(),
            state.master.clone(),
            state.envelope.clone(),
            std::time::Duration::from_secs(state.config.keys.data_key_cache_ttl_secs),
        ),
    );
    background.spawn(
        "maintenance",
        crate::jobs::maintenance::run(state.clone(), std::time::Duration::from_secs(300)),
    );
    background.spawn("webhooks", crate::webhooks::worker::run(state.clone()));
    background.spawn("alerts", crate::alerts::evaluate::run(state.clone()));
    background.spawn("audit_sealer", crate::jobs::seal::run(state.clone()));
    background.spawn(
        "cache_listener",
        crate::jobs::cache_listener::run(state.clone()),
    );
    #[cfg(feature = "saml")]
    background.spawn(
        "saml_metadata",
        crate::jobs::saml_metadata::run(state.clone(), crate::jobs::saml_metadata::PERIOD),
    );
    background
}

/// The management listener (S1): metrics and health checks only, one
/// worker, for the operator's network; the public listener answers 404 on
/// `/metrics`.
fn management_server(state: &AppState, listener: TcpListener) -> Result<Server, AppError> {
    let data = web::Data::new(state.clone());
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .wrap(from_fn(crate::web::middleware::request_context))
            .configure(crate::routes::management)
            .default_service(web::to(crate::routes::not_found))
    })
    .workers(1)
    .disable_signals()
    .shutdown_timeout(state.config.server.shutdown_timeout_secs)
    .listen(listener)
    .map_err(|e| AppError::Config(format!("cannot serve: {e}")))?
    .run())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_and_mail_problems_are_named_too() {
        let c = Config {
            database_url: "mysql://x".into(),
            smtp_url: Some("ftp://mail".into()),
            ..Config::default()
        };
        let problems = check_config(&c);
        assert!(
            problems.iter().any(|p| p.starts_with("database_url:")),
            "{problems:?}"
        );
        assert!(problems.len() >= 2, "{problems:?}");
        assert!(check_config(&Config::default()).is_empty());
    }
}
