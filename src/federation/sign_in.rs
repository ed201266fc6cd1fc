//! One entry for every kind that signs in through
//! `/login/providers/{id}/callback`: start a sign-in at the provider, and
//! finish it — the callback is opened the same way for every kind (the
//! pending sign-in taken, the provider still enabled, an upstream `error`
//! refused), then finished by the protocol its kind speaks (OpenID
//! Connect, or GitHub's OAuth and REST API).

use crate::federation::pending::{open, take};
use crate::federation::upstream::{
    Callback, Failure, Finished, Intent, Opened, Started, UpstreamError, provider,
};
use crate::federation::{Kind, github, oidc_upstream};
use crate::state::AppState;

/// Send the browser to the provider.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    intent: Intent,
) -> Result<Started, UpstreamError> {
    match provider(state, provider_id).await?.1 {
        Kind::Github => github::start(state, provider_id, intent).await,
        kind if kind.is_oidc() => oidc_upstream::start(state, provider_id, intent).await,
        #[cfg(feature = "saml")]
        Kind::Saml => crate::federation::saml::start(state, provider_id, intent).await,
        _ => Err(UpstreamError::Unavailable),
    }
}

async fn by_kind(state: &AppState, opened: Opened) -> Result<Finished, UpstreamError> {
    match Kind::parse(&opened.row.kind) {
        Some(Kind::Github) => github::finish(state, opened).await,
        Some(kind) if kind.is_oidc() => oidc_upstream::finish(state, opened).await,
        _ => Err(UpstreamError::Unavailable),
    }
}

/// Take the browser back from the provider. The pending sign-in is used
/// up whatever the outcome; a failure after it was found still knows where
/// the browser was going.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    callback: Callback,
) -> Result<Finished, Failure> {
    let (pending, verifier) = take(state, provider_id, browser_token, &callback)
        .await
        .map_err(|error| Failure {
            error,
            return_to: None,
        })?;
    let return_to = pending.return_to.clone();
    let opened = open(state, pending, verifier, callback).await;
    match opened {
        Ok(opened) => by_kind(state, opened).await,
        Err(error) => Err(error),
    }
    .map_err(|error| Failure { error, return_to })
}
