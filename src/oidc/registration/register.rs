//! `POST /register` (RFC 7591 §3): a client registers itself. In mode
//! `token` it presents an initial access token an administrator issued
//! (`Authorization: Bearer`, looked up by its SHA-256 and used once in the
//! same transaction as the registration); in mode `open` none is needed
//! (one presented must still be valid); in mode `off` the endpoint does
//! not exist (404). Attempts per client address are limited
//! ([`super::limit`]). The metadata goes through the client validation of
//! `ostiary client create` ([`super::metadata`]); the client gets a
//! server-generated `client_id`, a secret (stored as a keyed hash, shown
//! once) unless public, and a registration access token for RFC 7592
//! (SHA-256 at rest). The registration is audited as `client.created` and
//! `client.registered` with the initial access token as actor.

use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, CACHE_CONTROL, PRAGMA};
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use crate::audit::{self, Action, Actor, ActorKind, Event, Outcome};
use crate::config::RegistrationMode;
use crate::crypto::token::{random_token, sha256_hex};
use crate::error::AppError;
use crate::oidc::clients::register::create_tx;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::registration::{limit, metadata};
use crate::oidc::subject;
use crate::state::AppState;
use crate::store::registrations::{self, ClientRegistration};
use crate::store::{naive, write_tx};
use crate::web::context::RequestContext;

/// The bearer token of the request, if any; a malformed header is refused.
pub fn bearer(req: &HttpRequest) -> Result<Option<String>, OAuthError> {
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
        _ => Err(OAuthError::invalid_token("use Authorization: Bearer")),
    }
}

/// 404 while dynamic registration is off.
pub fn not_enabled() -> HttpResponse {
    HttpResponse::NotFound()
        .insert_header((CACHE_CONTROL, "no-store"))
        .finish()
}

/// A JSON answer that must not be cached (RFC 7591 §3.2.1).
pub fn answer(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((CACHE_CONTROL, "no-store"))
        .insert_header((PRAGMA, "no-cache"))
        .json(body)
}

/// The RFC 7592 address of a registered client.
pub fn client_uri(state: &AppState, client_id: &str) -> String {
    format!("{}/register/{client_id}", state.config.public_base())
}

fn refused_token() -> OAuthError {
    OAuthError::invalid_token("the initial access token is invalid, expired, revoked or used up")
}

/// `POST /register`
pub async fn post_register(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let mode = state.config.registration.mode;
    if mode == RegistrationMode::Off {
        return Ok(not_enabled());
    }
    if !limit::allow(&state, &ctx.ip).await? {
        return Err(OAuthError::new(
            ErrorCode::TemporarilyUnavailable,
            "too many registration attempts from this address; try again later",
            StatusCode::TOO_MANY_REQUESTS,
        ));
    }
    let token = bearer(&req)?;
    if mode == RegistrationMode::Token && token.is_none() {
        let mut e = OAuthError::invalid_token("an initial access token is required");
        e.challenge = Some("Bearer realm=\"ostiary\"".into());
        return Err(e);
    }
    let token_hash = token.map(|t| sha256_hex(t.as_bytes()));
    // Which organization the client will belong to (the token is used
    // below, in the transaction that stores the client).
    let organization = match token_hash.clone() {
        None => None,
        Some(hash) => {
            let now = state.now();
            let found = state
                .db
                .run(move |conn| registrations::peek_token(conn, &hash, naive(now)))
                .await?;
            found.ok_or_else(refused_token)?.organization_id
        }
    };
    let spec = metadata::spec_of(&body, organization, state.config.oidc.allow_private_targets)?;
    // A pairwise client's sector document (OIDC Core §8.1), fetched under
    // the outbound rules before anything is stored.
    if spec.subject_type.as_deref() == Some(subject::PAIRWISE)
        && let Some(uri) = &spec.sector_identifier_uri
    {
        subject::check_sector_document(&state, uri, &spec.redirect_uris)
            .await
            .map_err(|m| {
                OAuthError::new(
                    ErrorCode::InvalidClientMetadata,
                    format!("sector_identifier_uri: {m}"),
                    actix_web::http::StatusCode::BAD_REQUEST,
                )
            })?;
    }
    let (envelope, now) = (state.envelope.clone(), state.now());
    let access_token = random_token();
    let access_hash = sha256_hex(access_token.as_bytes());
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let used = match &token_hash {
                    None => None,
                    Some(hash) => match registrations::use_token(conn, hash, naive(now))? {
                        Some(row) => Some(row),
                        // Used up or revoked meanwhile.
                        None => return Ok(None),
                    },
                };
                let actor = match &used {
                    Some(row) => Actor {
                        kind: ActorKind::Client,
                        id: Some(format!("registration_token:{}", row.id)),
                        ..ctx.actor()
                    },
                    None => ctx.actor(),
                };
                let created = create_tx(conn, &envelope, &actor, &spec, now)?
                    // Validated already; roll back the token's use if not.
                    .map_err(|invalid| AppError::BadRequest(invalid.to_string()))?;
                registrations::insert_registration(
                    conn,
                    &ClientRegistration {
                        client_id: created.client_id.clone(),
                        access_token_hash: access_hash.clone(),
                        registration_token_id: used.as_ref().map(|r| r.id.clone()),
                        created_at: naive(now),
                        updated_at: naive(now),
                    },
                )?;
                let mut event = Event::new(Action::ClientRegistered, Outcome::Success)
                    .target("client", created.client_id.as_str())
                    .details(json!({
                        "registration_token_id": used.as_ref().map(|r| r.id.clone()),
                        "mode": if used.is_some() { "token" } else { "open" },
                    }));
                if let Some(org) = &spec.organization_id {
                    event = event.organization(org.as_str());
                }
                audit::record(conn, &actor, event, now)?;
                Ok(Some(created))
            })
        })
        .await
        .map_err(|e| match e {
            AppError::BadRequest(why) => OAuthError::invalid_client_metadata(why),
            other => OAuthError::from(other),
        })?;
    let created = outcome.ok_or_else(refused_token)?;
    let mut extra = Map::new();
    if let Some(secret) = &created.client_secret {
        extra.insert("client_secret".into(), json!(secret));
    }
    extra.insert("registration_access_token".into(), json!(access_token));
    extra.insert(
        "registration_client_uri".into(),
        json!(client_uri(&state, created.client_id.as_str())),
    );
    Ok(answer(
        StatusCode::CREATED,
        &metadata::response(&created.client, extra),
    ))
}
