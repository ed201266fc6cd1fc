//! `/userinfo` (OIDC Core §5.3, GET and POST): a bearer access token that
//! [`issued::live_access_token`] accepts, with the `openid` scope, answers
//! with the claims its scopes allow.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

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
    let claims = issued::live_access_token(state, &token)
        .await?
        .ok_or_else(|| {
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
    let Some((user, memberships)) = issued::token_user(state, &claims).await? else {
        return Err(OAuthError::invalid_token("the user is no longer active"));
    };
    let mut body = tokens::user_claims(&user, &memberships, &claims.scope);
    // The token's `sub` is the one this client sees (pairwise or not, see
    // `crate::oidc::subject`), so it matches the ID token's.
    body.insert("sub".into(), json!(claims.sub));
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
