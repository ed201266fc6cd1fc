//! The device-code grant (RFC 8628 §3.4–3.5): polling answers
//! `authorization_pending`, `slow_down` (polled faster than the interval,
//! which then grows by 5 s), `access_denied`, `expired_token`; an approved
//! code yields tokens like the code flow, once.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use chrono::Duration;

use super::{GrantFacts, TokenResponse, UserIssue, required};
use crate::crypto::token::sha256_hex;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::{grant, scope};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::device_codes::{self, APPROVED, DENIED, PENDING};
use crate::store::{naive, sessions, utc, write_tx};
use crate::web::RequestContext;

fn poll_error(code: ErrorCode, d: &str) -> OAuthError {
    OAuthError::new(code, d, StatusCode::BAD_REQUEST)
}

/// Poll with a device code.
pub async fn handle(
    state: &AppState,
    ctx: &RequestContext,
    client: Client,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let code = required(form, "device_code")?;
    if code.len() > 512 {
        return Err(OAuthError::invalid_grant("unknown device code"));
    }
    let requested_resources = crate::oidc::client_auth::requested_resources(form);
    let hash = sha256_hex(code.as_bytes());
    let now = state.now();
    let actor = ctx.actor();
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = device_codes::find(conn, &hash)? else {
                    return Ok(Err(OAuthError::invalid_grant("unknown device code")));
                };
                if row.client_id != client.id {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the device code was issued to another client",
                    )));
                }
                if utc(row.expires_at) <= now {
                    return Ok(Err(poll_error(
                        ErrorCode::ExpiredToken,
                        "the device code has expired",
                    )));
                }
                match row.status.as_str() {
                    PENDING => {
                        let too_soon = row.last_polled_at.is_some_and(|t| {
                            utc(t) + Duration::seconds(i64::from(row.poll_interval_secs)) > now
                        });
                        let interval = if too_soon {
                            row.poll_interval_secs.saturating_add(5)
                        } else {
                            row.poll_interval_secs
                        };
                        device_codes::polled(conn, &hash, naive(now), interval)?;
                        return Ok(Err(if too_soon {
                            poll_error(ErrorCode::SlowDown, "poll less often")
                        } else {
                            poll_error(
                                ErrorCode::AuthorizationPending,
                                "the user has not yet decided",
                            )
                        }));
                    }
                    DENIED => {
                        return Ok(Err(poll_error(
                            ErrorCode::AccessDenied,
                            "the user denied the request",
                        )));
                    }
                    APPROVED if device_codes::redeem(conn, &hash)? => {}
                    _ => {
                        return Ok(Err(OAuthError::invalid_grant(
                            "the device code was already used",
                        )));
                    }
                }
                let (Some(user_id), Some(auth_time)) = (row.user_id.as_ref(), row.auth_time) else {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the device code is incomplete",
                    )));
                };
                // SR-64: the approval is only as good as the session that
                // gave it; signed out, revoked or reset since, no tokens.
                let session_live = match row.session_id.as_ref() {
                    Some(sid) => sessions::is_unrevoked(conn, sid, naive(now))?,
                    None => false,
                };
                if !session_live {
                    return Ok(Err(OAuthError::invalid_grant(
                        "the session that approved the device has ended",
                    )));
                }
                let Some((user, memberships)) =
                    super::load_user(conn, user_id, scope::names(&row.scope, "groups"))?
                else {
                    return Ok(Err(OAuthError::invalid_grant("the user is not active")));
                };
                let scopes = scope::parse(&row.scope).unwrap_or_default();
                // Approval always records the methods; none is none proven.
                let amr = row.amr.clone().unwrap_or_default();
                let resources =
                    match crate::oidc::resource::for_token(&client, None, &requested_resources) {
                        Ok(r) => r,
                        Err(e) => return Ok(Err(e)),
                    };
                let grant = super::new_grant(
                    conn,
                    &st,
                    &GrantFacts {
                        client_id: &client.id,
                        user_id: &user.id,
                        session_id: row.session_id.as_ref(),
                        scope: &row.scope,
                        auth_time,
                        amr: &amr,
                        acr: Some(crate::auth::mfa::acr::for_amr(&amr)),
                        nonce: None,
                        resources: crate::oidc::resource::to_column(&resources).as_deref(),
                        dpop_jkt: super::refresh_binding(&client, jkt.as_deref()),
                    },
                    now,
                )?;
                let refresh_token = super::refresh_token_if_wanted(
                    conn, &st, &client, &scopes, &grant, &row.scope, now,
                )?;
                super::audit_issued(conn, &actor, grant::DEVICE_CODE, &grant, now)?;
                Ok(Ok(UserIssue {
                    client: client.clone(),
                    grant,
                    user,
                    memberships,
                    scope: scopes,
                    nonce: None,
                    refresh_token,
                    resources,
                    jkt: jkt.clone(),
                }))
            })
        })
        .await?;
    let issue = outcome?;
    Ok(super::mint_user_tokens(state, &issue, now)?)
}
