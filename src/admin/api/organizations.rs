//! `GET /api/v1/organizations`, `…/{id}` and `…/{id}/members` (S2, S8):
//! the organizations in the caller's reach, and their live members with
//! their roles. Needs `organizations:read`; others' are not found.

use actix_web::{HttpResponse, web};
use serde::Serialize;

use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, PageQuery};
use crate::admin::api::problem::{Missing, Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::state::AppState;
use crate::store::orgs::{self, Organization};

/// An organization.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationView {
    pub id: String,
    pub name: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// One page of organizations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OrganizationPage {
    pub items: Vec<OrganizationView>,
    pub next_cursor: Option<String>,
}

/// A member and their role.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub user_id: String,
    pub email: String,
    /// `owner`, `admin`, `auditor` or `member`.
    pub role: String,
}

pub fn view(org: Organization) -> OrganizationView {
    OrganizationView {
        id: org.id.to_string(),
        name: org.name,
        created_at: org.created_at.and_utc().to_rfc3339(),
    }
}

/// `GET /api/v1/organizations`
#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    tag = "organizations",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Part of the name, any case", max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
    ),
    responses(
        (status = 200, description = "Organizations in the caller's reach, by creation time then id", body = OrganizationPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("organizations"))?;
    let request = query.check()?;
    let ids = caller.reach.organization_ids();
    let limit = request.limit;
    let rows = state
        .db
        .run(move |conn| {
            orgs::page(
                conn,
                ids.as_deref(),
                request.search.as_deref(),
                request.after,
                limit + 1,
            )
        })
        .await?;
    let page = page::page(
        rows,
        limit,
        |o| (o.created_at, o.id.to_string()),
        |o| Ok(view(o)),
    )?;
    Ok(HttpResponse::Ok().json(OrganizationPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// `GET /api/v1/organizations/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The organization", body = OrganizationView),
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
    caller.require(Scope::read("organizations"))?;
    let (ids, id) = (
        caller.reach.organization_ids(),
        OrganizationId::from(path.into_inner()),
    );
    let found = state
        .db
        .run(move |conn| orgs::find_in(conn, ids.as_deref(), &id))
        .await?;
    Ok(HttpResponse::Ok().json(view(found.ok_or_else(Problem::not_found)?)))
}

/// `GET /api/v1/organizations/{id}/members`
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}/members",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "Live members, by email", body = Vec<MemberView>),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn members(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("organizations"))?;
    let (ids, id) = (
        caller.reach.organization_ids(),
        OrganizationId::from(path.into_inner()),
    );
    let found = state
        .db
        .run(
            move |conn| match orgs::find_in(conn, ids.as_deref(), &id)? {
                Some(org) => orgs::members_of(conn, &org.id).map(Some),
                None => Ok(None),
            },
        )
        .await?;
    let members: Vec<MemberView> = found
        .ok_or_else(Problem::not_found)?
        .into_iter()
        .map(|m| MemberView {
            user_id: m.user_id,
            email: m.email,
            role: m.role,
        })
        .collect();
    Ok(HttpResponse::Ok().json(members))
}
