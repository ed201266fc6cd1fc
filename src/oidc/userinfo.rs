//! `/userinfo` (OIDC Core §5.3, GET and POST): an access token that
//! [`issued::live_access_token`] accepts, with the `openid` scope, answers
//! with the claims its scopes allow. A DPoP-bound token (RFC 9449 §7) comes
//! under the `DPoP` scheme with a proof by its key over it (`ath`); a bound
//! token as `Bearer`, or a plain one as `DPoP`, is refused.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::crypto::token::constant_time_eq;
use crate::oidc::dpop::{self, Place};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens;
use crate::oidc::{client_auth, issued, scope};
use crate::state::AppState;

fn missing_token() -> OAuthError {
    // RFC 6750 §3.1: no error code when no credentials were sent.
    let mut e = OAuthError::new(
        ErrorCode::InvalidToken,
        "a bearer access token is required",
        StatusCode::UNAUTHORIZED,
    );
    e.challenge = Some("Bearer realm=\"ostiary\"".into());
    e
}

/// An access token and how it came.
#[derive(Debug)]
struct Presented {
    token: String,
    /// Under the `DPoP` scheme (RFC 9449 §7.1).
    dpop: bool,
}

fn bearer(req: &HttpRequest) -> Result<Option<Presented>, OAuthError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| OAuthError::invalid_token("malformed Authorization header"))?;
    match text.split_once(' ') {
        Some((scheme, token)) if !token.trim().is_empty() => {
            let dpop = if scheme.eq_ignore_ascii_case("bearer") {
                false
            } else if scheme.eq_ignore_ascii_case("dpop") {
                true
            } else {
                return Err(missing_token());
            };
            Ok(Some(Presented {
                token: token.trim().to_owned(),
                dpop,
            }))
        }
        _ => Err(missing_token()),
    }
}

/// 401 `invalid_token` with a `DPoP` challenge.
fn dpop_invalid_token(state: &AppState, description: &str) -> OAuthError {
    dpop::error(state, Place::Resource, ErrorCode::InvalidToken, description)
}

async fn respond(
    state: &AppState,
    req: &HttpRequest,
    presented: Option<Presented>,
) -> Result<HttpResponse, OAuthError> {
    let presented = presented.ok_or_else(missing_token)?;
    let token = presented.token;
    // RFC 9449 §7.1: under the DPoP scheme a proof over this token.
    let proof = if presented.dpop {
        let proof = dpop::verify(state, req, Place::Resource, "/userinfo", Some(&token)).await?;
        Some(proof.ok_or_else(|| {
            dpop::error(
                state,
                Place::Resource,
                ErrorCode::InvalidDpopProof,
                "a DPoP proof is required with the DPoP scheme",
            )
        })?)
    } else {
        None
    };
    let claims = issued::live_access_token(state, &token)
        .await?
        .ok_or_else(|| {
            if proof.is_some() {
                dpop_invalid_token(state, "the access token is invalid, expired or revoked")
            } else {
                OAuthError::invalid_token("the access token is invalid, expired or revoked")
            }
        })?;
    match (&claims.jkt, &proof) {
        (Some(bound), Some(p)) if constant_time_eq(bound.as_bytes(), p.jkt.as_bytes()) => {}
        (Some(_), Some(_)) => {
            return Err(dpop_invalid_token(
                state,
                "the DPoP proof's key is not the one the access token is bound to",
            ));
        }
        (Some(_), None) => {
            return Err(dpop_invalid_token(
                state,
                "a DPoP-bound access token must be presented with the DPoP scheme and a proof",
            ));
        }
        (None, Some(_)) => {
            return Err(dpop_invalid_token(
                state,
                "the access token is not DPoP-bound; present it as a Bearer token",
            ));
        }
        (None, None) => {}
    }
    if !scope::has(&claims.scope, "openid") || claims.grant_id.is_none() {
        let mut e = OAuthError::new(
            ErrorCode::InsufficientScope,
            "the access token lacks the openid scope",
            StatusCode::FORBIDDEN,
        );
        e.challenge =
            Some("Bearer realm=\"ostiary\", error=\"insufficient_scope\", scope=\"openid\"".into());
        return Err(e);
    }
    let Some((user, memberships)) = issued::token_user(state, &claims).await? else {
        return Err(OAuthError::invalid_token("the user is no longer active"));
    };
    let mut body = tokens::user_claims(&user, &memberships, &claims.scope);
    // The token's `sub` is the one this client sees (pairwise or not, see
    // `crate::oidc::subject`), so it matches the ID token's.
    body.insert("sub".into(), json!(claims.sub));
    let mut res = HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(Value::Object(body));
    if proof.is_some() {
        crate::oidc::token::with_nonce(state, &mut res);
    }
    Ok(res)
}

/// `GET /userinfo`
pub async fn get_userinfo(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let token = bearer(&req)?;
    respond(&state, &req, token).await
}

/// `POST /userinfo`: the token in the header or (form body) `access_token`,
/// not both (RFC 6750 §2).
pub async fn post_userinfo(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let header = bearer(&req)?;
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let in_body = if is_form {
        client_auth::parse_form(&body)?.remove("access_token")
    } else {
        None
    };
    let token = match (header, in_body) {
        (Some(_), Some(_)) => {
            return Err(OAuthError::invalid_request(
                "send the access token in one place only",
            ));
        }
        (h, b) => h.or(b.map(|token| Presented { token, dpop: false })),
    };
    respond(&state, &req, token).await
}
