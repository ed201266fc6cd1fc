//! `POST /introspect` (RFC 7662, SR-45): the caller authenticates; a token
//! is reported active only to the client it was issued to, and only while
//! it is valid, unrevoked and its grant active. Anything else is
//! `{"active": false}` and nothing more. A DPoP-bound token is reported
//! with `token_type: DPoP` and its `cnf.jkt` (RFC 9449 §6.2); an exchanged
//! token (RFC 8693) also reports its `act`.

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
                let mut answer = json!({
                    "active": true,
                    "scope": c.scope.join(" "),
                    "client_id": c.client_id,
                    "sub": c.sub,
                    "exp": c.exp,
                    "iat": c.iat,
                    "token_type": crate::oidc::token::token_type(c.jkt.as_deref()),
                    "iss": state.config.public_base(),
                    "aud": c.claims.get("aud"),
                    "jti": c.jti,
                });
                // RFC 9449 §6.2: the key a DPoP-bound token is bound to.
                if let Some(jkt) = &c.jkt {
                    answer["cnf"] = json!({ "jkt": jkt });
                }
                // RFC 8693 §4.1: who acts for the subject of an exchanged token.
                if let Some(act) = c.claims.get("act") {
                    answer["act"] = act.clone();
                }
                answer
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
