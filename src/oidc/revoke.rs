//! `POST /revoke` (RFC 7009, SR-44): the caller authenticates and
//! [`issued::revoke`] does the rest. Tokens of other clients and unknown
//! tokens get the same 200 without any change; a storage failure is a 5xx,
//! never a false success.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::oidc::error::OAuthError;
use crate::oidc::token::{endpoint, required};
use crate::oidc::{client_auth, issued};
use crate::state::AppState;
use crate::web::RequestContext;

fn ok() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .insert_header(("pragma", "no-cache"))
        .finish()
}

/// `POST /revoke`
pub async fn post_revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let form = client_auth::parse_form(&body)?;
    let client =
        client_auth::authenticate(&state, &req, &form, &[endpoint(&state, "/revoke")]).await?;
    let token = required(&form, "token")?;
    if token.len() > 8192 {
        return Ok(ok());
    }
    issued::revoke(&state, ctx.actor(), &client.id, &token).await?;
    Ok(ok())
}
