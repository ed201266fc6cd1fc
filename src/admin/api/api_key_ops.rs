//! `/api/v1/api-keys` (S8, SR-56, SR-100): list, show, create, rotate and
//! revoke admin-API keys through `admin::api_keys`, the service of
//! `ostiary api-key`. The caller's reach and scopes bound every key it
//! touches: a key never makes or rotates a key stronger than itself, and an
//! organization's caller sees only its organization's keys.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, PageQuery, PageRequest};
use crate::admin::api::problem::{Conflicting, Missing, Problem, Refusals, Unprocessable};
use crate::admin::api_keys::{self, Created, KeyRefusal, KeySpec, KeyView, Manager};
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::state::AppState;
use crate::store::api_keys as rows;

/// The key manager a caller is: its reach, its scopes and, for a key, its
/// limits (the API and the console).
pub fn manager(caller: &Caller) -> Manager {
    Manager {
        organizations: caller.reach.organization_ids(),
        scopes: caller.scopes().to_vec(),
        limits: caller.key_limits.clone(),
    }
}

/// A refusal as the API answers it.
pub fn refused(refusal: KeyRefusal) -> Problem {
    match refusal {
        KeyRefusal::NotFound => Problem::not_found(),
        KeyRefusal::Beyond(field) => {
            let mut p = Problem::invalid(field, "beyond what you may grant");
            p.status = actix_web::http::StatusCode::FORBIDDEN;
            p
        }
        KeyRefusal::Invalid(i) => Problem::unprocessable(i.field, i.message),
        KeyRefusal::Dead => Problem::conflict("the key is revoked or expired: create a new one"),
        KeyRefusal::AlreadyRevoked => Problem::conflict("the key is already revoked"),
    }
}

/// One page of keys.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct KeyPage {
    pub items: Vec<KeyView>,
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/api-keys`
#[utoipa::path(
    get,
    path = "/api/v1/api-keys",
    tag = "api-keys",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
    ),
    responses(
        (status = 200, description = "Keys in the caller's reach (revoked ones too), by creation time then id; never a key or its hash", body = KeyPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    let request = query.check()?;
    Ok(HttpResponse::Ok().json(key_page(&state, &caller, request).await?))
}

/// One page of the keys in the caller's reach (the API and the console).
pub async fn key_page(
    state: &AppState,
    caller: &Caller,
    request: PageRequest,
) -> Result<KeyPage, Problem> {
    caller.require(Scope::read("api-keys"))?;
    let orgs = caller.reach.organization_ids();
    let limit = request.limit;
    state
        .db
        .run(move |conn| {
            let found = rows::page(conn, orgs.as_deref(), request.after, limit + 1)?;
            Ok(page::page(
                found,
                limit,
                |k| (k.created_at, k.id.clone()),
                |k| api_keys::view(conn, k).map_err(Problem::from),
            )
            .map(|p| KeyPage {
                items: p.items,
                next_cursor: p.next_cursor,
            }))
        })
        .await?
}

/// `GET /api/v1/api-keys/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/api-keys/{id}",
    tag = "api-keys",
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 200, description = "The key (never the key itself)", body = KeyView),
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
    Ok(HttpResponse::Ok().json(key_view(&state, &caller, path.into_inner()).await?))
}

/// The key `id` in the caller's reach, else 404 (the API and the console).
pub async fn key_view(state: &AppState, caller: &Caller, id: String) -> Result<KeyView, Problem> {
    caller.require(Scope::read("api-keys"))?;
    let orgs = caller.reach.organization_ids();
    let found = state
        .db
        .run(
            move |conn| match rows::find_in(conn, orgs.as_deref(), &id)? {
                Some(row) => api_keys::view(conn, row).map(Some),
                None => Ok(None),
            },
        )
        .await?;
    found.ok_or_else(Problem::not_found)
}

/// Body of `POST /api/v1/api-keys`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKey {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// `area:read`, `area:write`, `audit:read` or `*`; none beyond the
    /// caller's own.
    #[schema(min_items = 1, max_items = 30)]
    pub scopes: Vec<String>,
    /// Bind the key to this organization (an organization's caller: one of
    /// its own, by default its only one). None: a global key.
    pub organization_id: Option<String>,
    /// Lifetime: `30s`, `15m`, `12h`, `30d` (default: no expiry).
    #[schema(max_length = 20)]
    pub expires_in: Option<String>,
    /// Addresses or CIDR blocks the key may be used from (default: any).
    #[schema(max_items = 50)]
    pub allowed_ips: Option<Vec<String>>,
    /// At most this many requests per minute, counted across instances.
    #[schema(minimum = 1, maximum = 100000)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i32")]
    pub rate_limit_per_min: Option<i32>,
    /// A support key: every request must send `X-Actor-User-Id` and
    /// `X-Ticket-Reference`.
    #[serde(default)]
    pub vendor: bool,
}

/// `POST /api/v1/api-keys`
#[utoipa::path(
    post,
    path = "/api/v1/api-keys",
    tag = "api-keys",
    request_body = CreateKey,
    responses(
        (status = 201, description = "Made: `key` is shown only in this answer", body = Created),
        Refusals,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateKey>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("api-keys"))?;
    caller.require_recent()?;
    let spec = spec_of(body.into_inner())?;
    let created = api_keys::create_by(&state, &caller.actor, &manager(&caller), spec)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created().json(created))
}

/// What a request to make a key asks for, its sizes and lifetime checked
/// (the API and the console); the rest is checked by `create_by`.
pub fn spec_of(body: CreateKey) -> Result<KeySpec, Problem> {
    if body.scopes.len() > 30 {
        return Err(Problem::invalid("scopes", "too many items"));
    }
    if body.allowed_ips.as_ref().is_some_and(|l| l.len() > 50) {
        return Err(Problem::invalid("allowed_ips", "too many items"));
    }
    let expires_in = body
        .expires_in
        .as_deref()
        .map(crate::domain::parse_duration)
        .transpose()
        .map_err(|why| Problem::unprocessable("expires_in", why))?;
    Ok(KeySpec {
        name: body.name,
        organization: None,
        organization_id: body.organization_id.map(OrganizationId::from),
        scopes: body.scopes,
        expires_in,
        allowed_ips: body.allowed_ips.unwrap_or_default(),
        rate_limit_per_min: body.rate_limit_per_min,
        vendor: body.vendor,
    })
}

/// Query of `POST /api/v1/api-keys/{id}/rotate`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct RotateQuery {
    /// How long the old key keeps working: `0s` to `30d` (default `1h`).
    #[param(max_length = 20)]
    pub overlap: Option<String>,
}

/// How long a rotated key keeps working (default `1h`; the API and the
/// console).
pub fn overlap_of(raw: Option<&str>) -> Result<chrono::Duration, Problem> {
    crate::domain::parse_duration(raw.unwrap_or("1h"))
        .map_err(|why| Problem::unprocessable("overlap", why))
}

/// `POST /api/v1/api-keys/{id}/rotate`
#[utoipa::path(
    post,
    path = "/api/v1/api-keys/{id}/rotate",
    tag = "api-keys",
    params(("id" = String, Path, description = "The key's id"), RotateQuery),
    responses(
        (status = 201, description = "The new key with the same settings, shown only in this answer; the old one works until the overlap ends", body = Created),
        Refusals,
        Missing,
        Conflicting,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<RotateQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("api-keys"))?;
    caller.require_recent()?;
    let overlap = overlap_of(query.overlap.as_deref())?;
    let created = api_keys::rotate_by(
        &state,
        &caller.actor,
        &manager(&caller),
        &path.into_inner(),
        overlap,
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Created().json(created))
}

/// `POST /api/v1/api-keys/{id}/revoke`
#[utoipa::path(
    post,
    path = "/api/v1/api-keys/{id}/revoke",
    tag = "api-keys",
    params(("id" = String, Path, description = "The key's id")),
    responses(
        (status = 200, description = "Revoked: the key works no more", body = KeyView),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("api-keys"))?;
    let view = api_keys::revoke_by(&state, &caller.actor, &manager(&caller), &path.into_inner())
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}
