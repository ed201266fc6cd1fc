//! `GET`, `PUT` and `DELETE /register/{client_id}` (RFC 7592): a
//! dynamically registered client reads, replaces or deletes its own
//! registration with its registration access token. The token is found by
//! its SHA-256 (no comparison of secrets in the clear) and must belong to
//! the client named in the path and that client must be live; anything
//! else is 401 `invalid_token`, so another client's token or the token of a
//! deleted client does nothing. `PUT` replaces every setting and goes
//! through the same validation as registration ([`super::metadata`]) and
//! the same update as the admin API; the registration access token is
//! kept (not rotated) and the client's secret, id and organization do not
//! change, nor may the client switch between public and confidential.
//! `DELETE` is the administrator's soft deletion (its grants and refresh
//! tokens end). Changes are audited with the client as actor.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, json};

use crate::audit::{Actor, ActorKind};
use crate::config::RegistrationMode;
use crate::crypto::signing::Alg;
use crate::crypto::token::sha256_hex;
use crate::domain::ClientId;
use crate::oidc::clients::admin::{self, ClientPatch, Refusal};
use crate::oidc::clients::spec::ClientSpec;
use crate::oidc::clients::view::ClientView;
use crate::oidc::error::OAuthError;
use crate::oidc::registration::metadata;
use crate::oidc::registration::register::{answer, bearer, client_uri, not_enabled};
use crate::state::AppState;
use crate::store::clients::{self, Client};
use crate::store::registrations;
use crate::web::context::RequestContext;

fn refused() -> OAuthError {
    let mut e =
        OAuthError::invalid_token("the registration access token is not valid for this client");
    e.challenge = Some("Bearer realm=\"ostiary\", error=\"invalid_token\"".into());
    e
}

/// The live client `id` whose registration access token the request
/// carries.
async fn authorized(req: &HttpRequest, state: &AppState, id: &str) -> Result<Client, OAuthError> {
    let token = bearer(req)?.ok_or_else(refused)?;
    let hash = sha256_hex(token.as_bytes());
    let wanted = ClientId::from(id.to_owned());
    let found = state
        .db
        .run(move |conn| {
            let Some(owner) = registrations::client_of(conn, &hash)? else {
                return Ok(None);
            };
            if owner != wanted {
                return Ok(None);
            }
            clients::find(conn, &owner)
        })
        .await?;
    found.ok_or_else(refused)
}

fn actor(ctx: &RequestContext, client: &Client) -> Actor {
    Actor {
        kind: ActorKind::Client,
        id: Some(format!("client:{}", client.id)),
        ..ctx.actor()
    }
}

fn read(state: &AppState, view: &ClientView) -> HttpResponse {
    let mut extra = Map::new();
    extra.insert(
        "registration_client_uri".into(),
        json!(client_uri(state, &view.client_id)),
    );
    answer(StatusCode::OK, &metadata::response(view, extra))
}

fn gone(refusal: Refusal) -> OAuthError {
    match refusal {
        Refusal::Invalid(invalid) => metadata::refused(&invalid),
        _ => refused(),
    }
}

/// `GET /register/{client_id}`
pub async fn get_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, OAuthError> {
    if state.config.registration.mode == RegistrationMode::Off {
        return Ok(not_enabled());
    }
    let client = authorized(&req, &state, &path).await?;
    Ok(read(&state, &ClientView::of(&client)))
}

/// Every setting of `spec` as a change (RFC 7592 §2.2 replaces them all).
fn replace_all(spec: ClientSpec) -> ClientPatch {
    ClientPatch {
        name: Some(spec.name),
        redirect_uris: Some(spec.redirect_uris),
        post_logout_redirect_uris: Some(spec.post_logout_redirect_uris),
        grant_types: Some(spec.grant_types),
        scopes: Some(spec.scopes),
        backchannel_logout_uri: Some(spec.backchannel_logout_uri),
        token_endpoint_auth_method: spec.token_endpoint_auth_method,
        jwks: Some(spec.jwks),
        id_token_signed_response_alg: Some(spec.id_token_signed_response_alg.unwrap_or(Alg::RS256)),
        access_token_signed_response_alg: None,
        consent: Some("required".into()),
        logo_uri: Some(spec.logo_uri),
        policy_uri: Some(spec.policy_uri),
        tos_uri: Some(spec.tos_uri),
        audiences: None,
        allowed_origins: None,
        require_pkce: None,
        require_par: Some(spec.require_par),
        jwks_uri: Some(spec.jwks_uri),
        request_object_signing_alg: Some(spec.request_object_signing_alg),
        require_signed_request_object: Some(spec.require_signed_request_object),
        dpop_bound_access_tokens: Some(spec.dpop_bound_access_tokens),
        subject_type: spec.subject_type,
        sector_identifier_uri: Some(spec.sector_identifier_uri),
    }
}

/// `PUT /register/{client_id}`
pub async fn put_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    if state.config.registration.mode == RegistrationMode::Off {
        return Ok(not_enabled());
    }
    let client = authorized(&req, &state, &path).await?;
    // §2.2: the body names the client it replaces.
    let named: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
        OAuthError::invalid_client_metadata("the body must be a JSON object of client metadata")
    })?;
    if let Some(id) = named.get("client_id")
        && id.as_str() != Some(client.id.as_str())
    {
        return Err(OAuthError::invalid_client_metadata(
            "client_id: must be this client's id",
        ));
    }
    let spec = metadata::spec_of(
        &body,
        client.organization_id.clone(),
        state.config.oidc.allow_private_targets,
    )?;
    if spec.public != client.public {
        return Err(OAuthError::invalid_client_metadata(
            "token_endpoint_auth_method: a client cannot switch between public (none) and confidential",
        ));
    }
    let view = admin::update(
        &state,
        &actor(&ctx, &client),
        None,
        client.id.clone(),
        replace_all(spec),
    )
    .await?
    .map_err(gone)?;
    Ok(read(&state, &view))
}

/// `DELETE /register/{client_id}`
pub async fn delete_client(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
) -> Result<HttpResponse, OAuthError> {
    if state.config.registration.mode == RegistrationMode::Off {
        return Ok(not_enabled());
    }
    let client = authorized(&req, &state, &path).await?;
    admin::delete(&state, &actor(&ctx, &client), None, client.id.clone())
        .await?
        .map_err(gone)?;
    Ok(HttpResponse::NoContent()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .finish())
}
