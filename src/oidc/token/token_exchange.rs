//! The token exchange grant (RFC 8693): a confidential service trades a
//! user's access token it was sent for a new one for another audience, so
//! that it can call a downstream API as (or for) that user.
//!
//! Only our own live user access tokens are accepted as `subject_token` and
//! `actor_token` (signature, `typ: at+jwt`, issuer, expiry, grant active,
//! not revoked — [`issued::live_access_token`]), and only when addressed to
//! the caller: their `aud` names the caller's client id or one of its
//! registered audiences (a service may exchange only tokens that were sent
//! to it). Problems with either token are `invalid_request` (RFC 8693
//! §2.2.2). The new token keeps `sub`, `gid`, `sid`, `auth_time` and `acr`
//! of the subject token, so ending the user's grant or session ends it
//! too; its `aud` is within the caller's audiences (`invalid_target`), its
//! scope within the subject token's and the caller's (`invalid_scope`),
//! without `openid`/`offline_access`, and it never outlives the tokens it
//! came from. With an `actor_token` it carries `act` (delegation, §4.1),
//! nesting any `act` the subject token had; without one it is
//! impersonation: no new `act`, the subject's own kept. Audited as
//! `token.exchanged`; no refresh or ID token.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::required;
use crate::audit::{self, Action, Event, Outcome};
use crate::domain::UserId;
use crate::oidc::error::OAuthError;
use crate::oidc::tokens::{self, AccessClaims};
use crate::oidc::{client_auth, issued, resource, scope};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::{grants, naive, write_tx};
use crate::web::RequestContext;

/// The only token type accepted and issued (RFC 8693 §3).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// Scopes about the user's sign-in at the first client, never passed on.
const USER_ONLY: [&str; 2] = ["openid", "offline_access"];

/// A successful token exchange response (RFC 8693 §2.2.1).
#[derive(Debug, Serialize)]
pub struct ExchangeResponse {
    pub access_token: String,
    pub issued_token_type: &'static str,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
}

/// Exchange a subject (and optional actor) token for a new access token.
pub async fn handle(
    state: &AppState,
    ctx: &RequestContext,
    client: &Client,
    form: &HashMap<String, String>,
    jkt: Option<&str>,
) -> Result<ExchangeResponse, OAuthError> {
    if client.public {
        return Err(OAuthError::unauthorized_client(
            "public clients cannot use token exchange",
        ));
    }
    if let Some(t) = form.get("requested_token_type")
        && t != ACCESS_TOKEN_TYPE
    {
        return Err(OAuthError::invalid_request(
            "only access tokens can be requested (requested_token_type)",
        ));
    }
    let subject_token = required(form, "subject_token")?;
    let subject_type = required(form, "subject_token_type")?;
    check_type(&subject_type, "subject_token_type")?;
    let actor_token = form.get("actor_token").filter(|t| !t.is_empty());
    let actor_type = form.get("actor_token_type").filter(|t| !t.is_empty());
    match (actor_token, actor_type) {
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type is required with actor_token",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type without actor_token",
            ));
        }
        (Some(_), Some(t)) => check_type(t, "actor_token_type")?,
        (None, None) => {}
    }
    let requested_scope = match form.get("scope") {
        Some(s) => Some(scope::parse(s)?),
        None => None,
    };
    let targets: Vec<String> = client_auth::repeated(form, "audience")
        .into_iter()
        .chain(client_auth::requested_resources(form))
        .collect();

    let subject = addressed_token(state, client, &subject_token, "subject_token").await?;
    let Some(grant_id) = subject.grant_id.clone() else {
        return Err(OAuthError::invalid_request(
            "the subject_token does not stand for a user",
        ));
    };
    let actor = match actor_token {
        Some(t) => Some(addressed_token(state, client, t, "actor_token").await?),
        None => None,
    };

    // Scope: within the subject token's and what the caller may request.
    let client_scopes = client.scopes();
    let allowed: Vec<String> = subject
        .scope
        .iter()
        .filter(|s| client_scopes.contains(s))
        .cloned()
        .collect();
    let scopes: Vec<String> = match requested_scope {
        Some(requested) => {
            scope::check_allowed(&requested, &allowed).map_err(|_| {
                OAuthError::invalid_scope(
                    "the scope is wider than the subject token's or this client's",
                )
            })?;
            requested
        }
        None => allowed,
    }
    .into_iter()
    .filter(|s| !USER_ONLY.contains(&s.as_str()))
    .collect();
    // Audience: only targets registered for the caller (RFC 8707, SR-38).
    let resources = resource::registered(&client.audiences(), targets.iter().map(String::as_str))?;
    let audience = resource::audience(client, &resources);

    // Never outlive the tokens it was made from.
    let now = state.now();
    let ends = actor
        .as_ref()
        .map_or(subject.exp, |a| a.exp.min(subject.exp));
    let ttl = (ends - now.timestamp()).min(state.config.oidc.access_token_ttl_secs);
    if ttl <= 0 {
        return Err(OAuthError::invalid_request("the subject_token has expired"));
    }
    let mut extra = Map::new();
    if let Some(act) = act_claim(&subject, actor.as_ref()) {
        extra.insert("act".into(), act);
    }
    let auth_time = subject
        .claims
        .get("auth_time")
        .and_then(Value::as_i64)
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0));
    let acr = subject.claims.get("acr").and_then(Value::as_str);
    let at = tokens::access_token_with(
        state,
        &tokens::AccessTokenRequest {
            client,
            subject: &subject.sub,
            scope: &scopes,
            grant_id: Some(&grant_id),
            session_id: subject.session_id.as_deref(),
            auth_time,
            acr,
            audience: &audience,
            // A DPoP proof at /token binds the new token (RFC 9449 §5).
            jkt,
        },
        now,
        ttl,
        extra,
    )?;

    let details = json!({
        "client_id": client.id,
        "subject": subject.sub,
        "subject_client_id": subject.client_id,
        "actor": actor.as_ref().map(|a| json!({ "sub": a.sub, "client_id": a.client_id })),
        "audience": audience,
        "scope": scope::join(&scopes),
        "jti": at.jti,
    });
    let actor_record = ctx.actor().as_client(client.id.as_str());
    let user_id = UserId::from(subject.sub.as_str());
    let gid = grant_id.clone();
    let recorded = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                // The grant may have ended and the user been locked since
                // the token was checked; then nothing is issued.
                if !grants::is_active(conn, &gid, naive(now))?
                    || super::load_user(conn, &user_id, false)?.is_none()
                {
                    return Ok(false);
                }
                audit::record(
                    conn,
                    &actor_record,
                    Event::new(Action::TokenExchanged, Outcome::Success)
                        .target("grant", gid.as_str())
                        .details(details.clone()),
                    now,
                )?;
                Ok(true)
            })
        })
        .await?;
    if !recorded {
        return Err(OAuthError::invalid_request(
            "the subject_token is invalid, expired or revoked",
        ));
    }
    Ok(ExchangeResponse {
        access_token: at.token,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: super::token_type(jkt),
        expires_in: ttl,
        scope: scope::join(&scopes),
    })
}

/// Only access tokens are accepted (RFC 8693 §2.2.2: `invalid_request`).
fn check_type(value: &str, name: &str) -> Result<(), OAuthError> {
    if value == ACCESS_TOKEN_TYPE {
        Ok(())
    } else {
        Err(OAuthError::invalid_request(format!(
            "unsupported {name}: only {ACCESS_TOKEN_TYPE} is accepted"
        )))
    }
}

/// One of our live access tokens whose `aud` names `client` (its id or one
/// of its registered audiences); otherwise `invalid_request` naming `what`.
async fn addressed_token(
    state: &AppState,
    client: &Client,
    token: &str,
    what: &str,
) -> Result<AccessClaims, OAuthError> {
    let refused = || {
        OAuthError::invalid_request(format!(
            "the {what} is not a valid access token issued here, or has expired or been revoked"
        ))
    };
    if token.len() > 8192 || !token.contains('.') {
        return Err(refused());
    }
    let claims = issued::live_access_token(state, token)
        .await?
        .ok_or_else(refused)?;
    let mine = client.audiences();
    let addressed = audiences_of(&claims)
        .iter()
        .any(|a| *a == client.id.as_str() || mine.iter().any(|m| m.as_str() == *a));
    if !addressed {
        return Err(OAuthError::invalid_request(format!(
            "the {what} was not issued for this client (its aud names neither the client nor its audiences)"
        )));
    }
    Ok(claims)
}

/// The `aud` values of a verified token.
fn audiences_of(claims: &AccessClaims) -> Vec<&str> {
    match claims.claims.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The `act` claim (RFC 8693 §4.1): the actor token's party, with the
/// subject token's own `act` nested as the prior actor; without an actor
/// token, the subject token's `act` unchanged (or none).
fn act_claim(subject: &AccessClaims, actor: Option<&AccessClaims>) -> Option<Value> {
    let prior = subject.claims.get("act").filter(|a| a.is_object()).cloned();
    match actor {
        None => prior,
        Some(a) => {
            let mut act = Map::new();
            act.insert("sub".into(), json!(a.sub));
            act.insert("client_id".into(), json!(a.client_id));
            if let Some(prior) = prior {
                act.insert("act".into(), prior);
            }
            Some(Value::Object(act))
        }
    }
}
