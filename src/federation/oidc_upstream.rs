//! Signing in through an upstream OpenID Provider (S7, SR-110) with the
//! openidconnect crate: discovery (the document's `issuer` must equal the
//! configured one), authorization code with PKCE S256, a `nonce`, and a
//! `state` that is random, single use, short-lived and bound to the browser
//! by a cookie; the RFC 9207 `iss` parameter is checked when present (mix-up
//! defence); the ID token's signature is checked against the issuer's JWKS
//! with an allow-list of algorithms (RS256, ES256, PS256, EdDSA; never
//! `none` or HS*), and its `iss`, `aud`, `azp`, `exp`, `iat` and `nonce` by
//! the library, `at_hash` here when present; userinfo fills in a missing email. Discovery (with the
//! JWKS) is cached per provider for [`TTL`]; a token signed with a key not
//! in the cached set refetches it, at most once every [`REFETCH_MIN`].
//! Every call goes through [`Outbound`] (the outbound-call rules).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use chrono::Duration as ChronoDuration;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClientId as OidcClientId, ClientSecret,
    CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

use crate::crypto::token::{random_token, sha256_hex};
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::identity::Identity;
use crate::federation::outbound::Outbound;
use crate::federation::registry;
use crate::federation::spec::Settings;
use crate::state::AppState;
use crate::store::federation_logins::{self, FederationLogin};
use crate::store::naive;
use crate::store::providers::{self, ProviderRow};

/// How long discovery and keys are trusted.
pub const TTL: Duration = Duration::from_secs(15 * 60);
/// The least time between two fetches for one provider.
pub const REFETCH_MIN: Duration = Duration::from_secs(10);
/// How long a sign-in may stay at the upstream.
const PENDING_MINUTES: i64 = 10;

type Upstream = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why an upstream sign-in failed. [`UpstreamError::reason`] is the stable
/// code for the page and the audit log; the detail goes to the log only.
#[derive(Debug)]
pub enum UpstreamError {
    /// The provider is unknown, disabled, or not an OIDC kind.
    Unavailable,
    /// The upstream could not be reached or answered nonsense.
    Unreachable(String),
    /// The callback's `state` is unknown, used, expired or not this browser's.
    StateInvalid,
    /// The upstream said no (`error=access_denied`, …).
    Denied(String),
    /// The code exchange or the ID token failed a check.
    Rejected(String),
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
            Self::Internal(_) => "internal",
        }
    }

    /// What the log should say.
    pub fn detail(&self) -> String {
        match self {
            Self::Unavailable | Self::StateInvalid => String::new(),
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

/// Times are the application clock's (`AppState::now`), so tests can move
/// past the intervals instead of sleeping.
struct Discovered {
    at: DateTime<Utc>,
    issuer: String,
    metadata: CoreProviderMetadata,
}

/// Process-wide: provider ids are unique, so instances in one process (as
/// in the tests) never share an entry by mistake.
fn cache() -> &'static Mutex<HashMap<String, Discovered>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Discovered>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// When discovery last failed per provider: another attempt waits
/// [`REFETCH_MIN`], so requests to a broken upstream do not each call it.
fn failures() -> &'static Mutex<HashMap<String, DateTime<Utc>>> {
    static FAILED: OnceLock<Mutex<HashMap<String, DateTime<Utc>>>> = OnceLock::new();
    FAILED.get_or_init(Default::default)
}

/// Whether `at` is less than `age` before `now`.
fn within(at: DateTime<Utc>, now: DateTime<Utc>, age: Duration) -> bool {
    chrono::Duration::from_std(age).is_ok_and(|age| now - at < age)
}

fn cached(
    provider_id: &str,
    issuer: &str,
    now: DateTime<Utc>,
    max_age: Duration,
) -> Option<CoreProviderMetadata> {
    let entries = cache().lock().ok()?;
    entries
        .get(provider_id)
        .filter(|d| d.issuer == issuer && within(d.at, now, max_age))
        .map(|d| d.metadata.clone())
}

async fn metadata(
    state: &AppState,
    outbound: &Outbound,
    provider_id: &str,
    issuer: &str,
    refresh: bool,
) -> Result<CoreProviderMetadata, UpstreamError> {
    let now = state.now();
    let max_age = if refresh { REFETCH_MIN } else { TTL };
    if let Some(hit) = cached(provider_id, issuer, now, max_age) {
        return Ok(hit);
    }
    let recently_failed = failures()
        .lock()
        .ok()
        .and_then(|f| f.get(provider_id).copied())
        .is_some_and(|at| within(at, now, REFETCH_MIN));
    if recently_failed {
        return Err(UpstreamError::Unreachable(format!(
            "discovery of {issuer} failed less than {}s ago",
            REFETCH_MIN.as_secs()
        )));
    }
    let issuer_url =
        IssuerUrl::new(issuer.to_owned()).map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
    let http = |request| outbound.call(request);
    let fresh = match CoreProviderMetadata::discover_async(issuer_url, &http).await {
        Ok(fresh) => fresh,
        Err(e) => {
            if let Ok(mut failed) = failures().lock() {
                failed.insert(provider_id.to_owned(), now);
            }
            return Err(UpstreamError::Unreachable(format!(
                "discovery of {issuer}: {e}"
            )));
        }
    };
    if let Ok(mut entries) = cache().lock() {
        entries.insert(
            provider_id.to_owned(),
            Discovered {
                at: now,
                issuer: issuer.to_owned(),
                metadata: fresh.clone(),
            },
        );
    }
    Ok(fresh)
}

/// "Test connection": fetch the provider's discovery document and keys now
/// (through the same outbound rules, bypassing the cache) and say what was
/// found. Works for disabled providers too, so they can be checked first.
pub async fn test(state: &AppState, provider_id: &str) -> Result<serde_json::Value, UpstreamError> {
    let (row, kind, settings) = provider(state, provider_id).await?;
    if !kind.is_oidc() {
        return Err(UpstreamError::Unavailable);
    }
    let issuer = settings.issuer.clone().ok_or(UpstreamError::Unavailable)?;
    let out = outbound(state)?;
    let issuer_url =
        IssuerUrl::new(issuer.clone()).map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
    let http = |request| out.call(request);
    let found = CoreProviderMetadata::discover_async(issuer_url, &http)
        .await
        .map_err(|e| UpstreamError::Unreachable(format!("discovery of {issuer}: {e}")))?;
    Ok(serde_json::json!({
        "ok": true,
        "issuer": found.issuer().as_str(),
        "authorization_endpoint": found.authorization_endpoint().as_str(),
        "token_endpoint": found.token_endpoint().map(|u| u.as_str()),
        "userinfo_endpoint": found.userinfo_endpoint().map(|u| u.as_str()),
        "jwks_keys": found.jwks().keys().len(),
        "callback_url": registry::callback_url(state, &row.id),
    }))
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

async fn load(
    state: &AppState,
    provider_id: &str,
) -> Result<(ProviderRow, Settings), UpstreamError> {
    usable(state, provider_id, Kind::is_oidc).await
}

fn client(
    state: &AppState,
    row: &ProviderRow,
    settings: &Settings,
    metadata: CoreProviderMetadata,
) -> Result<Upstream, UpstreamError> {
    let secret = match &row.secret {
        Some(sealed) => Some(ClientSecret::new(registry::open_secret(
            state, &row.id, sealed,
        )?)),
        None => None,
    };
    let redirect = RedirectUrl::new(registry::callback_url(state, &row.id))
        .map_err(|e| AppError::Internal(format!("callback URL: {e}")))?;
    let auth = match settings.token_endpoint_auth_method.as_str() {
        "client_secret_post" => AuthType::RequestBody,
        _ => AuthType::BasicAuth,
    };
    Ok(CoreClient::from_provider_metadata(
        metadata,
        OidcClientId::new(settings.client_id.clone()),
        secret,
    )
    .set_redirect_uri(redirect)
    .set_auth_type(auth))
}

pub fn outbound(state: &AppState) -> Result<Outbound, UpstreamError> {
    Ok(Outbound::new(state.config.oidc.allow_private_targets)?)
}

/// A sign-in sent upstream: where the browser goes, and the token of the
/// cookie that binds the sign-in to this browser.
#[derive(Debug)]
pub struct Started {
    pub url: String,
    pub browser_token: String,
}

/// Begin a sign-in at `provider_id`; `return_to` is where the browser goes
/// once signed in (already checked by the caller).
pub async fn start(
    state: &AppState,
    provider_id: &str,
    return_to: Option<String>,
) -> Result<Started, UpstreamError> {
    let (row, settings) = load(state, provider_id).await?;
    let issuer = settings.issuer.clone().ok_or(UpstreamError::Unavailable)?;
    let out = outbound(state)?;
    let metadata = metadata(state, &out, &row.id, &issuer, false).await?;
    let client = client(state, &row, &settings, metadata)?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (state_token, nonce) = (random_token(), random_token());
    let (s, n) = (state_token.clone(), nonce.clone());
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(s),
            move || Nonce::new(n),
        )
        .set_pkce_challenge(challenge);
    for scope in settings.scopes.iter().filter(|s| *s != "openid") {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    if let Some(hd) = &settings.hosted_domain {
        request = request.add_extra_param("hd", hd.clone());
    }
    let (url, _, _) = request.url();
    let browser_token = remember(
        state,
        &row.id,
        &state_token,
        nonce,
        verifier.secret(),
        return_to,
    )
    .await?;
    Ok(Started {
        url: url.to_string(),
        browser_token,
    })
}

/// Store a pending sign-in (the hash of its `state`, the `nonce`, the PKCE
/// verifier sealed, the return address) for [`PENDING_MINUTES`]; returns
/// the token of the cookie that binds it to this browser. Shared by every
/// redirect-based kind.
pub async fn remember(
    state: &AppState,
    provider_id: &str,
    state_token: &str,
    nonce: String,
    pkce_verifier: &str,
    return_to: Option<String>,
) -> Result<String, UpstreamError> {
    let browser_token = random_token();
    let now = state.now();
    let pending = FederationLogin {
        state_hash: sha256_hex(state_token.as_bytes()),
        provider_id: provider_id.to_owned(),
        browser_hash: sha256_hex(browser_token.as_bytes()),
        nonce,
        pkce_verifier: state
            .envelope
            .encrypt(pkce_verifier.as_bytes(), "federation:pkce")?,
        return_to,
        created_at: naive(now),
        expires_at: naive(now + ChronoDuration::minutes(PENDING_MINUTES)),
    };
    state
        .db
        .run(move |conn| federation_logins::insert(conn, &pending))
        .await?;
    Ok(browser_token)
}

/// Take the pending sign-in a callback's `state` names — used up whatever
/// happens next — provided it is this provider's and this browser's; with
/// its PKCE verifier opened.
pub async fn take(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    callback: &Callback,
) -> Result<(FederationLogin, String), UpstreamError> {
    let state_param = callback.state.clone().ok_or(UpstreamError::StateInvalid)?;
    let (hash, now) = (sha256_hex(state_param.as_bytes()), state.now());
    let pending = state
        .db
        .run(move |conn| federation_logins::take(conn, &hash, naive(now)))
        .await?
        .ok_or(UpstreamError::StateInvalid)?;
    let same_browser = browser_token.is_some_and(|t| {
        crate::crypto::token::constant_time_eq(
            sha256_hex(t.as_bytes()).as_bytes(),
            pending.browser_hash.as_bytes(),
        )
    });
    if pending.provider_id != provider_id || !same_browser {
        return Err(UpstreamError::StateInvalid);
    }
    let verifier = state
        .envelope
        .decrypt(&pending.pkce_verifier, "federation:pkce")?;
    let verifier = String::from_utf8(verifier.to_vec())
        .map_err(|_| AppError::Internal("pkce verifier is not text".into()))?;
    Ok((pending, verifier))
}

/// What the upstream sent to our callback.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Callback {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

/// A finished upstream sign-in: who, and where the browser was going.
#[derive(Debug)]
pub struct Finished {
    pub kind: Kind,
    pub identity: Identity,
    pub return_to: Option<String>,
}

/// Finish the sign-in `callback` belongs to, for the browser holding
/// `browser_token`. The pending sign-in is used up whatever the outcome.
pub async fn finish(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    callback: Callback,
) -> Result<Finished, UpstreamError> {
    let (pending, verifier) = take(state, provider_id, browser_token, &callback).await?;
    let (row, settings) = load(state, provider_id).await?;
    let issuer = settings.issuer.clone().ok_or(UpstreamError::Unavailable)?;
    if let Some(error) = callback.error {
        return Err(UpstreamError::Denied(error.chars().take(100).collect()));
    }
    // RFC 9207: an `iss` naming another issuer is a mix-up.
    if callback.iss.as_ref().is_some_and(|iss| *iss != issuer) {
        return Err(UpstreamError::Rejected(
            "iss parameter names another issuer".into(),
        ));
    }
    let code = callback
        .code
        .ok_or_else(|| UpstreamError::Rejected("no code".into()))?;
    let out = outbound(state)?;
    let http = |request| out.call(request);
    let client_now = client(
        state,
        &row,
        &settings,
        metadata(state, &out, &row.id, &issuer, false).await?,
    )?;
    let tokens = client_now
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| UpstreamError::Rejected(format!("no token endpoint: {e}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request_async(&http)
        .await
        .map_err(|e| UpstreamError::Rejected(format!("code exchange: {e}")))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| UpstreamError::Rejected("no ID token".into()))?;
    let nonce = Nonce::new(pending.nonce.clone());
    let algs = [
        CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        CoreJwsSigningAlgorithm::RsaSsaPssSha256,
        CoreJwsSigningAlgorithm::EdDsa,
    ];
    let verified = {
        let verifier = client_now
            .id_token_verifier()
            .set_allowed_algs(algs.clone());
        id_token.claims(&verifier, &nonce).cloned()
    };
    let (claims, client_now) = match verified {
        Ok(claims) => (claims, client_now),
        Err(first) => {
            // Perhaps a rotated key: fetch the keys again (rate-limited)
            // and check once more.
            let fresh = metadata(state, &out, &row.id, &issuer, true).await?;
            let retry = client(state, &row, &settings, fresh)?;
            let claims = {
                let verifier = retry.id_token_verifier().set_allowed_algs(algs);
                id_token.claims(&verifier, &nonce).cloned().map_err(|e| {
                    UpstreamError::Rejected(format!("ID token: {first}; after refetch: {e}"))
                })?
            };
            (claims, retry)
        }
    };
    // SR-110: `at_hash`, when present, binds the access token to the ID token.
    if let Some(expected) = claims.access_token_hash() {
        let verifier = client_now.id_token_verifier();
        let computed = id_token
            .signing_alg()
            .and_then(|alg| id_token.signing_key(&verifier).map(|key| (alg, key)))
            .map_err(|e| UpstreamError::Rejected(format!("at_hash: {e}")))
            .and_then(|(alg, key)| {
                AccessTokenHash::from_token(tokens.access_token(), alg, key)
                    .map_err(|e| UpstreamError::Rejected(format!("at_hash: {e}")))
            })?;
        if computed != *expected {
            return Err(UpstreamError::Rejected(
                "at_hash does not match the access token".into(),
            ));
        }
    }
    // Claims the library does not model, read from the token it has just
    // verified: Google's `hd`, Entra's `tid` and `oid`.
    let extra = payload(&id_token.to_string())?;
    let text = |name: &str| extra.get(name).and_then(serde_json::Value::as_str);
    if let Some(hd) = &settings.hosted_domain
        && text("hd") != Some(hd.as_str())
    {
        return Err(UpstreamError::Rejected(format!(
            "hd is {:?}, the provider allows only {hd}",
            text("hd")
        )));
    }
    // SR-111: Entra identities are the tenant and object ids, never a
    // name or address the person can change.
    let subject = if Kind::parse(&row.kind) == Some(Kind::Entra) {
        match (text("tid"), text("oid")) {
            (Some(tid), Some(oid)) => format!("{tid}:{oid}"),
            _ => {
                return Err(UpstreamError::Rejected(
                    "Entra ID token without tid/oid".into(),
                ));
            }
        }
    } else {
        claims.subject().as_str().to_owned()
    };
    let mut email = claims.email().map(|e| e.as_str().to_owned());
    let mut email_verified = claims.email_verified() == Some(true);
    let mut name = claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.as_str().to_owned());
    if email.is_none()
        && let Ok(request) = client_now.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        )
    {
        let info: Result<CoreUserInfoClaims, _> = request.request_async(&http).await;
        match info {
            Ok(info) => {
                email = info.email().map(|e| e.as_str().to_owned());
                email_verified = info.email_verified() == Some(true);
                if name.is_none() {
                    name = info
                        .name()
                        .and_then(|n| n.get(None))
                        .map(|n| n.as_str().to_owned());
                }
            }
            Err(e) => tracing::warn!(provider = %row.id, "userinfo failed: {e}"),
        }
    }
    let amr = claims
        .auth_method_refs()
        .map(|list| list.iter().map(|a| a.as_str().to_owned()).collect())
        .unwrap_or_default();
    Ok(Finished {
        kind: Kind::parse(&row.kind).ok_or(UpstreamError::Unavailable)?,
        identity: Identity {
            provider_id: row.id,
            issuer,
            subject,
            email,
            email_verified,
            name,
            groups: Vec::new(),
            amr,
        },
        return_to: pending.return_to,
    })
}

/// The payload of a compact JWS, as JSON (only for a token already verified).
fn payload(jws: &str) -> Result<serde_json::Map<String, serde_json::Value>, UpstreamError> {
    use base64::Engine as _;
    let part = jws
        .split('.')
        .nth(1)
        .ok_or_else(|| UpstreamError::Rejected("ID token is not a JWS".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| UpstreamError::Rejected(format!("ID token payload: {e}")))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| UpstreamError::Rejected(format!("ID token payload: {e}")))
}

#[cfg(test)]
mod tests {
    use super::payload;

    #[test]
    fn payload_reads_the_middle_part() {
        // {"hd":"example.com","tid":"t","oid":"o"}
        let jws = "e30.eyJoZCI6ImV4YW1wbGUuY29tIiwidGlkIjoidCIsIm9pZCI6Im8ifQ.c2ln";
        let claims = payload(jws).unwrap();
        assert_eq!(claims["hd"], "example.com");
        assert!(payload("nodots").is_err());
        assert!(payload("a.!!!.b").is_err());
    }
}
