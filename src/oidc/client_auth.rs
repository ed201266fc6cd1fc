//! Client authentication at the token, introspection, revocation and device
//! endpoints (SR-33…SR-35): `client_secret_basic`, `client_secret_post`,
//! `private_key_jwt` (RFC 7523, single-use `jti`; the keys registered
//! inline or at the client's `jwks_uri`, see [`client_keys`]), and `none`
//! for public clients. Every failure is 401 `invalid_client`.

use std::collections::HashMap;

use actix_web::HttpRequest;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{Duration, TimeZone, Utc};
use diesel::prelude::*;
use serde_json::Value;

use super::error::OAuthError;
use super::{auth_method, client_keys};
use crate::db::schema::client_assertion_jtis;
use crate::db::{DbConnection, is_unique_violation};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::naive;

const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Longest accepted assertion lifetime and clock skew.
const MAX_ASSERTION_LIFETIME_SECS: i64 = 600;
const SKEW_SECS: i64 = 60;

/// The credentials a request carries.
#[derive(Debug, Default)]
struct Presented {
    basic: Option<(String, String)>,
    client_id: Option<String>,
    client_secret: Option<String>,
    assertion: Option<String>,
}

fn form_decode(s: &str) -> Option<String> {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
}

fn presented(req: &HttpRequest, form: &HashMap<String, String>) -> Result<Presented, OAuthError> {
    let mut p = Presented::default();
    if let Some(header) = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        && let Some(encoded) = header
            .strip_prefix("Basic ")
            .or_else(|| header.strip_prefix("basic "))
    {
        let bad = || OAuthError::invalid_client("malformed Basic credentials", true);
        let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
        let text = String::from_utf8(decoded).map_err(|_| bad())?;
        let (id, secret) = text.split_once(':').ok_or_else(bad)?;
        // RFC 6749 §2.3.1: both parts are form-urlencoded.
        p.basic = Some((
            form_decode(id).ok_or_else(bad)?,
            form_decode(secret).ok_or_else(bad)?,
        ));
    }
    p.client_id = form.get("client_id").cloned();
    p.client_secret = form.get("client_secret").cloned();
    if let Some(kind) = form.get("client_assertion_type") {
        if kind != JWT_BEARER {
            return Err(OAuthError::invalid_client(
                "unsupported client_assertion_type",
                false,
            ));
        }
        p.assertion = Some(
            form.get("client_assertion")
                .cloned()
                .ok_or_else(|| OAuthError::invalid_request("client_assertion is missing"))?,
        );
    }
    let methods = usize::from(p.basic.is_some())
        + usize::from(p.client_secret.is_some())
        + usize::from(p.assertion.is_some());
    if methods > 1 {
        return Err(OAuthError::invalid_request(
            "use exactly one client authentication method",
        ));
    }
    if let (Some((basic_id, _)), Some(form_id)) = (&p.basic, &p.client_id)
        && basic_id != form_id
    {
        return Err(OAuthError::invalid_client(
            "client_id does not match the credentials",
            true,
        ));
    }
    Ok(p)
}

/// Authenticate the calling client. `endpoint_urls` are the URLs an
/// assertion's `aud` may name (the issuer is always accepted).
pub async fn authenticate(
    state: &AppState,
    req: &HttpRequest,
    form: &HashMap<String, String>,
    endpoint_urls: &[String],
) -> Result<Client, OAuthError> {
    let p = presented(req, form)?;
    let basic = p.basic.is_some();
    let client_id = match (&p.basic, &p.client_id, &p.assertion) {
        (Some((id, _)), _, _) => id.clone(),
        (None, Some(id), _) => id.clone(),
        (None, None, Some(assertion)) => unverified_subject(assertion)?,
        _ => {
            return Err(OAuthError::invalid_client(
                "client authentication is required",
                false,
            ));
        }
    };
    let client = state
        .clients
        .get(&state.db, &client_id)
        .await?
        .ok_or_else(|| OAuthError::invalid_client("unknown client or wrong credentials", basic))?;
    let fail = || OAuthError::invalid_client("unknown client or wrong credentials", basic);
    match client.token_endpoint_auth_method.as_str() {
        // SR-33: the registered method only — a Basic client's secret in
        // the body (or the reverse) is refused like a wrong secret.
        method @ (auth_method::BASIC | auth_method::POST) => {
            let secret = if method == auth_method::BASIC {
                p.basic.map(|(_, s)| s)
            } else {
                p.client_secret
            }
            .ok_or_else(fail)?;
            let stored = client.secret_hash.as_deref().ok_or_else(fail)?;
            if !state.envelope.secret_matches(&secret, stored) {
                return Err(fail());
            }
        }
        auth_method::PRIVATE_KEY_JWT => {
            let assertion = p.assertion.ok_or_else(fail)?;
            verify_assertion(state, &client, &assertion, endpoint_urls).await?;
        }
        auth_method::NONE => {
            if basic || p.client_secret.is_some() || p.assertion.is_some() || !client.public {
                return Err(fail());
            }
        }
        _ => return Err(fail()),
    }
    Ok(Client::clone(&client))
}

fn unverified_subject(assertion: &str) -> Result<String, OAuthError> {
    let bad = || OAuthError::invalid_client("malformed client assertion", false);
    let payload = assertion.split('.').nth(1).ok_or_else(bad)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| bad())?;
    let claims: Value = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    claims["sub"].as_str().map(str::to_owned).ok_or_else(bad)
}

/// Algorithms a client assertion may use (as discovery advertises).
const ASSERTION_ALGS: [&str; 3] = ["RS256", "ES256", "EdDSA"];

async fn verify_assertion(
    state: &AppState,
    client: &Client,
    assertion: &str,
    endpoint_urls: &[String],
) -> Result<(), OAuthError> {
    let fail =
        |why: &str| OAuthError::invalid_client(format!("client assertion rejected: {why}"), false);
    // The client's keys: inline or fetched from its jwks_uri.
    let claims = client_keys::verify(state, client, assertion, &ASSERTION_ALGS)
        .await
        .map_err(|r| fail(r.reason()))?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str);
    if text("iss") != Some(client.id.as_str()) || text("sub") != Some(client.id.as_str()) {
        return Err(fail("iss and sub must be the client_id"));
    }
    let issuer = state.config.public_base().to_owned();
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !audiences
        .iter()
        .any(|a| *a == issuer || endpoint_urls.iter().any(|u| u == a))
    {
        return Err(fail("aud must be the issuer or the endpoint"));
    }
    let now = state.now();
    let exp = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or_else(|| fail("exp missing"))?;
    let exp = Utc
        .timestamp_opt(exp, 0)
        .single()
        .ok_or_else(|| fail("bad exp"))?;
    if exp + Duration::seconds(SKEW_SECS) < now {
        return Err(fail("expired"));
    }
    if exp > now + Duration::seconds(MAX_ASSERTION_LIFETIME_SECS) {
        return Err(fail("lifetime too long"));
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && Utc
            .timestamp_opt(nbf, 0)
            .single()
            .is_some_and(|t| t > now + Duration::seconds(SKEW_SECS))
    {
        return Err(fail("not yet valid"));
    }
    let jti = text("jti")
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or_else(|| fail("jti missing"))?
        .to_owned();
    let client_id = client.id.clone();
    let fresh = state
        .db
        .run(move |conn| {
            remember_jti(
                conn,
                &client_id,
                &jti,
                naive(exp + Duration::seconds(SKEW_SECS)),
                naive(now),
            )
        })
        .await?;
    if !fresh {
        return Err(fail("jti already used"));
    }
    Ok(())
}

/// Record an assertion id; `false` when it was seen before (replay).
fn remember_jti(
    conn: &mut DbConnection,
    client_id: &str,
    jti: &str,
    expires_at: chrono::NaiveDateTime,
    now: chrono::NaiveDateTime,
) -> Result<bool, AppError> {
    diesel::delete(client_assertion_jtis::table.filter(client_assertion_jtis::expires_at.lt(now)))
        .execute(conn)?;
    match diesel::insert_into(client_assertion_jtis::table)
        .values((
            client_assertion_jtis::client_id.eq(client_id),
            client_assertion_jtis::jti.eq(jti),
            client_assertion_jtis::expires_at.eq(expires_at),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Parse an `application/x-www-form-urlencoded` body into a map; a
/// parameter given twice is `invalid_request` (RFC 6749 §3.1).
pub fn parse_form(body: &[u8]) -> Result<HashMap<String, String>, OAuthError> {
    let mut map: HashMap<String, String> = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        // RFC 8707: `resource` may repeat, and so may RFC 8693's `audience`;
        // their values are kept one per line (see [`requested_resources`]).
        if (k == "resource" || k == "audience")
            && let Some(existing) = map.get_mut(&*k)
        {
            existing.push('\n');
            existing.push_str(&v);
            continue;
        }
        if map.insert(k.clone().into_owned(), v.into_owned()).is_some() {
            return Err(OAuthError::invalid_request(format!(
                "parameter {k} is repeated"
            )));
        }
    }
    Ok(map)
}

/// The `resource` values of a form read by [`parse_form`].
pub fn requested_resources(form: &HashMap<String, String>) -> Vec<String> {
    repeated(form, "resource")
}

/// The values of a parameter [`parse_form`] lets repeat (`resource`,
/// `audience`).
pub fn repeated(form: &HashMap<String, String>, name: &str) -> Vec<String> {
    form.get(name)
        .map(|v| {
            v.split('\n')
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}
