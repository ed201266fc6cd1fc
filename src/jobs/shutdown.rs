//! Graceful shutdown (issue 18 item 5). On SIGTERM or SIGINT
//! ([`signal`]) `Application::run_until_stopped` closes the listeners,
//! lets in-flight requests finish (`server.shutdown_timeout_secs`), stops
//! the background jobs ([`Background::stop`]) and calls [`flush`] last:
//! the one place where work that must not be lost at exit goes.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// Wait for SIGTERM or SIGINT; returns the signal's name. Without signal
/// support (not Unix, or the handler cannot be installed) it waits for
/// Ctrl-C only, or forever.
pub async fn signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut term), Ok(mut int)) => {
                tokio::select! {
                    _ = term.recv() => "SIGTERM",
                    _ = int.recv() => "SIGINT",
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "cannot watch for SIGTERM/SIGINT: no graceful shutdown");
                std::future::pending().await
            }
        }
    }
    #[cfg(not(unix))]
    {
        match tokio::signal::ctrl_c().await {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        }
    }
}

/// The server's background jobs (key refresh, maintenance, webhooks,
/// alerts, …), stoppable together.
#[derive(Debug)]
pub struct Background {
    stop: watch::Sender<bool>,
    tasks: Vec<(&'static str, JoinHandle<()>)>,
}

impl Default for Background {
    fn default() -> Self {
        Self {
            stop: watch::channel(false).0,
            tasks: Vec::new(),
        }
    }
}

impl Background {
    /// A receiver that turns `true` when the jobs must stop (for loops that
    /// check it themselves between steps).
    pub fn stopping(&self) -> watch::Receiver<bool> {
        self.stop.subscribe()
    }

    /// Run `job` until it ends or [`Self::stop`] is called. A job that does
    /// not watch [`Self::stopping`] is dropped at its next `.await`: a
    /// database call already on the blocking pool still completes (its
    /// transaction commits or rolls back as a whole), the rest of the pass
    /// is left to the next start.
    pub fn spawn(&mut self, name: &'static str, job: impl Future<Output = ()> + Send + 'static) {
        let mut stopping = self.stopping();
        let handle = tokio::spawn(async move {
            tokio::select! {
                () = job => {}
                _ = stopping.wait_for(|stop| *stop) => {
                    tracing::debug!(job = name, "background job stopped");
                }
            }
        });
        self.tasks.push((name, handle));
    }

    /// Stop every job and wait for them, at most `timeout` in all; those
    /// still running then are aborted.
    pub async fn stop(self, timeout: Duration) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + timeout;
        for (name, mut handle) in self.tasks {
            if tokio::time::timeout_at(deadline, &mut handle)
                .await
                .is_err()
            {
                tracing::warn!(job = name, "background job did not stop in time; aborted");
                handle.abort();
            }
        }
    }
}

/// The last step before the process exits, after the listeners closed,
/// in-flight requests finished and the background jobs stopped: finish
/// work that must not be lost, bounded by `server.shutdown_timeout_secs`.
///
/// Today: wait for mail still being sent in the background, so each one is
/// delivered and its delivery record (and audit event) written. Further
/// flush steps (sealing pending audit rows) belong here too, in order.
pub async fn flush(state: &AppState) {
    let timeout = Duration::from_secs(state.config.server.shutdown_timeout_secs);
    let mail = &state.mailer.pending;
    let in_flight = mail.count();
    if in_flight > 0 {
        tracing::info!(in_flight, "waiting for mail being sent");
    }
    if !mail.wait(timeout).await {
        tracing::warn!(
            in_flight = mail.count(),
            "mail still being sent at shutdown; its delivery records stay `queued`"
        );
    }
    // Last: what this instance (and any other) appended is sealed into
    // the audit chain before the process exits (docs/audit.md).
    let now = state.now();
    match state
        .db
        .run(move |conn| crate::audit::seal::seal_now(conn, now))
        .await
    {
        Ok(pass) => tracing::info!(
            sealed = pass.sealed,
            waiting = pass.waiting,
            "audit rows sealed at shutdown"
        ),
        Err(e) => tracing::warn!(error = %e, "audit rows could not be sealed at shutdown"),
    }
    tracing::info!("shutdown complete");
}
