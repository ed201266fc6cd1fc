//! `POST /revoke` (RFC 7009, SR-44): the caller authenticates; a refresh
//! token revokes its whole grant (family), an access token is added to the
//! revoked `jti` list. Tokens of other clients and unknown tokens get the
//! same 200 without any change; a storage failure is a 5xx, never a false
//! success.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::audit::{self, Action, Event, Outcome};
use crate::crypto::token::sha256_hex;
use crate::oidc::client_auth;
use crate::oidc::error::OAuthError;
use crate::oidc::token::{endpoint, required};
use crate::oidc::tokens;
use crate::state::AppState;
use crate::store::{grants, naive, refresh_tokens, revoked_tokens, write_tx};
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
    let now = state.now();
    let actor = ctx.actor();
    let caller = client.id.clone();
    if token.contains('.') {
        // An expired or foreign token needs nothing (and gets the same 200).
        let Ok(claims) = tokens::verify_access_token(&state, &token, now) else {
            return Ok(ok());
        };
        if claims.client_id != caller {
            return Ok(ok());
        }
        let exp = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or(now);
        state
            .db
            .run(move |conn| {
                write_tx(conn, |conn| {
                    if revoked_tokens::insert(conn, &claims.jti, naive(exp), naive(now))? {
                        audit::record(
                            conn,
                            &actor,
                            Event::new(Action::TokenRevoked, Outcome::Success)
                                .target("access_token", claims.jti.as_str())
                                .details(
                                    json!({ "client_id": caller, "token_type": "access_token" }),
                                ),
                            now,
                        )?;
                    }
                    Ok(())
                })
            })
            .await?;
    } else {
        let hash = sha256_hex(token.as_bytes());
        state
            .db
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let Some(rt) = refresh_tokens::find(conn, &hash)? else {
                        return Ok(());
                    };
                    if rt.client_id != caller {
                        return Ok(());
                    }
                    if grants::revoke(conn, &rt.grant_id, naive(now))? {
                        audit::record(
                            conn,
                            &actor,
                            Event::new(Action::TokenRevoked, Outcome::Success)
                                .target("grant", rt.grant_id.as_str())
                                .details(
                                    json!({ "client_id": caller, "token_type": "refresh_token" }),
                                ),
                            now,
                        )?;
                    }
                    Ok(())
                })
            })
            .await?;
    }
    Ok(ok())
}
