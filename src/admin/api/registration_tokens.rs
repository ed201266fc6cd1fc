//! `/api/v1/registration-tokens` (RFC 7591 §3, SR-141): initial access
//! tokens for dynamic client registration — issue (the token answered
//! once), list, revoke — thin handlers over
//! [`crate::oidc::registration::tokens`], the service `ostiary client
//! registration-token …` uses. The same authorization as creating clients
//! (`clients:write`, `clients:read`): a caller of organization reach issues
//! tokens for its own organizations only, and sees and revokes only those.

use actix_web::{HttpResponse, web};
use chrono::Duration;
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::clients::refused;
use crate::admin::api::problem::{Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::oidc::registration::tokens::{self, IssuedToken, NewToken, TokenView};
use crate::state::AppState;

/// A new initial access token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRegistrationToken {
    /// Lifetime in seconds (default: no expiry).
    #[schema(minimum = 1, maximum = 31536000)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i64")]
    pub expires_in: Option<i64>,
    /// How many clients it may register (default: no limit).
    #[schema(minimum = 1, maximum = 1000000)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i32")]
    pub max_uses: Option<i32>,
    /// The organization registered clients belong to; a caller of
    /// organization reach names one of its own (required when it has
    /// several).
    #[schema(max_length = 128)]
    pub organization_id: Option<String>,
}

/// Every initial access token in the caller's reach.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RegistrationTokenList {
    pub items: Vec<TokenView>,
}

/// `GET /api/v1/registration-tokens`
#[utoipa::path(
    get,
    path = "/api/v1/registration-tokens",
    tag = "clients",
    responses(
        (status = 200, description = "Initial access tokens in the caller's reach, newest first (never the tokens)", body = RegistrationTokenList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("clients"))?;
    let items = tokens::list(&state, caller.reach.organization_ids()).await?;
    Ok(HttpResponse::Ok().json(RegistrationTokenList { items }))
}

/// `POST /api/v1/registration-tokens`
#[utoipa::path(
    post,
    path = "/api/v1/registration-tokens",
    tag = "clients",
    request_body(content = NewRegistrationToken, content_type = "application/json"),
    responses(
        (status = 201, description = "Issued; `token` is shown only now", body = IssuedToken),
        Refusals,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewRegistrationToken>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    // SR-101: a secret is shown; a session must have signed in recently.
    caller.require_recent()?;
    let body = body.into_inner();
    let new = NewToken {
        // Out of a duration's range is out of the service's range too (it
        // refuses with the field's message); `Duration::seconds` would panic.
        expires_in: body
            .expires_in
            .map(|s| Duration::try_seconds(s).unwrap_or(Duration::MAX)),
        max_uses: body.max_uses,
        organization_id: body.organization_id.map(OrganizationId::from),
    };
    let issued = tokens::create(&state, &caller.actor, caller.reach.organization_ids(), new)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(issued))
}

/// `DELETE /api/v1/registration-tokens/{id}`
#[utoipa::path(
    delete,
    path = "/api/v1/registration-tokens/{id}",
    tag = "clients",
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 200, description = "Revoked: it registers no more clients (those it registered stay)", body = TokenView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    let view = tokens::revoke(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        path.into_inner(),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}
