//! `/api/v1/webhooks` (S9): webhook subscriptions in the caller's reach —
//! list, show, create (the secret answered once), update, delete, rotate
//! the secret, recent deliveries — thin handlers over
//! [`crate::webhooks::admin`]. Needs `webhooks:read` / `webhooks:write`;
//! another organization's subscription is not found (404).

use actix_web::http::header::CACHE_CONTROL;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::page::{Page, PageQuery};
use crate::admin::api::problem::{Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::state::AppState;
use crate::store::slice::Slice;
use crate::webhooks::admin::{
    self, DeliveryView, NewWebhook, Refusal, WebhookPatch, WebhookView, WebhookWithSecret,
};

/// One page of the subscriptions in reach, oldest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct WebhookList {
    pub items: Vec<WebhookView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// One page of deliveries, newest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct DeliveryList {
    pub items: Vec<DeliveryView>,
    /// Pass as `cursor` for the next (older) page; `null` on the last.
    pub next_cursor: Option<String>,
}

impl From<Slice<WebhookView>> for WebhookList {
    fn from(slice: Slice<WebhookView>) -> Self {
        let Page { items, next_cursor } = slice.into();
        Self { items, next_cursor }
    }
}

impl From<Slice<DeliveryView>> for DeliveryList {
    fn from(slice: Slice<DeliveryView>) -> Self {
        let Page { items, next_cursor } = slice.into();
        Self { items, next_cursor }
    }
}

/// A new subscription.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// https (http and private addresses only with
    /// `oidc.allow_private_targets`).
    #[schema(min_length = 1, max_length = 2048)]
    pub url: String,
    /// Audit actions (`user.created`), prefixes (`user.*`) or `*`.
    #[schema(min_items = 1, max_items = 50)]
    pub events: Vec<String>,
    /// The owning organization; left out by a caller of one organization:
    /// that one; by a caller of global reach: a global subscription (every
    /// organization's events). Out of reach or unknown: 422.
    #[schema(max_length = 100)]
    pub organization_id: Option<String>,
    /// Default true.
    pub enabled: Option<bool>,
}

/// Changes; fields left out stay as they are.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookChanges {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 2048)]
    pub url: Option<String>,
    #[schema(min_items = 1, max_items = 50)]
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// The refusal as a problem: malformed 400, refused by a rule 422.
pub fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        Refusal::Invalid(i) if i.refused => Problem::unprocessable(i.field, i.message),
        Refusal::Invalid(i) => Problem::invalid(i.field, i.message),
        Refusal::NoOrganization => {
            Problem::unprocessable("organization_id", "no such organization in your reach")
        }
        Refusal::NotDead => Problem::conflict("only a dead delivery can be replayed"),
        Refusal::NotGlobal => Problem::forbidden(
            "only a superuser (or a key of global reach) inspects and replays dead letters",
        ),
    }
}

/// `GET /api/v1/webhooks`
#[utoipa::path(
    get,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
    ),
    responses(
        (status = 200, description = "Subscriptions in the caller's reach, by creation time then id (never their secrets)", body = WebhookList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("webhooks"))?;
    let page = query.check_unsearched()?;
    let found = admin::list(
        &state,
        caller.reach.organization_ids(),
        page.after,
        page.limit,
    )
    .await?;
    Ok(HttpResponse::Ok().json(WebhookList::from(found)))
}

/// `GET /api/v1/webhooks/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription id")),
    responses(
        (status = 200, description = "The subscription (its secret masked)", body = WebhookView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("webhooks"))?;
    let found = admin::show(&state, caller.reach.organization_ids(), path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(found.ok_or_else(Problem::not_found)?))
}

/// `POST /api/v1/webhooks`
#[utoipa::path(
    post,
    path = "/api/v1/webhooks",
    tag = "webhooks",
    request_body(content = NewWebhookBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Subscribed; `secret` is shown only now", body = WebhookWithSecret),
        Refusals,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewWebhookBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("webhooks"))?;
    // SR-101: a secret is shown; a session must have signed in recently.
    caller.require_recent()?;
    let body = body.into_inner();
    let new = NewWebhook {
        organization_id: body.organization_id,
        name: body.name,
        url: body.url,
        events: body.events,
        enabled: body.enabled.unwrap_or(true),
    };
    let created = admin::create(&state, &caller.actor, caller.reach.organization_ids(), new)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(created))
}

/// `PATCH /api/v1/webhooks/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription id")),
    request_body(content = WebhookChanges, content_type = "application/json"),
    responses(
        (status = 200, description = "The subscription as it is now", body = WebhookView),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<WebhookChanges>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("webhooks"))?;
    let body = body.into_inner();
    let patch = WebhookPatch {
        name: body.name,
        url: body.url,
        events: body.events,
        enabled: body.enabled,
    };
    let view = admin::update(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        path.into_inner(),
        patch,
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}

/// `DELETE /api/v1/webhooks/{id}`
#[utoipa::path(
    delete,
    path = "/api/v1/webhooks/{id}",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription id")),
    responses(
        (status = 204, description = "Deleted, with its deliveries"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("webhooks"))?;
    admin::delete(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        path.into_inner(),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/webhooks/{id}/rotate-secret`
#[utoipa::path(
    post,
    path = "/api/v1/webhooks/{id}/rotate-secret",
    tag = "webhooks",
    params(("id" = String, Path, description = "The subscription id")),
    responses(
        (status = 200, description = "The new secret (shown only now) replaces the old one at once", body = WebhookWithSecret),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("webhooks"))?;
    caller.require_recent()?;
    let rotated = admin::rotate_secret(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        path.into_inner(),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok()
        .insert_header((CACHE_CONTROL, "no-store"))
        .json(rotated))
}

/// `GET /api/v1/webhooks/{id}/deliveries`
#[utoipa::path(
    get,
    path = "/api/v1/webhooks/{id}/deliveries",
    tag = "webhooks",
    params(
        ("id" = String, Path, description = "The subscription id"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
    ),
    responses(
        (status = 200, description = "Its deliveries, newest first (creation time then id, descending)", body = DeliveryList),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("webhooks"))?;
    let page = query.check_unsearched()?;
    let found = admin::deliveries(
        &state,
        caller.reach.organization_ids(),
        path.into_inner(),
        page.after,
        page.limit,
    )
    .await?
    .ok_or_else(Problem::not_found)?;
    Ok(HttpResponse::Ok().json(DeliveryList::from(found)))
}
