//! The `refresh_token` grant (SR-40…SR-43): bound to its client, rotated on
//! every use by an atomic claim; presenting a rotated-out token revokes the
//! whole family (grant). `scope` may narrow, never widen. The refreshed ID
//! token keeps `sub`, `aud`, `azp` and the original `auth_time`, and has no
//! `nonce`. A public client's refresh tokens bound to a DPoP key (RFC 9449
//! §5) are used only with a proof by that key; the new access token is
//! bound to the key of the proof presented, if any.

use std::collections::HashMap;

use super::{TokenResponse, UserIssue, required};
use crate::audit::{self, Action, Event, Outcome};
use crate::crypto::token::sha256_hex;
use crate::oidc::error::OAuthError;
use crate::oidc::{grant, scope};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::refresh_tokens;
use crate::store::{grants, naive, utc, write_tx};
use crate::web::RequestContext;

/// Use a refresh token.
pub async fn handle(
    state: &AppState,
    ctx: &RequestContext,
    client: Client,
    form: &HashMap<String, String>,
    jkt: Option<String>,
) -> Result<TokenResponse, OAuthError> {
    let token = required(form, "refresh_token")?;
    let requested = match form.get("scope") {
        Some(s) => Some(scope::parse(s)?),
        None => None,
    };
    if token.len() > 512 {
        return Err(OAuthError::invalid_grant("unknown refresh token"));
    }
    let requested_resources = crate::oidc::client_auth::requested_resources(form);
    let hash = sha256_hex(token.as_bytes());
    let now = state.now();
    let actor = ctx.actor();
    let st = state.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let refused = |d: &str| Ok(Err(OAuthError::invalid_grant(d)));
                let Some(rt) = refresh_tokens::find(conn, &hash)? else {
                    return refused("unknown refresh token");
                };
                // SR-40: bound to its client (and not burnt by another one).
                if rt.client_id != client.id {
                    return refused("the refresh token was issued to another client");
                }
                if rt.revoked_at.is_some() {
                    return refused("the refresh token was revoked");
                }
                // RFC 9449 §5: checked before the token is used up, so a
                // thief without the key cannot burn it either.
                let bound = grants::find(conn, &rt.grant_id)?.and_then(|g| g.dpop_jkt);
                if let Some(bound) = bound
                    && jkt.as_deref() != Some(bound.as_str())
                {
                    return refused("the refresh token is bound to another DPoP key");
                }
                let reuse = rt.used_at.is_some() || {
                    if utc(rt.expires_at) <= now {
                        return refused("the refresh token has expired");
                    }
                    let granted = scope::parse(&rt.scope).unwrap_or_default();
                    if let Some(req) = &requested
                        && let Err(e) = scope::check_allowed(req, &granted)
                    {
                        // SR-37: refresh can narrow, never widen.
                        return Ok(Err(e));
                    }
                    // RFC 8707: within what the grant was authorized for,
                    // checked before the token is used up.
                    let authorized = grants::find(conn, &rt.grant_id)?.and_then(|g| g.resources);
                    if let Err(e) = crate::oidc::resource::for_token(
                        &client,
                        authorized.as_deref(),
                        &requested_resources,
                    ) {
                        return Ok(Err(e));
                    }
                    !refresh_tokens::claim(conn, &hash, naive(now))?
                };
                if reuse {
                    // SR-41: a rotated-out token came back: revoke the family.
                    let revoked = grants::revoke(conn, &rt.grant_id, naive(now))?;
                    audit::record(
                        conn,
                        &actor,
                        Event::new(Action::RefreshReuseDetected, Outcome::Failure)
                            .target("grant", rt.grant_id.as_str())
                            .details(serde_json::json!({
                                "client_id": client.id,
                                "grant_revoked": revoked,
                            })),
                        now,
                    )?;
                    return refused("the refresh token was already used");
                }
                let grant = match grants::find(conn, &rt.grant_id)? {
                    Some(g) if g.revoked_at.is_none() && utc(g.expires_at) > now => g,
                    _ => return refused("the grant has ended"),
                };
                let Some(user_id) = grant.user_id.clone() else {
                    return refused("the grant has no user");
                };
                let Some((user, memberships)) =
                    super::load_user(conn, &user_id, scope::names(&grant.scope, "groups"))?
                else {
                    return refused("the user is not active");
                };
                // RFC 8707: within what the grant was authorized for.
                let resources = match crate::oidc::resource::for_token(
                    &client,
                    grant.resources.as_deref(),
                    &requested_resources,
                ) {
                    Ok(r) => r,
                    Err(e) => return Ok(Err(e)),
                };
                // The new refresh token keeps the family's scope (RFC 6749 §6).
                let refresh_token = super::new_refresh_token(conn, &st, &grant, &rt.scope, now)?;
                super::audit_issued(conn, &actor, grant::REFRESH_TOKEN, &grant, now)?;
                let scopes = requested
                    .clone()
                    .unwrap_or_else(|| scope::parse(&rt.scope).unwrap_or_default());
                Ok(Ok(UserIssue {
                    client: client.clone(),
                    grant,
                    user,
                    memberships,
                    scope: scopes,
                    nonce: None,
                    refresh_token: Some(refresh_token),
                    resources,
                    jkt: jkt.clone(),
                }))
            })
        })
        .await?;
    let issue = outcome?;
    Ok(super::mint_user_tokens(state, &issue, now)?)
}
