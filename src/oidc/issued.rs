//! Tokens already issued: whether one is still good, what an introspecting
//! client may learn about it, and revoking it. The rules behind
//! `/userinfo`, `/introspect` and `/revoke` live here; those endpoints only
//! parse, authenticate the caller and format the answer.
//!
//! An access token is good while its signature, `typ: at+jwt`, issuer,
//! audience and expiry check out (SR-50…SR-52), its grant is active and its
//! `jti` not revoked (SR-31, SR-44). A refresh token is good for the client
//! it was issued to while unused, unrevoked, unexpired and its grant
//! active. Revoking a refresh token ends its whole grant (family); revoking
//! an access token lists its `jti`. Another client's or an unknown token
//! changes nothing.

use chrono::{TimeZone, Utc};
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::sha256_hex;
use crate::domain::ClientId;
use crate::error::AppError;
use crate::oidc::token::{UserWithMemberships, load_user};
use crate::oidc::tokens::{self, AccessClaims};
use crate::state::AppState;
use crate::store::grants::{self, Grant};
use crate::store::refresh_tokens::{self, RefreshToken};
use crate::store::{naive, revoked_tokens, utc, write_tx};

/// A valid, unrevoked access token's claims, or `None`. Timed in
/// `ostiary_token_validation_seconds`.
pub async fn live_access_token(
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

/// The live, unlocked user an access token speaks for, with memberships:
/// found through the token's grant (`gid`), never its `sub`, which is
/// pairwise for some clients ([`crate::oidc::subject`]). A token without
/// a user grant speaks for no user.
pub async fn token_user(
    state: &AppState,
    claims: &AccessClaims,
) -> Result<Option<UserWithMemberships>, AppError> {
    let Some(gid) = claims.grant_id.clone() else {
        return Ok(None);
    };
    let with_groups = crate::oidc::scope::has(&claims.scope, "groups");
    state
        .db
        .run(
            move |conn| match grants::find(conn, &gid)?.and_then(|g| g.user_id) {
                Some(user_id) => load_user(conn, &user_id, with_groups),
                None => Ok(None),
            },
        )
        .await
}

/// A refresh token `caller` holds that is still good, with its grant.
pub async fn live_refresh_token(
    state: &AppState,
    caller: &ClientId,
    token: &str,
) -> Result<Option<(RefreshToken, Grant)>, AppError> {
    let hash = sha256_hex(token.as_bytes());
    let now = state.now();
    let caller = caller.clone();
    state
        .db
        .run(move |conn| {
            let Some(rt) = refresh_tokens::find(conn, &hash)? else {
                return Ok(None);
            };
            if rt.client_id != caller
                || rt.used_at.is_some()
                || rt.revoked_at.is_some()
                || utc(rt.expires_at) <= now
            {
                return Ok(None);
            }
            Ok(grants::find(conn, &rt.grant_id)?
                .filter(|g| g.revoked_at.is_none() && g.expires_at > naive(now))
                .map(|g| (rt, g)))
        })
        .await
}

/// Revoke a token `caller` presents (RFC 7009): an access token it was
/// issued, or the grant behind one of its refresh tokens. Anything else —
/// expired, foreign, unknown — changes nothing; either way the caller gets
/// the same answer.
pub async fn revoke(
    state: &AppState,
    actor: Actor,
    caller: &ClientId,
    token: &str,
) -> Result<(), AppError> {
    let now = state.now();
    let caller = caller.clone();
    if token.contains('.') {
        let Ok(claims) = tokens::verify_access_token(state, token, now) else {
            return Ok(());
        };
        if claims.client_id != caller {
            return Ok(());
        }
        let exp = Utc.timestamp_opt(claims.exp, 0).single().unwrap_or(now);
        return state
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
            .await;
    }
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
                            .details(json!({ "client_id": caller, "token_type": "refresh_token" })),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await
}
