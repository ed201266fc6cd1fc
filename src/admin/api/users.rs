//! `GET /api/v1/users` and `GET /api/v1/users/{id}` (S8): live users in
//! the caller's reach, as `ostiary user list` shows them. Needs
//! `users:read`; another organization's user is not found (404).

use actix_web::{HttpResponse, web};

use crate::admin::api::caller::{Caller, Reach};
use crate::admin::api::page::{self, PageQuery};
use crate::admin::api::problem::Problem;
use crate::admin::scopes::Scope;
use crate::domain::{OrganizationId, UserId};
use crate::state::AppState;
use crate::store::users;
use crate::users::accounts;

fn organizations(reach: &Reach) -> Option<Vec<OrganizationId>> {
    match reach {
        Reach::Global => None,
        Reach::Organizations(list) => Some(list.clone()),
    }
}

/// `GET /api/v1/users?limit=&cursor=&q=`
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("users"))?;
    let request = query.check()?;
    let orgs = organizations(&caller.reach);
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
            ))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result?))
}

/// `GET /api/v1/users/{id}`
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("users"))?;
    let id = UserId::from(path.into_inner());
    let orgs = organizations(&caller.reach);
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
