//! `GET /api/v1/users` and `GET /api/v1/users/{id}` (S8): live users in
//! the caller's reach, as `ostiary user list` shows them. Needs
//! `users:read`; another organization's user is not found (404).

use actix_web::{HttpResponse, web};

use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, PageQuery};
use crate::admin::api::problem::{Missing, Problem, ProblemBody, Refusals};
use crate::admin::scopes::Scope;
use crate::domain::UserId;
use crate::state::AppState;
use crate::store::users;
use crate::users::accounts::{self, UserListing};
use crate::users::admin::{self, Change, Refusal};

/// One page of users.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserPage {
    pub items: Vec<UserListing>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// `GET /api/v1/users?limit=&cursor=&q=`
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Part of an email address or name, any case", max_length = 200),
    ),
    responses(
        (status = 200, description = "Live users in the caller's reach, by creation time then id", body = UserPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("users"))?;
    let request = query.check()?;
    let orgs = caller.reach.organization_ids();
    let limit = request.limit;
    let result = state
        .db
        .run(move |conn| {
            let rows = users::page_in_reach(
                conn,
                orgs.as_deref(),
                request.search.as_deref(),
                request.after,
                limit + 1,
            )?;
            Ok(page::page(
                rows,
                limit,
                |u| (u.created_at, u.id.to_string()),
                |u| accounts::listing(conn, u).map_err(Problem::from),
            )
            .map(|p| UserPage {
                items: p.items,
                next_cursor: p.next_cursor,
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result?))
}

/// `GET /api/v1/users/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user", body = UserListing),
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
    caller.require(Scope::read("users"))?;
    let id = UserId::from(path.into_inner());
    let orgs = caller.reach.organization_ids();
    let found = state
        .db
        .run(
            move |conn| match users::find_in_reach(conn, orgs.as_deref(), &id)? {
                Some(user) => accounts::listing(conn, user).map(Some),
                None => Ok(None),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(found.ok_or_else(Problem::not_found)?))
}

async fn change(
    state: &AppState,
    caller: &Caller,
    id: String,
    change: Change,
) -> Result<Option<UserListing>, Problem> {
    caller.require(Scope::write("users"))?;
    let reach = admin::Reach {
        organizations: caller.reach.organization_ids(),
    };
    match admin::apply(state, &caller.actor, reach, &UserId::from(id), change).await? {
        Ok(user) => Ok(user),
        Err(Refusal::NotFound) => Err(Problem::not_found()),
        Err(Refusal::Protected) => Err(Problem::forbidden(
            "only a caller of global reach changes a superuser or an owner",
        )),
        Err(Refusal::Itself) => Err(Problem::new(
            actix_web::http::StatusCode::CONFLICT,
            "you cannot disable or delete your own account here",
        )),
    }
}

fn changed(user: Option<UserListing>) -> Result<HttpResponse, Problem> {
    Ok(HttpResponse::Ok().json(user.ok_or_else(Problem::not_found)?))
}

/// `POST /api/v1/users/{id}/disable`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/disable",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Disabled: the account signs in no more, its sessions and grants are gone", body = UserListing),
        Refusals,
        Missing,
        (status = 409, description = "The caller's own account", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Disable).await?)
}

/// `POST /api/v1/users/{id}/enable`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/enable",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Enabled again", body = UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Enable).await?)
}

/// `POST /api/v1/users/{id}/revoke-sessions`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/revoke-sessions",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Every session and grant of the user ended", body = UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::RevokeSessions).await?)
}

/// `DELETE /api/v1/users/{id}` (soft delete)
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Deleted (soft): the account answers 404 from now on"),
        Refusals,
        Missing,
        (status = 409, description = "The caller's own account", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    change(&state, &caller, path.into_inner(), Change::Delete).await?;
    Ok(HttpResponse::NoContent().finish())
}
