//! Every instance on PostgreSQL listens for cache announcements
//! (`store::cache_events`) on a connection of its own and drops what it
//! cached of the changed records, so a client disabled or an MFA rule
//! changed on one instance is in force on all of them at once.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::cache_events::{CHANNEL, Changed};

/// How often pending announcements are read (a non-blocking read of the
/// socket, no round trip).
const POLL: Duration = Duration::from_millis(50);
/// How often the connection is proven alive with a query (a half-open
/// connection reports no error on its own).
const PROBE: Duration = Duration::from_secs(5);
/// The listening connection's `application_name`.
pub const APPLICATION_NAME: &str = "ostiary_cache_listener";
/// The pause before connecting again.
const RETRY: Duration = Duration::from_secs(1);

/// Listen for as long as the process lives; on SQLite, not at all.
pub async fn run(state: AppState) {
    loop {
        match listen(&state).await {
            Ok(()) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cache announcements: listener lost; reconnecting")
            }
        }
        tokio::time::sleep(RETRY).await;
    }
}

/// One listening session; `Ok` only when there is nothing to listen to.
async fn listen(state: &AppState) -> Result<(), AppError> {
    let db = state.db.clone();
    let conn = blocking(move || match db.dedicated_pg() {
        None => Ok(None),
        Some(conn) => {
            let mut conn = conn?;
            // Named for operators (`pg_stat_activity`).
            conn.batch_execute(&format!("SET application_name = '{APPLICATION_NAME}'"))?;
            diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn)?;
            Ok(Some(conn))
        }
    })
    .await?;
    let Some(conn) = conn else {
        return Ok(());
    };
    // Nothing was announced to this instance before the LISTEN: what it
    // cached may be stale.
    state.clients.forget_all();
    tracing::debug!("cache announcements: listening");
    let conn = Arc::new(Mutex::new(conn));
    let mut probed = Instant::now();
    loop {
        tokio::time::sleep(POLL).await;
        let probe = probed.elapsed() >= PROBE;
        if probe {
            probed = Instant::now();
        }
        let c = conn.clone();
        let payloads = blocking(move || {
            let mut conn = c
                .lock()
                .map_err(|_| AppError::Internal("the cache listener panicked".into()))?;
            if probe {
                conn.batch_execute("SELECT 1")?;
            }
            pending(&mut conn)
        })
        .await;
        let payloads = match payloads {
            Ok(p) => p,
            Err(e) => {
                // Announcements may be lost while reconnecting.
                state.clients.forget_all();
                return Err(e);
            }
        };
        for payload in payloads {
            metrics::counter!("ostiary_cache_announcements_total").increment(1);
            match Changed::parse(&payload) {
                Some(changed) => state.clients.changed(&changed),
                None => state.clients.forget_all(),
            }
        }
    }
}

/// The payloads of the announcements that arrived.
fn pending(conn: &mut PgConnection) -> Result<Vec<String>, AppError> {
    let mut payloads = Vec::new();
    for n in conn.notifications_iter() {
        payloads.push(n?.payload);
    }
    Ok(payloads)
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
}
