//! The daily refresh of SAML IdP metadata (issue 15,
//! `federation::saml_refresh`). Every instance runs it; a document already
//! stored by another instance is not written again (an unchanged document
//! writes nothing), so several instances do the same fetches but never
//! conflicting work.

use std::time::Duration;

use crate::state::AppState;

/// How often the metadata of URL-based SAML providers is fetched again.
pub const PERIOD: Duration = Duration::from_secs(24 * 60 * 60);

/// Refresh every `period` for as long as the process lives (the first
/// pass one period after start).
pub async fn run(state: AppState, period: Duration) {
    loop {
        tokio::time::sleep(period).await;
        let done = crate::federation::saml_refresh::refresh_all(&state).await;
        tracing::info!(providers = done.len(), "saml metadata refresh pass");
    }
}
