//! Authorization requests that name a pushed request (RFC 9126 §4): the
//! parameters are the stored ones, never the browser's. Between the
//! interactions (login, chooser, consent) the request travels as
//! `client_id` + `request_uri` plus how far it got: `prompt` and `max_age`
//! may only lose what a fresh sign-in satisfied (the same freedom a plain
//! request's URL gives), never gain anything.

use actix_web::http::StatusCode;
use chrono::Duration;

use crate::crypto::token::sha256_hex;
use crate::error::AppError;
use crate::oidc::authorize::request::{RawParams, URN_PREFIX};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::state::AppState;
use crate::store::{naive, pushed_requests};

/// How long a pushed request lasts once first used, for the person to
/// sign in (a login form, a second factor, consent).
const INTERACTION_SECS: i64 = 600;

/// Longest `request_uri` we could have issued, with room to spare.
const MAX_URI: usize = 200;

/// The SHA-256 under which a `request_uri` is stored.
pub fn uri_hash(request_uri: &str) -> String {
    sha256_hex(request_uri.as_bytes())
}

/// The refusal when a client that must push did not (§5).
pub fn required_error() -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidRequest,
        "this client must push its authorization requests to the pushed authorization request endpoint (RFC 9126)",
        StatusCode::BAD_REQUEST,
    )
}

fn refused() -> AppError {
    AppError::BadRequest(
        crate::i18n::Tr::current()
            .text("authorize.par_invalid")
            .to_owned(),
    )
}

/// The `redirect_uri` of the live pushed request `request_uri` of
/// `client_id`, if there is one (its deadline untouched): where a sign-in
/// page's forms may finally lead (the CSP `form-action`).
pub async fn stored_redirect_uri(
    state: &AppState,
    client_id: &str,
    request_uri: &str,
) -> Result<Option<String>, AppError> {
    if !request_uri.starts_with(URN_PREFIX) || request_uri.len() > MAX_URI {
        return Ok(None);
    }
    let hash = uri_hash(request_uri);
    let client = crate::domain::ClientId::from(client_id);
    let now = state.now();
    let Some(row) = state
        .db
        .run(move |conn| pushed_requests::peek(conn, &hash, &client, naive(now)))
        .await?
    else {
        return Ok(None);
    };
    let stored: Vec<(String, String)> = serde_json::from_str(&row.params)
        .map_err(|e| AppError::Internal(format!("pushed request unreadable: {e}")))?;
    Ok(stored
        .into_iter()
        .find_map(|(k, v)| (k == "redirect_uri").then_some(v)))
}

/// The request's parameters: `None` when it names no pushed request (a
/// `request_uri` not in our `urn:` form is left for the plain checks), the
/// stored ones (with `request_uri` kept) when it names a live one of its
/// client, an error page otherwise (nothing can be redirected: the stored
/// `redirect_uri` is out of reach).
pub async fn expand(state: &AppState, params: &RawParams) -> Result<Option<RawParams>, AppError> {
    // Not one of ours: the plain request, refused there (SR-15, SR-16).
    let Some(request_uri) = params
        .get("request_uri")
        .filter(|u| u.starts_with(URN_PREFIX))
    else {
        return Ok(None);
    };
    let once = |name: &str| params.all(name).len() <= 1;
    let client_id = match params.get("client_id") {
        Some(id) if once("client_id") && once("request_uri") && id.len() <= 128 => id,
        _ => return Err(refused()),
    };
    if request_uri.len() > MAX_URI {
        return Err(refused());
    }
    let hash = uri_hash(request_uri);
    let client = crate::domain::ClientId::from(client_id);
    let now = state.now();
    let row = state
        .db
        .run(move |conn| {
            pushed_requests::open(
                conn,
                &hash,
                &client,
                naive(now),
                naive(now + Duration::seconds(INTERACTION_SECS)),
            )
        })
        .await?
        .ok_or_else(refused)?;
    let stored: Vec<(String, String)> = serde_json::from_str(&row.params)
        .map_err(|e| AppError::Internal(format!("pushed request unreadable: {e}")))?;
    let mut out = Vec::with_capacity(stored.len() + 1);
    let progressed = |name: &str| params.0.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    for (k, v) in stored {
        match (k.as_str(), progressed(&k)) {
            ("prompt", Some(now)) => {
                let asked: Vec<&str> = v.split(' ').collect();
                if !now
                    .split(' ')
                    .filter(|p| !p.is_empty())
                    .all(|p| asked.contains(&p))
                {
                    return Err(refused());
                }
                if !now.is_empty() {
                    out.push((k, now.clone()));
                }
            }
            ("max_age", Some(now)) if now.is_empty() => {}
            ("max_age", Some(now)) if *now != v => return Err(refused()),
            _ => out.push((k, v)),
        }
    }
    out.push(("request_uri".into(), request_uri.to_owned()));
    Ok(Some(RawParams(out)))
}
