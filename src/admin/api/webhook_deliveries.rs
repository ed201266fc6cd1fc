//! `/api/v1/webhook-deliveries` (S9): the dead-letter queue — deliveries
//! by status and replay of a dead one — for callers of global reach only
//! (superusers, global keys): an organization's caller gets 403, even for
//! its own webhooks. Needs `webhooks:read` / `webhooks:write`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::caller::Caller;
use crate::admin::api::page::PageQuery;
use crate::admin::api::problem::{Conflicting, Missing, Problem, Refusals};
use crate::admin::api::webhooks::{DeliveryList, refused};
use crate::admin::scopes::Scope;
use crate::state::AppState;
use crate::store::webhooks::{DEAD, DELIVERED, PENDING};
use crate::webhooks::admin::{self, DeliveryView};

/// The query of the list.
#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    pub status: Option<String>,
}

fn global(caller: &Caller) -> Result<(), Problem> {
    admin::may_inspect_deliveries(&caller.reach.organization_ids()).map_err(refused)
}

/// `GET /api/v1/webhook-deliveries?status=dead`
#[utoipa::path(
    get,
    path = "/api/v1/webhook-deliveries",
    tag = "webhooks",
    params(
        ("status" = Option<String>, Query, description = "`dead` (default), `pending` or `delivered`", pattern = "^(dead|pending|delivered)$"),
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
    ),
    responses(
        (status = 200, description = "Deliveries in that status, newest first (creation time then id, descending)", body = DeliveryList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<StatusQuery>,
    paging: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("webhooks"))?;
    global(&caller)?;
    let page = paging.check_unsearched()?;
    let status = match query.status.as_deref() {
        None | Some("dead") => DEAD,
        Some("pending") => PENDING,
        Some("delivered") => DELIVERED,
        Some(_) => {
            return Err(Problem::invalid(
                "status",
                "must be dead, pending or delivered",
            ));
        }
    };
    let found = admin::with_status(
        &state,
        &caller.reach.organization_ids(),
        status,
        page.after,
        page.limit,
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(DeliveryList::from(found)))
}

/// `POST /api/v1/webhook-deliveries/{id}/replay`
#[utoipa::path(
    post,
    path = "/api/v1/webhook-deliveries/{id}/replay",
    tag = "webhooks",
    params(("id" = String, Path, description = "The delivery id (its webhook-id)")),
    responses(
        (status = 200, description = "Pending again, attempts reset, due now", body = DeliveryView),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn replay(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("webhooks"))?;
    global(&caller)?;
    let view = admin::replay(
        &state,
        &caller.actor,
        &caller.reach.organization_ids(),
        path.into_inner(),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}
