//! The background worker every instance runs (spawned by `app`): each
//! period, enqueue new audit events, then send the due deliveries.

use crate::error::AppError;
use crate::federation::outbound::Outbound;
use crate::state::AppState;
use crate::webhooks::{deliver, enqueue};

/// One pass with a given client: (deliveries added, attempts made).
pub async fn pass(state: &AppState, out: &Outbound) -> Result<(usize, usize), AppError> {
    let added = enqueue::run_once(state).await?;
    let sent = deliver::run_once(state, out).await?;
    Ok((added, sent))
}

/// One pass with a fresh client (tests, the CLI).
pub async fn run_once(state: &AppState) -> Result<(usize, usize), AppError> {
    let out = Outbound::new(state.config.oidc.allow_private_targets)?;
    pass(state, &out).await
}

/// Run passes every `webhooks.worker_period_ms` (0: not at all).
pub async fn run(state: AppState) {
    let period = state.config.webhooks.worker_period_ms;
    if period == 0 {
        return;
    }
    let out = match Outbound::new(state.config.oidc.allow_private_targets) {
        Ok(out) => out,
        Err(e) => {
            tracing::error!(error = %e, "webhook worker not started");
            return;
        }
    };
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(period)).await;
        if let Err(e) = pass(&state, &out).await {
            tracing::warn!(error = %e, "webhook pass failed");
        }
    }
}
