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

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthType, AuthorizationCode, ClientId as OidcClientId, ClientSecret,
    CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};

use crate::crypto::token::random_token;
use crate::error::AppError;
use crate::federation::identity::{Identity, UpstreamTokens};
use crate::federation::outbound::Outbound;
use crate::federation::pending::remember;
use crate::federation::spec::Settings;
use crate::federation::upstream::{
    Finished, Intent, Opened, Started, UpstreamError, outbound, usable,
};
use crate::federation::{Kind, entra, registry};
use crate::state::AppState;
use crate::store::providers::ProviderRow;

/// How long discovery and keys are trusted.
pub const TTL: Duration = Duration::from_secs(15 * 60);
/// The least time between two fetches for one provider.
pub const REFETCH_MIN: Duration = Duration::from_secs(10);

type Upstream = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

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
    settings: &Settings,
    refresh: bool,
) -> Result<CoreProviderMetadata, UpstreamError> {
    let issuer = settings
        .issuer
        .as_deref()
        .ok_or(UpstreamError::Unavailable)?;
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
    let fresh = match discover(outbound, settings, issuer).await {
        Ok(fresh) => fresh,
        Err(e) => {
            if let Ok(mut failed) = failures().lock() {
                failed.insert(provider_id.to_owned(), now);
            }
            return Err(e);
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

/// Fetch discovery and keys (no cache): the document's issuer must be the
/// configured one, or for a multi-tenant Entra authority its template.
async fn discover(
    out: &Outbound,
    settings: &Settings,
    issuer: &str,
) -> Result<CoreProviderMetadata, UpstreamError> {
    if let Some(authority) = entra::multi_tenant(settings) {
        return entra::discover(out, issuer, authority).await;
    }
    let issuer_url =
        IssuerUrl::new(issuer.to_owned()).map_err(|e| UpstreamError::Unreachable(e.to_string()))?;
    let http = |request| out.call(request);
    CoreProviderMetadata::discover_async(issuer_url, &http)
        .await
        .map_err(|e| UpstreamError::Unreachable(format!("discovery of {issuer}: {e}")))
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

/// Begin a sign-in at `provider_id` for `intent`.
pub async fn start(
    state: &AppState,
    provider_id: &str,
    intent: Intent,
) -> Result<Started, UpstreamError> {
    let (row, settings) = usable(state, provider_id, Kind::is_oidc).await?;
    let out = outbound(state)?;
    let metadata = metadata(state, &out, &row.id, &settings, false).await?;
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
        intent,
    )
    .await?;
    Ok(Started {
        url: url.to_string(),
        browser_token,
        cross_site_post: false,
    })
}

/// Finish an OIDC sign-in whose callback was opened.
pub async fn finish(state: &AppState, opened: Opened) -> Result<Finished, UpstreamError> {
    let Opened {
        pending,
        verifier,
        row,
        settings,
        code,
        iss,
    } = opened;
    let mut issuer = settings.issuer.clone().ok_or(UpstreamError::Unavailable)?;
    let multi_tenant = entra::multi_tenant(&settings);
    // RFC 9207: an `iss` naming another issuer is a mix-up (a multi-tenant
    // authority's is checked against the token's tenant below).
    if multi_tenant.is_none() && iss.as_ref().is_some_and(|iss| *iss != issuer) {
        return Err(UpstreamError::Rejected(
            "iss parameter names another issuer".into(),
        ));
    }
    let out = outbound(state)?;
    let http = |request| out.call(request);
    let client_now = client(
        state,
        &row,
        &settings,
        metadata(state, &out, &row.id, &settings, false).await?,
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
    // A multi-tenant authority's issuer depends on the token's tenant:
    // checked by `entra::check_issuer` once the signature is.
    let exact_issuer = multi_tenant.is_none();
    let verified = {
        let verifier = client_now
            .id_token_verifier()
            .set_allowed_algs(algs.clone())
            .require_issuer_match(exact_issuer);
        id_token.claims(&verifier, &nonce).cloned()
    };
    let (claims, client_now) = match verified {
        Ok(claims) => (claims, client_now),
        Err(first) => {
            // Perhaps a rotated key: fetch the keys again (rate-limited)
            // and check once more.
            let fresh = metadata(state, &out, &row.id, &settings, true).await?;
            let retry = client(state, &row, &settings, fresh)?;
            let claims = {
                let verifier = retry
                    .id_token_verifier()
                    .set_allowed_algs(algs)
                    .require_issuer_match(exact_issuer);
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
    if let Some(authority) = multi_tenant {
        issuer = entra::check_issuer(
            &settings,
            authority,
            claims.issuer().as_str(),
            text("tid"),
            iss.as_deref(),
        )?;
    }
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
    let kept = UpstreamTokens {
        access_token: tokens.access_token().secret().clone(),
        refresh_token: tokens.refresh_token().map(|t| t.secret().clone()),
        id_token: Some(id_token.to_string()),
        expires_at: tokens
            .expires_in()
            .and_then(|d| chrono::Duration::from_std(d).ok())
            .map(|d| (state.now() + d).to_rfc3339()),
    };
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
            tokens: Some(kept),
        },
        intent: Intent::of(pending),
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
