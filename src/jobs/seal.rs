//! The sealing job: every instance links new audit rows into the hash
//! chain every `audit.seal_interval_ms` (docs/audit.md, [`crate::audit::seal`]).

use std::sync::{Arc, Mutex};

use crate::audit::seal::Sealer;
use crate::error::AppError;
use crate::state::AppState;

/// Seal every `audit.seal_interval_ms` for as long as the process lives
/// (0: not at all), at once again after a full batch.
pub async fn run(state: AppState) {
    let period = state.config.audit.seal_interval_ms;
    if period == 0 {
        return;
    }
    let sealer = Arc::new(Mutex::new(Sealer::new()));
    loop {
        let now = state.now();
        let s = sealer.clone();
        let result = state
            .db
            .run(move |conn| {
                let mut sealer = s
                    .lock()
                    .map_err(|_| AppError::Internal("the audit sealer panicked".into()))?;
                sealer.drain(conn, now)
            })
            .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, "audit sealing failed");
        }
        tokio::time::sleep(std::time::Duration::from_millis(period)).await;
    }
}
