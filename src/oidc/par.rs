//! `POST /par`, pushed authorization requests (RFC 9126): the client
//! authenticates as at the token endpoint and posts the parameters of an
//! authorization request; they are checked as `/authorize` would check them
//! (client, `redirect_uri`, then everything else) and stored, and the
//! client gets a `request_uri` to send the browser to `/authorize` with.
//! Errors are JSON (§2.3), never redirects. A DPoP proof sent here binds
//! the code to its key (RFC 9449 §10.1).

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde_json::json;

use crate::crypto::token::random_token;
use crate::error::AppError;
use crate::oidc::authorize::pushed::uri_hash;
use crate::oidc::authorize::request::{self, RawParams, URN_PREFIX};
use crate::oidc::authorize::request_object;
use crate::oidc::client_auth;
use crate::oidc::dpop::{self, Place};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::token::endpoint;
use crate::state::AppState;
use crate::store::naive;
use crate::store::pushed_requests::{self, PushedRequest};

/// The credentials of the client, not parameters of the request.
const CLIENT_AUTH: [&str; 3] = ["client_secret", "client_assertion", "client_assertion_type"];

/// `POST /par`
pub async fn post_par(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    // A repeated parameter is refused here (RFC 9126 §2.1 → RFC 6749 §3.1).
    let form = client_auth::parse_form(&body)?;
    let client =
        client_auth::authenticate(&state, &req, &form, &[endpoint(&state, "/par")]).await?;
    // RFC 9449 §10.1: a DPoP proof here names the key the code's
    // redemption must prove, like dpop_jkt (which must then agree).
    let proof = dpop::verify(&state, &req, Place::AuthorizationServer, "/par", None).await?;
    if let (Some(p), Some(named)) = (&proof, form.get("dpop_jkt"))
        && *named != p.jkt
    {
        return Err(dpop::error(
            &state,
            Place::AuthorizationServer,
            ErrorCode::InvalidDpopProof,
            "dpop_jkt does not match the key of the DPoP proof",
        ));
    }
    // §2.1: a request_uri cannot itself be pushed.
    if form.contains_key("request_uri") {
        return Err(OAuthError::invalid_request(
            "request_uri must not be pushed",
        ));
    }
    let mut params: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| !CLIENT_AUTH.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    // The client is the authenticated one, named in the stored request
    // whether or not the body carried client_id (§2.1).
    params.retain(|(k, _)| k != "client_id");
    params.insert(0, ("client_id".into(), client.id.to_string()));
    // A signed request object (RFC 9126 §3, RFC 9101): its parameters only.
    let mut raw = request_object::at_par(&state, &client, RawParams(params)).await?;
    if let Some(p) = &proof {
        if raw.get("dpop_jkt").is_some_and(|named| named != p.jkt) {
            return Err(dpop::error(
                &state,
                Place::AuthorizationServer,
                ErrorCode::InvalidDpopProof,
                "dpop_jkt does not match the key of the DPoP proof",
            ));
        }
        raw.0.retain(|(k, _)| k != "dpop_jkt");
        raw.0.push(("dpop_jkt".into(), p.jkt.clone()));
    }
    // The same checks as at /authorize, answered as JSON (§2.3).
    request::target(&raw, Some(client.clone())).map_err(|e| match e {
        AppError::BadRequest(message) => OAuthError::invalid_request(message),
        other => OAuthError::from(other),
    })?;
    request::validate(&state, &raw, &client)?;

    let now = state.now();
    let ttl = state.config.oidc.par_ttl_secs;
    let request_uri = format!("{URN_PREFIX}{}", random_token());
    let stored = serde_json::to_string(&raw.0)
        .map_err(|e| AppError::Internal(format!("pushed request: {e}")))?;
    let row = PushedRequest {
        uri_hash: uri_hash(&request_uri),
        client_id: client.id.clone(),
        params: stored,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(ttl)),
        first_used_at: None,
        used_at: None,
    };
    state
        .db
        .run(move |conn| pushed_requests::insert(conn, &row))
        .await?;
    let mut res = HttpResponse::build(StatusCode::CREATED)
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(json!({ "request_uri": request_uri, "expires_in": ttl }));
    if proof.is_some() {
        crate::oidc::token::with_nonce(&state, &mut res);
    }
    Ok(res)
}
