//! What every redirect-based sign-in at an upstream shares, whatever its
//! protocol: why it failed ([`UpstreamError`]), what the browser brings
//! back ([`Callback`]), what the start and the finish return, loading the
//! provider, and the guarded HTTP client with its JSON helper.

use openidconnect::HttpRequest;
use serde::Deserialize;

use crate::domain::UserId;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::identity::Identity;
use crate::federation::outbound::Outbound;
use crate::federation::spec::Settings;
use crate::state::AppState;
use crate::store::federation_logins::FederationLogin;
use crate::store::providers::{self, ProviderRow};

/// Why an upstream sign-in failed. [`UpstreamError::reason`] is the stable
/// code for the page and the audit log; the detail goes to the log only.
#[derive(Debug)]
pub enum UpstreamError {
    /// The provider is unknown, disabled, or not of a kind that signs in
    /// by redirect.
    Unavailable,
    /// The upstream could not be reached or answered nonsense.
    Unreachable(String),
    /// The callback's `state` is unknown, used, expired or not this browser's.
    StateInvalid,
    /// The upstream said no (`error=access_denied`, …).
    Denied(String),
    /// The code exchange or the ID token failed a check.
    Rejected(String),
    /// This address has too many sign-ins in flight.
    Busy,
    /// Our side failed.
    Internal(AppError),
}

impl UpstreamError {
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Unavailable => "provider_unavailable",
            Self::Unreachable(_) => "upstream_unreachable",
            Self::StateInvalid => "state_invalid",
            Self::Denied(_) => "upstream_denied",
            Self::Rejected(_) => "upstream_rejected",
            Self::Busy => "too_many_starts",
            Self::Internal(_) => "internal",
        }
    }

    /// What the log should say.
    pub fn detail(&self) -> String {
        match self {
            Self::Unavailable | Self::StateInvalid | Self::Busy => String::new(),
            Self::Unreachable(d) | Self::Denied(d) | Self::Rejected(d) => d.clone(),
            Self::Internal(e) => e.to_string(),
        }
    }
}

impl From<AppError> for UpstreamError {
    fn from(e: AppError) -> Self {
        Self::Internal(e)
    }
}

/// What a sign-in is for, remembered while the browser is upstream.
#[derive(Debug, Clone, Default)]
pub struct Intent {
    /// Where the browser goes once signed in (already checked).
    pub return_to: Option<String>,
    /// Set when the signed-in user links the provider to their account
    /// instead of signing in.
    pub link_user_id: Option<UserId>,
    /// The address of the browser starting it (bounds how many one
    /// address may have in flight).
    pub ip: Option<String>,
}

impl Intent {
    /// What a pending sign-in was for.
    pub fn of(pending: FederationLogin) -> Self {
        Self {
            return_to: pending.return_to,
            link_user_id: pending.link_user_id,
            ip: pending.ip,
        }
    }
}

/// A sign-in sent upstream: where the browser goes, and the token of the
/// cookie that binds the sign-in to this browser.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub browser_token: String,
    /// The provider comes back with a cross-site POST (SAML's ACS): the
    /// binding cookie must be `SameSite=None` to come along.
    pub cross_site_post: bool,
}

/// What the upstream sent to our callback.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

/// A callback whose pending sign-in was taken and whose provider is
/// usable: what every kind's finish starts from.
#[derive(Debug)]
pub struct Opened {
    pub pending: FederationLogin,
    /// The PKCE verifier, opened.
    pub verifier: String,
    pub row: ProviderRow,
    pub settings: Settings,
    pub code: String,
    /// RFC 9207 `iss` of the callback, if sent.
    pub iss: Option<String>,
}

/// A finished upstream sign-in: who, and what the sign-in was for.
#[derive(Debug)]
pub struct Finished {
    pub kind: Kind,
    pub identity: Identity,
    pub intent: Intent,
}

/// A failed finish, with where the browser was going (for the way back).
#[derive(Debug)]
pub struct Failure {
    pub error: UpstreamError,
    pub return_to: Option<String>,
}

/// A provider's row, kind and settings, if it exists (enabled or not).
pub async fn provider(
    state: &AppState,
    provider_id: &str,
) -> Result<(ProviderRow, Kind, Settings), UpstreamError> {
    let id = provider_id.to_owned();
    let row = state
        .db
        .run(move |conn| providers::find(conn, &id))
        .await?
        .ok_or(UpstreamError::Unavailable)?;
    let kind = Kind::parse(&row.kind).ok_or(UpstreamError::Unavailable)?;
    let settings: Settings = serde_json::from_str(&row.settings)
        .map_err(|e| AppError::Internal(format!("provider {provider_id}: settings: {e}")))?;
    Ok((row, kind, settings))
}

/// An enabled provider of a kind `accepts`, with its settings.
pub async fn usable(
    state: &AppState,
    provider_id: &str,
    accepts: fn(Kind) -> bool,
) -> Result<(ProviderRow, Settings), UpstreamError> {
    match provider(state, provider_id).await? {
        (row, kind, settings) if row.enabled && accepts(kind) => Ok((row, settings)),
        _ => Err(UpstreamError::Unavailable),
    }
}

/// The outbound client under this instance's rules.
pub fn outbound(state: &AppState) -> Result<Outbound, UpstreamError> {
    Ok(Outbound::new(state.config.oidc.allow_private_targets)?)
}

pub fn rejected(what: &str, e: impl std::fmt::Display) -> UpstreamError {
    UpstreamError::Rejected(format!("{what}: {e}"))
}

/// Call the upstream and read a JSON answer; `what` names the call in the
/// log.
pub async fn json<T: for<'de> Deserialize<'de>>(
    out: &Outbound,
    request: HttpRequest,
    what: &str,
) -> Result<T, UpstreamError> {
    let response = out
        .call(request)
        .await
        .map_err(|e| UpstreamError::Unreachable(format!("{what}: {e}")))?;
    if !response.status().is_success() {
        return Err(rejected(what, format!("HTTP {}", response.status())));
    }
    serde_json::from_slice(response.body()).map_err(|e| rejected(what, e))
}
