//! `POST /introspect` (RFC 7662, SR-45): the caller authenticates; a token
//! is reported active only to the client it was issued to, and only while
//! it is valid, unrevoked and its grant active. Anything else is
//! `{"active": false}` and nothing more.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::oidc::error::OAuthError;
use crate::oidc::token::{endpoint, no_store_json, required};
use crate::oidc::{client_auth, issued, subject};
use crate::state::AppState;
use crate::store::utc;

/// `POST /introspect`
pub async fn post_introspect(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let form = client_auth::parse_form(&body)?;
    let client =
        client_auth::authenticate(&state, &req, &form, &[endpoint(&state, "/introspect")]).await?;
    let token = required(&form, "token")?;
    let inactive = || no_store_json(&json!({ "active": false }));
    if token.len() > 8192 {
        return Ok(inactive());
    }
    // Our access tokens are JWTs (with dots); refresh tokens are not, so the
    // shape decides and `token_type_hint` is not needed.
    let answer: Option<Value> = if token.contains('.') {
        issued::live_access_token(&state, &token)
            .await?
            .filter(|c| c.client_id == client.id)
            .map(|c| {
                json!({
                    "active": true,
                    "scope": c.scope.join(" "),
                    "client_id": c.client_id,
                    "sub": c.sub,
                    "exp": c.exp,
                    "iat": c.iat,
                    "token_type": "Bearer",
                    "iss": state.config.public_base(),
                    "aud": c.claims.get("aud"),
                    "jti": c.jti,
                })
            })
    } else {
        let found = issued::live_refresh_token(&state, &client.id, &token).await?;
        found.map(|(rt, g)| {
            json!({
                "active": true,
                "scope": rt.scope,
                "client_id": rt.client_id,
                "sub": g.user_id.as_ref().map(|u| subject::for_client(&state, &client, u)),
                "exp": utc(rt.expires_at).timestamp(),
                "iat": utc(rt.created_at).timestamp(),
                "token_type": "refresh_token",
                "iss": state.config.public_base(),
            })
        })
    };
    Ok(answer.map_or_else(inactive, |a| no_store_json(&a)))
}
