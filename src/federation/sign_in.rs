//! One entry for every redirect-based kind: start and finish a sign-in at
//! a provider, whichever protocol its kind speaks (OpenID Connect, or
//! GitHub's OAuth and REST API).

use crate::federation::oidc_upstream::{self, Callback, Finished, Started, UpstreamError};
use crate::federation::{Kind, github};
use crate::state::AppState;

async fn kind_of(state: &AppState, provider_id: &str) -> Result<Kind, UpstreamError> {
    oidc_upstream::provider(state, provider_id)
        .await
        .map(|(_, kind, _)| kind)
}

/// Send the browser to the provider.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    return_to: Option<String>,
) -> Result<Started, UpstreamError> {
    match kind_of(state, provider_id).await? {
        Kind::Github => github::start(state, provider_id, return_to).await,
        kind if kind.is_oidc() => oidc_upstream::start(state, provider_id, return_to).await,
        _ => Err(UpstreamError::Unavailable),
    }
}

/// Take the browser back from the provider.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    callback: Callback,
) -> Result<Finished, UpstreamError> {
    match kind_of(state, provider_id).await {
        Ok(Kind::Github) => github::finish(state, provider_id, browser_token, callback).await,
        // Unknown or OIDC: the OIDC path refuses what it cannot use, and
        // uses up the pending sign-in either way.
        _ => oidc_upstream::finish(state, provider_id, browser_token, callback).await,
    }
}
