//! `/userinfo` (OIDC Core §5.3, GET and POST) and the access-token check it
//! shares with introspection: signature, `typ: at+jwt`, issuer, audience and
//! expiry (SR-50…SR-52), then the database: the grant must be active and the
//! `jti` not revoked (SR-31, SR-44). Timed in
//! `ostiary_token_validation_seconds`.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::domain::UserId;
use crate::error::AppError;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens::{self, AccessClaims};
use crate::oidc::{client_auth, scope};
use crate::state::AppState;
use crate::store::{grants, naive, revoked_tokens};

/// A valid, unrevoked access token's claims, or `None`.
pub async fn validate_access_token(
    state: &AppState,
    token: &str,
) -> Result<Option<AccessClaims>, AppError> {
    let started = std::time::Instant::now();
    let now = state.now();
    let result = match tokens::verify_access_token(state, token, now) {
        Err(_) => Ok(None),
        Ok(claims) => {
            let (gid, jti) = (claims.grant_id.clone(), claims.jti.clone());
            let live = state
                .db
                .run(move |conn| {
                    if revoked_tokens::is_revoked(conn, &jti)? {
                        return Ok(false);
                    }
                    match gid {
                        Some(gid) => grants::is_active(conn, &gid, naive(now)),
                        None => Ok(true),
                    }
                })
                .await?;
            Ok(live.then_some(claims))
        }
    };
    metrics::histogram!("ostiary_token_validation_seconds").record(started.elapsed().as_secs_f64());
    result
}

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

fn bearer(req: &HttpRequest) -> Result<Option<String>, OAuthError> {
    let Some(value) = req.headers().get(AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| OAuthError::invalid_token("malformed Authorization header"))?;
    match text.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(Some(token.trim().to_owned()))
        }
        _ => Err(missing_token()),
    }
}

async fn respond(state: &AppState, token: Option<String>) -> Result<HttpResponse, OAuthError> {
    let token = token.ok_or_else(missing_token)?;
    let claims = validate_access_token(state, &token).await?.ok_or_else(|| {
        OAuthError::invalid_token("the access token is invalid, expired or revoked")
    })?;
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
    let sub = UserId::from(claims.sub.as_str());
    let found = state
        .db
        .run(move |conn| crate::oidc::token::load_user(conn, &sub))
        .await?;
    let Some((user, memberships)) = found else {
        return Err(OAuthError::invalid_token("the user is no longer active"));
    };
    let mut body = tokens::user_claims(&user, &memberships, &claims.scope);
    body.insert("sub".into(), json!(user.id));
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(Value::Object(body)))
}

/// `GET /userinfo`
pub async fn get_userinfo(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, OAuthError> {
    let token = bearer(&req)?;
    respond(&state, token).await
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
        (h, b) => h.or(b),
    };
    respond(&state, token).await
}
