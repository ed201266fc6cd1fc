//! How often one client address may call `POST /register`
//! (`[registration] rate_limit` per `rate_window_secs`, successful or not):
//! a fixed-window counter in the shared throttle table, so every instance
//! counts the same attempts (S1).

use chrono::Duration;

use crate::error::AppError;
use crate::state::AppState;
use crate::store::throttle::{self, Throttle};
use crate::store::{naive, utc, write_tx};

/// Count an attempt from `ip`; `false` when the address has used up its
/// attempts for the current window (nothing is counted then).
pub async fn allow(state: &AppState, ip: &str) -> Result<bool, AppError> {
    let settings = &state.config.registration;
    let (limit, window) = (
        settings.rate_limit,
        Duration::seconds(settings.rate_window_secs),
    );
    let (key, now) = (format!("register:ip:{ip}"), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let current = throttle::get(conn, &key)?
                    .filter(|row| utc(row.window_started_at) + window > now);
                let row = match current {
                    Some(row) if row.failures >= limit => return Ok(false),
                    Some(row) => Throttle {
                        failures: row.failures + 1,
                        ..row
                    },
                    None => Throttle {
                        key: key.clone(),
                        failures: 1,
                        window_started_at: naive(now),
                        // Kept by the maintenance job until the window ends.
                        next_attempt_at: naive(now + window),
                        locked_until: None,
                    },
                };
                throttle::put(conn, &row)?;
                Ok(true)
            })
        })
        .await
}
