//! `POST /token` (RFC 6749 §3.2): parse the form, authenticate the client
//! (SR-33), check it may use the grant, and dispatch to one module per
//! grant type (token exchange, RFC 8693, answers in its own shape). Also
//! the pieces every user-facing grant shares: creating the
//! grant (token family), refresh tokens, minting, and the `no-store` JSON
//! response (SR-36). A DPoP proof (RFC 9449) binds the access token to its
//! key, whatever the grant.

pub mod authorization_code;
pub mod client_credentials;
pub mod device_code;
pub mod refresh_token;
pub mod token_exchange;

use std::collections::HashMap;

use actix_web::http::header::{CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::{random_token, sha256_hex};
use crate::db::DbConnection;
use crate::domain::{ClientId, SessionId, UserId};
use crate::error::AppError;
use crate::oidc::dpop::{self, Place};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::tokens::{self, Memberships};
use crate::oidc::{client_auth, grant, scope};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::grants::Grant;
use crate::store::refresh_tokens::{self, RefreshToken};
use crate::store::users::{self, User};
use crate::store::{identities, naive, orgs, utc};
use crate::web::RequestContext;

/// The URL of an endpoint of ours (accepted as a client assertion `aud`).
pub fn endpoint(state: &AppState, path: &str) -> String {
    format!("{}{path}", state.config.public_base())
}

/// `POST /token`
pub async fn post_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let form = client_auth::parse_form(&body)?;
    let client =
        client_auth::authenticate(&state, &req, &form, &[endpoint(&state, "/token")]).await?;
    let grant_type = required(&form, "grant_type")?;
    let Some(known) = grant::ALL.iter().find(|g| **g == grant_type) else {
        return Err(OAuthError::unsupported_grant_type(
            "this grant_type is not supported",
        ));
    };
    if !client.allows_grant(known) {
        return Err(OAuthError::unauthorized_client(
            "the client may not use this grant_type",
        ));
    }
    let proof = dpop::verify(&state, &req, Place::AuthorizationServer, "/token", None).await?;
    // RFC 9449 §5.2: this client's tokens are always DPoP-bound.
    if client.dpop_bound_access_tokens && proof.is_none() {
        return Err(dpop::error(
            &state,
            Place::AuthorizationServer,
            ErrorCode::InvalidDpopProof,
            "this client must send a DPoP proof",
        ));
    }
    let jkt = proof.map(|p| p.jkt);
    let dpop_used = jkt.is_some();
    if *known == grant::TOKEN_EXCHANGE {
        let body = token_exchange::handle(&state, &ctx, &client, &form, jkt.as_deref()).await?;
        metrics::counter!("ostiary_tokens_issued_total", "grant" => *known).increment(1);
        return Ok(no_store_json(&body));
    }
    let body = match *known {
        grant::AUTHORIZATION_CODE => {
            authorization_code::handle(&state, &ctx, client, &form, jkt).await
        }
        grant::REFRESH_TOKEN => refresh_token::handle(&state, &ctx, client, &form, jkt).await,
        grant::CLIENT_CREDENTIALS => {
            client_credentials::handle(&state, &client, &form, jkt.as_deref())
        }
        grant::DEVICE_CODE => device_code::handle(&state, &ctx, client, &form, jkt).await,
        _ => Err(OAuthError::unsupported_grant_type(
            "this grant_type is not supported",
        )),
    }
    .map_err(|mut e| {
        if dpop_used && e.dpop_nonce.is_none() {
            e.dpop_nonce = dpop::fresh_nonce(&state);
        }
        e
    })?;
    metrics::counter!("ostiary_tokens_issued_total", "grant" => *known).increment(1);
    let mut res = no_store_json(&body);
    if dpop_used {
        with_nonce(&state, &mut res);
    }
    Ok(res)
}

/// Add a fresh `DPoP-Nonce` to a response when nonces are required
/// (RFC 9449 §8.2: the client uses it in its next proof).
pub fn with_nonce(state: &AppState, res: &mut HttpResponse) {
    if let Some(nonce) = dpop::fresh_nonce(state)
        && let Ok(value) = actix_web::http::header::HeaderValue::from_str(&nonce)
    {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("dpop-nonce"),
            value,
        );
    }
}

/// The token type of an access token bound (or not) to a DPoP key.
pub fn token_type(jkt: Option<&str>) -> &'static str {
    if jkt.is_some() { "DPoP" } else { "Bearer" }
}

/// A required, non-empty form parameter.
pub fn required(form: &HashMap<String, String>, name: &str) -> Result<String, OAuthError> {
    match form.get(name) {
        Some(v) if !v.is_empty() => Ok(v.clone()),
        _ => Err(OAuthError::invalid_request(format!("{name} is missing"))),
    }
}

/// JSON with `Cache-Control: no-store` and `Pragma: no-cache` (SR-36).
pub fn no_store_json<T: Serialize>(body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(body)
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// Everything needed to mint a user's tokens after the database work
/// committed (signing happens outside the write transaction).
#[derive(Debug)]
pub struct UserIssue {
    pub client: Client,
    pub grant: Grant,
    pub user: User,
    pub memberships: Memberships,
    /// Scope of this access token (may be narrower than the grant's).
    pub scope: Vec<String>,
    pub nonce: Option<String>,
    pub refresh_token: Option<String>,
    /// RFC 8707 resources this access token is for (empty: the client's
    /// default audience).
    pub resources: Vec<String>,
    /// The DPoP key the access token is bound to (RFC 9449 §6).
    pub jkt: Option<String>,
}

/// A user with their memberships and upstream groups.
pub type UserWithMemberships = (User, Memberships);

/// The live, unlocked user with their organization memberships and the
/// groups of their upstream identities. Those are read only `with_groups`
/// (the `groups` scope: the only claims made of them, [`tokens::user_claims`]);
/// otherwise they are left empty, two queries fewer per token.
pub fn load_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    with_groups: bool,
) -> Result<Option<UserWithMemberships>, AppError> {
    match users::find(conn, user_id)? {
        Some(user) if !user.locked => {
            let memberships = if with_groups {
                Memberships {
                    organizations: orgs::memberships_of(conn, user_id)?,
                    groups: identities::groups_of_user(conn, user_id)?,
                }
            } else {
                Memberships::default()
            };
            Ok(Some((user, memberships)))
        }
        _ => Ok(None),
    }
}

/// What a new grant records about the authentication behind it.
#[derive(Debug)]
pub struct GrantFacts<'a> {
    pub client_id: &'a ClientId,
    pub user_id: &'a UserId,
    pub session_id: Option<&'a SessionId>,
    pub scope: &'a str,
    pub auth_time: chrono::NaiveDateTime,
    pub amr: &'a crate::domain::Amr,
    pub acr: Option<&'a str>,
    pub nonce: Option<&'a str>,
    /// The resources the authorization asked for (JSON array), if any.
    pub resources: Option<&'a str>,
    /// The DPoP key the family's refresh tokens are bound to (public
    /// clients, RFC 9449 §5).
    pub dpop_jkt: Option<&'a str>,
}

/// The key a new grant's refresh tokens are bound to: the proof's, for a
/// public client (RFC 9449 §5; a confidential client's refresh tokens are
/// bound to its authentication instead).
pub fn refresh_binding<'a>(client: &Client, jkt: Option<&'a str>) -> Option<&'a str> {
    if client.public { jkt } else { None }
}

/// Create a grant (token family) ending `refresh_token_absolute_secs` from now.
pub fn new_grant(
    conn: &mut DbConnection,
    state: &AppState,
    facts: &GrantFacts<'_>,
    now: DateTime<Utc>,
) -> Result<Grant, AppError> {
    let grant = Grant {
        id: uuid::Uuid::new_v4().to_string(),
        client_id: facts.client_id.to_owned(),
        user_id: Some(facts.user_id.to_owned()),
        session_id: facts.session_id.cloned(),
        scope: facts.scope.to_owned(),
        auth_time: Some(facts.auth_time),
        amr: facts.amr.clone(),
        acr: facts.acr.map(str::to_owned),
        nonce: facts.nonce.map(str::to_owned),
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(state.config.oidc.refresh_token_absolute_secs)),
        revoked_at: None,
        resources: facts.resources.map(str::to_owned),
        dpop_jkt: facts.dpop_jkt.map(str::to_owned),
    };
    crate::store::grants::insert(conn, &grant)?;
    Ok(grant)
}

/// Whether this grant gets a refresh token: `offline_access` granted and the
/// client registered the refresh_token grant.
pub fn wants_refresh(client: &Client, scopes: &[String]) -> bool {
    scope::has(scopes, "offline_access") && client.allows_grant(grant::REFRESH_TOKEN)
}

/// A new refresh token for `grant` when the client and scopes call for one.
pub fn refresh_token_if_wanted(
    conn: &mut DbConnection,
    state: &AppState,
    client: &Client,
    scopes: &[String],
    grant: &Grant,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    if wants_refresh(client, scopes) {
        new_refresh_token(conn, state, grant, scope, now).map(Some)
    } else {
        Ok(None)
    }
}

/// Store a new 256-bit refresh token (hashed) for `grant`; returns it. It
/// expires after the idle timeout, never after the grant (SR-42).
pub fn new_refresh_token(
    conn: &mut DbConnection,
    state: &AppState,
    grant: &Grant,
    scope: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = random_token();
    let idle_end = now + Duration::seconds(state.config.oidc.refresh_token_idle_secs);
    refresh_tokens::insert(
        conn,
        &RefreshToken {
            token_hash: sha256_hex(token.as_bytes()),
            grant_id: grant.id.clone(),
            client_id: grant.client_id.clone(),
            scope: scope.to_owned(),
            created_at: naive(now),
            expires_at: naive(idle_end.min(utc(grant.expires_at))),
            used_at: None,
            revoked_at: None,
        },
    )?;
    Ok(token)
}

/// Audit `token.issued` for a grant (inside the write transaction).
pub fn audit_issued(
    conn: &mut DbConnection,
    actor: &Actor,
    grant_type: &str,
    grant: &Grant,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let actor = match &grant.user_id {
        Some(user) => actor.as_user(user, grant.session_id.as_deref()),
        None => actor.clone(),
    };
    audit::record(
        conn,
        &actor,
        Event::new(Action::TokenIssued, Outcome::Success)
            .target("grant", grant.id.as_str())
            .details(json!({ "grant_type": grant_type, "client_id": grant.client_id })),
        now,
    )
}

/// Sign the access token and, with `openid`, the ID token.
pub fn mint_user_tokens(
    state: &AppState,
    issue: &UserIssue,
    now: DateTime<Utc>,
) -> Result<TokenResponse, AppError> {
    let grant = &issue.grant;
    let auth_time = utc(grant.auth_time.unwrap_or(grant.created_at));
    let subject = crate::oidc::subject::for_client(state, &issue.client, &issue.user.id);
    let at = tokens::access_token(
        state,
        &tokens::AccessTokenRequest {
            client: &issue.client,
            subject: &subject,
            scope: &issue.scope,
            grant_id: Some(&grant.id),
            session_id: grant.session_id.as_deref(),
            auth_time: Some(auth_time),
            acr: grant.acr.as_deref(),
            audience: &crate::oidc::resource::audience(&issue.client, &issue.resources),
            jkt: issue.jkt.as_deref(),
        },
        now,
    )?;
    let id_token = if scope::has(&issue.scope, "openid") {
        let amr: Vec<String> = grant.amr.to_vec();
        Some(tokens::id_token(
            state,
            &tokens::IdTokenRequest {
                client: &issue.client,
                user: &issue.user,
                user_claims: tokens::user_claims(&issue.user, &issue.memberships, &issue.scope),
                nonce: issue.nonce.as_deref(),
                auth_time,
                amr: &amr,
                acr: grant.acr.as_deref(),
                session_id: grant.session_id.as_deref(),
                access_token: Some(&at.token),
            },
            now,
        )?)
    } else {
        None
    };
    Ok(TokenResponse {
        access_token: at.token,
        token_type: token_type(issue.jkt.as_deref()),
        expires_in: at.expires_in,
        scope: scope::join(&issue.scope),
        id_token,
        refresh_token: issue.refresh_token.clone(),
    })
}
