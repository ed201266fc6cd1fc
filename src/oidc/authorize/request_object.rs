//! Signed request objects (RFC 9101, "JAR"): an authorization request
//! whose parameters come in a JWS the client signed with its registered
//! keys (see [`crate::oidc::client_keys`]), sent as `request` to
//! `/authorize` or pushed to `/par` (RFC 9126 §3).
//!
//! Checks: `alg` from [`REQUEST_OBJECT_ALGS`] (the client's
//! `request_object_signing_alg` alone when it has one; never `none` or
//! HMAC), an encrypted object (JWE) is refused, `iss` is the client,
//! `aud` is our issuer, `exp` is required, in the future and at most
//! `oidc.request_object_max_age_secs` ahead, `nbf` (if any) is neither in
//! the future nor older than that, a `client_id` claim equals the request's,
//! and the object names no further `request` or `request_uri`. Every
//! refusal is `invalid_request_object`.
//!
//! Semantics (RFC 9101 §5, as FAPI 2.0 requires): only the object's
//! parameters count; the rest of the query is ignored, except `client_id`,
//! which must match. A verified object at `/authorize` is stored as a
//! pushed request would be (the `pushed` module then serves it), so the
//! interactions carry only its reference, and the stored parameters carry
//! the mark [`VERIFIED`] — never taken from a browser or a client —
//! which `require_signed_request_object` (§10.5) looks for. Replay of an
//! object is bounded by its short `exp`; its `jti` is not recorded.

use actix_web::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use serde_json::Value;

use crate::crypto::token::random_token;
use crate::domain::ClientId;
use crate::error::AppError;
use crate::oidc::authorize::pushed;
use crate::oidc::authorize::request::{RawParams, URN_PREFIX};
use crate::oidc::client_keys::{self, REQUEST_OBJECT_ALGS};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::state::AppState;
use crate::store::clients::{self, Client};
use crate::store::naive;
use crate::store::pushed_requests::{self, PushedRequest};

/// The mark the stored parameters of a verified request object carry.
/// Stripped from everything a browser or client sends.
pub const VERIFIED: &str = "ostiary:signed_request_object";

/// Clock skew tolerated on `exp` and `nbf`.
const SKEW_SECS: i64 = 30;

/// Longest accepted `request` value.
const MAX_LEN: usize = 32 * 1024;

/// JWT claims that are not authorization parameters.
const JWT_CLAIMS: [&str; 6] = ["iss", "aud", "exp", "nbf", "iat", "jti"];

fn invalid(description: impl Into<String>) -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidRequestObject,
        description,
        StatusCode::BAD_REQUEST,
    )
}

/// The refusal of a request without a request object from a client that
/// must send one (RFC 9101 §10.5).
pub fn required_error() -> OAuthError {
    OAuthError::invalid_request(
        "this client must send its authorization requests as a signed request object (RFC 9101)",
    )
}

/// Whether the (expanded) parameters came from a verified request object.
pub fn verified(params: &RawParams) -> bool {
    params.get(VERIFIED).is_some()
}

fn without(params: &RawParams, names: &[&str]) -> RawParams {
    RawParams(
        params
            .0
            .iter()
            .filter(|(k, _)| !names.contains(&k.as_str()))
            .cloned()
            .collect(),
    )
}

/// Verify `jwt`, signed by `client` for a request naming `client_id`; the
/// authorization parameters it carries, with `client_id` first and the
/// [`VERIFIED`] mark last.
pub async fn parameters(
    state: &AppState,
    client: &Client,
    client_id: &str,
    jwt: &str,
) -> Result<Vec<(String, String)>, OAuthError> {
    if jwt.len() > MAX_LEN {
        return Err(invalid("the request object is too large"));
    }
    match jwt.split('.').count() {
        3 => {}
        5 => return Err(invalid("encrypted request objects are not supported")),
        _ => return Err(invalid("the request object is not a compact JWS")),
    }
    let allowed: Vec<&str> = match client.request_object_signing_alg.as_deref() {
        Some(only) => REQUEST_OBJECT_ALGS
            .iter()
            .copied()
            .filter(|a| *a == only)
            .collect(),
        None => REQUEST_OBJECT_ALGS.to_vec(),
    };
    let claims = client_keys::verify(state, client, jwt, &allowed)
        .await
        .map_err(|r| invalid(format!("request object rejected: {}", r.reason())))?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    if text("iss") != Some(client.id.as_str()) {
        return Err(invalid("iss must be the client_id"));
    }
    if claims.contains_key("client_id") && text("client_id") != Some(client_id) {
        return Err(invalid("client_id differs from the request's"));
    }
    let issuer = state.config.public_base();
    let for_us = match claims.get("aud") {
        Some(Value::String(a)) => a == issuer,
        Some(Value::Array(all)) => all.iter().any(|a| a.as_str() == Some(issuer)),
        _ => false,
    };
    if !for_us {
        return Err(invalid("aud must be the issuer"));
    }
    let now = state.now();
    let max_age = Duration::seconds(state.config.oidc.request_object_max_age_secs);
    let skew = Duration::seconds(SKEW_SECS);
    let time = |name: &str| -> Result<Option<chrono::DateTime<Utc>>, OAuthError> {
        match claims.get(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|t| Utc.timestamp_opt(t, 0).single())
                .map(Some)
                .ok_or_else(|| invalid(format!("{name} is not a time"))),
        }
    };
    let exp = time("exp")?.ok_or_else(|| invalid("exp is missing"))?;
    if exp + skew <= now {
        return Err(invalid("the request object has expired"));
    }
    if exp > now + max_age + skew {
        return Err(invalid("the request object lives too long (exp)"));
    }
    if let Some(nbf) = time("nbf")? {
        if nbf > now + skew {
            return Err(invalid("the request object is not valid yet (nbf)"));
        }
        if nbf + max_age + skew < now {
            return Err(invalid("the request object is too old (nbf)"));
        }
    }
    let mut out = vec![("client_id".to_owned(), client_id.to_owned())];
    for (name, value) in &claims {
        if JWT_CLAIMS.contains(&name.as_str()) || name == "client_id" || name == VERIFIED {
            continue;
        }
        if name == "request" || name == "request_uri" {
            return Err(invalid(format!("a request object must not contain {name}")));
        }
        match value {
            Value::Null => {}
            Value::String(s) => out.push((name.clone(), s.clone())),
            Value::Number(n) => out.push((name.clone(), n.to_string())),
            Value::Bool(b) => out.push((name.clone(), b.to_string())),
            // OIDC Core 6.1: `claims` (and other structured members) are
            // JSON in the object, a JSON string as a parameter.
            Value::Object(_) => out.push((name.clone(), value.to_string())),
            // RFC 8707: several resources as an array.
            Value::Array(items) if name == "resource" => {
                for item in items {
                    let r = item
                        .as_str()
                        .ok_or_else(|| invalid("resource values must be strings"))?;
                    out.push((name.clone(), r.to_owned()));
                }
            }
            Value::Array(_) => return Err(invalid(format!("{name} must not be an array"))),
        }
    }
    out.push((VERIFIED.to_owned(), "1".to_owned()));
    Ok(out)
}

/// At `/par`: the parameters to check and store. With `request`, only
/// the object's (verified for the authenticated `client`); without, the
/// posted ones, unless the client must sign (§10.5). The [`VERIFIED`]
/// mark is never taken from the body.
pub async fn at_par(
    state: &AppState,
    client: &Client,
    posted: RawParams,
) -> Result<RawParams, OAuthError> {
    let posted = without(&posted, &[VERIFIED]);
    let objects = posted.all("request");
    match objects.as_slice() {
        [] if client.require_signed_request_object => Err(required_error()),
        [] => Ok(posted),
        [jwt] => Ok(RawParams(
            parameters(state, client, client.id.as_str(), jwt).await?,
        )),
        _ => Err(OAuthError::invalid_request("parameter request is repeated")),
    }
}

/// What `/authorize` does with a request that is not a pushed one.
pub enum AtAuthorize {
    /// No request object: the parameters as sent (without the mark).
    Plain(RawParams),
    /// A verified object, stored like a pushed request: its parameters.
    Expanded(RawParams),
    /// A refused object: the query without it (its `redirect_uri`, if
    /// registered, gets the error) and the error.
    Refused(RawParams, OAuthError),
}

/// At `/authorize`, for a request `pushed::expand` did not take: verify
/// a `request` and store its parameters as a pushed request, answered as
/// one from then on.
pub async fn at_authorize(state: &AppState, params: &RawParams) -> Result<AtAuthorize, AppError> {
    let plain = without(params, &[VERIFIED]);
    let Some(jwt) = plain.get("request") else {
        return Ok(AtAuthorize::Plain(plain));
    };
    let jwt = jwt.to_owned();
    let rest = without(&plain, &["request"]);
    let refuse = |e: OAuthError| Ok(AtAuthorize::Refused(rest.clone(), e));
    if plain.all("request").len() > 1 {
        return refuse(OAuthError::invalid_request("parameter request is repeated"));
    }
    if plain.get("request_uri").is_some() {
        return refuse(OAuthError::invalid_request(
            "request and request_uri cannot both be used",
        ));
    }
    let client_id = match plain.get("client_id") {
        Some(id) if plain.all("client_id").len() == 1 && id.len() <= 128 => id.to_owned(),
        _ => return refuse(invalid("client_id is required with a request object")),
    };
    let id = ClientId::from(client_id.as_str());
    let Some(client) = state.db.run(move |conn| clients::find(conn, &id)).await? else {
        return refuse(invalid("unknown client"));
    };
    // RFC 9126 §5: a client that must push cannot send its object here.
    if client.require_par || state.config.oidc.require_pushed_authorization_requests {
        return refuse(pushed::required_error());
    }
    let stored = match parameters(state, &client, &client_id, &jwt).await {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    let now = state.now();
    let request_uri = format!("{URN_PREFIX}{}", random_token());
    let row = PushedRequest {
        uri_hash: pushed::uri_hash(&request_uri),
        client_id: client.id.clone(),
        params: serde_json::to_string(&stored)
            .map_err(|e| AppError::Internal(format!("request object: {e}")))?,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(state.config.oidc.par_ttl_secs)),
        first_used_at: None,
        used_at: None,
    };
    state
        .db
        .run(move |conn| pushed_requests::insert(conn, &row))
        .await?;
    let reference = RawParams(vec![
        ("client_id".to_owned(), client_id),
        ("request_uri".to_owned(), request_uri),
    ]);
    match pushed::expand(state, &reference).await? {
        Some(expanded) => Ok(AtAuthorize::Expanded(expanded)),
        None => Err(AppError::Internal(
            "a stored request object was not found again".into(),
        )),
    }
}
