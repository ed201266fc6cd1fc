//! A client's public keys, and verifying a JWS a client signed with them:
//! the one place `private_key_jwt` assertions (RFC 7523) and signed request
//! objects (RFC 9101) find their keys. The keys are the inline JWKS the
//! client was registered with, or the document at its `jwks_uri`, fetched
//! only through the outbound client ([`Outbound`]: https, no private
//! addresses unless `oidc.allow_private_targets`, no redirects, size and
//! time limits; S3, SR-114) and cached in memory for [`TTL`]; a JWS naming
//! a key the cached set lacks refetches it, at most once every
//! [`REFETCH_MIN`] (the client rotated its keys). Only asymmetric
//! algorithms are ever accepted: never `none`, never HMAC (SR-50).

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Duration, Utc};
use josekit::jwk::JwkSet;
use josekit::jws::JwsVerifier;
use serde_json::{Map, Value};

use crate::federation::outbound::Outbound;
use crate::state::AppState;
use crate::store::clients::Client;

/// Algorithms accepted for signed request objects (RFC 9101), also what a
/// client's `request_object_signing_alg` may name.
pub const REQUEST_OBJECT_ALGS: [&str; 4] = ["RS256", "PS256", "ES256", "EdDSA"];

/// How long fetched keys are trusted.
pub const TTL: Duration = Duration::minutes(5);
/// The least time between two fetches of one `jwks_uri`.
pub const REFETCH_MIN: Duration = Duration::seconds(10);

/// Why a JWS was not accepted (the reason is for the error description:
/// it names no key material).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// The client has neither `jwks` nor `jwks_uri`.
    NoKeys,
    /// The registered or fetched JWKS is not a JWKS.
    Unreadable,
    /// The `jwks_uri` could not be fetched.
    Unavailable,
    Malformed,
    /// `alg` outside the allowed list.
    Algorithm,
    /// No key for its `kid` and `alg`.
    UnknownKey,
    Signature,
}

impl Rejected {
    pub fn reason(self) -> &'static str {
        match self {
            Self::NoKeys => "no keys registered",
            Self::Unreadable => "registered keys unreadable",
            Self::Unavailable => "the client's jwks_uri could not be fetched",
            Self::Malformed => "malformed",
            Self::Algorithm => "signing algorithm not accepted",
            Self::UnknownKey => "no registered key for its kid and alg",
            Self::Signature => "bad signature",
        }
    }
}

struct Fetched {
    at: DateTime<Utc>,
    text: String,
}

/// Process-wide, keyed by the URI: the same document is the same keys
/// whichever instance or client asks (as in the tests, several instances
/// in one process each serve their own URI).
fn cache() -> &'static Mutex<HashMap<String, Fetched>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Fetched>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn cached(uri: &str, now: DateTime<Utc>, max_age: Duration) -> Option<String> {
    let entries = cache().lock().ok()?;
    entries
        .get(uri)
        .filter(|f| now - f.at < max_age)
        .map(|f| f.text.clone())
}

async fn fetch(state: &AppState, uri: &str, refresh: bool) -> Result<String, Rejected> {
    let now = state.now();
    let max_age = if refresh { REFETCH_MIN } else { TTL };
    if let Some(hit) = cached(uri, now, max_age) {
        return Ok(hit);
    }
    let unavailable = |why: String| {
        tracing::warn!(jwks_uri = uri, "client keys not fetched: {why}");
        Rejected::Unavailable
    };
    let outbound = Outbound::new(state.config.oidc.allow_private_targets)
        .map_err(|e| unavailable(e.to_string()))?;
    let request = openidconnect::http::Request::builder()
        .method(openidconnect::http::Method::GET)
        .uri(uri)
        .header("accept", "application/json, application/jwk-set+json")
        .body(Vec::new())
        .map_err(|e| unavailable(e.to_string()))?;
    let response = outbound
        .call(request)
        .await
        .map_err(|e| unavailable(e.to_string()))?;
    if !response.status().is_success() {
        return Err(unavailable(format!("status {}", response.status())));
    }
    let text = String::from_utf8(response.into_body()).map_err(|_| Rejected::Unreadable)?;
    JwkSet::from_bytes(text.as_bytes()).map_err(|_| Rejected::Unreadable)?;
    if let Ok(mut entries) = cache().lock() {
        entries.retain(|_, f| now - f.at < TTL);
        entries.insert(
            uri.to_owned(),
            Fetched {
                at: now,
                text: text.clone(),
            },
        );
    }
    Ok(text)
}

/// The client's public keys; `refresh` refetches a `jwks_uri` document
/// unless it was fetched in the last [`REFETCH_MIN`].
pub async fn keys(state: &AppState, client: &Client, refresh: bool) -> Result<JwkSet, Rejected> {
    let text = match (&client.jwks, &client.jwks_uri) {
        (Some(inline), _) => inline.clone(),
        (None, Some(uri)) => fetch(state, uri, refresh).await?,
        (None, None) => return Err(Rejected::NoKeys),
    };
    JwkSet::from_bytes(text.as_bytes()).map_err(|_| Rejected::Unreadable)
}

/// A verifier for `alg` from the key named `kid` (any key without one).
fn verifier_for(jwks: &JwkSet, kid: Option<&str>, alg: &str) -> Option<Box<dyn JwsVerifier>> {
    let candidates = jwks.keys().into_iter().filter(|k| match kid {
        Some(kid) => k.key_id() == Some(kid),
        None => true,
    });
    for jwk in candidates {
        if jwk.algorithm().is_some_and(|a| a != alg) {
            continue;
        }
        // SR-50: no `none`, no HMAC, nothing else.
        let verifier = crate::crypto::jws_verify::asymmetric(jwk, alg);
        if verifier.is_some() {
            return verifier;
        }
    }
    None
}

/// Verify a compact JWS signed by `client` with one of `allowed`
/// algorithms; its claims.
pub async fn verify(
    state: &AppState,
    client: &Client,
    jws: &str,
    allowed: &[&str],
) -> Result<Map<String, Value>, Rejected> {
    if jws.split('.').count() != 3 {
        return Err(Rejected::Malformed);
    }
    let header = josekit::jwt::decode_header(jws).map_err(|_| Rejected::Malformed)?;
    let alg = header
        .claim("alg")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !allowed.contains(&alg.as_str()) {
        return Err(Rejected::Algorithm);
    }
    let kid = header
        .claim("kid")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let jwks = keys(state, client, false).await?;
    let verifier = match verifier_for(&jwks, kid.as_deref(), &alg) {
        Some(v) => v,
        // A key the cached document lacks: the client may have rotated.
        None if client.jwks.is_none() => {
            let jwks = keys(state, client, true).await?;
            verifier_for(&jwks, kid.as_deref(), &alg).ok_or(Rejected::UnknownKey)?
        }
        None => return Err(Rejected::UnknownKey),
    };
    let (payload, _) =
        josekit::jwt::decode_with_verifier(jws, &*verifier).map_err(|_| Rejected::Signature)?;
    Ok(payload.claims_set().clone())
}
