//! `/api/v1/alert-rules` and `/api/v1/alert-firings` (S9, docs/alerts.md):
//! the built-in alert rules — list, change one — and the recent firings,
//! thin handlers over [`crate::alerts::rules`]. Alerts span every
//! organization: callers of global reach only (superusers, global keys);
//! needs `alerts:read` / `alerts:write`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::{Caller, Reach};
use crate::admin::api::page::{Page, PageQuery};
use crate::admin::api::problem::{Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::alerts::rules::{self, FiringView, Refusal, RulePatch, RuleView};
use crate::state::AppState;

/// Every alert rule.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RuleList {
    pub items: Vec<RuleView>,
}

/// One page of firings, newest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct FiringList {
    pub items: Vec<FiringView>,
    /// Pass as `cursor` for the next (older) page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// Changes; fields left out stay as they are. `threshold` and
/// `window_minutes` apply to counting rules only (422 otherwise).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRuleChanges {
    pub enabled: Option<bool>,
    /// Events in the window that make the rule fire.
    #[schema(minimum = 1, maximum = 10000)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i64")]
    pub threshold: Option<i64>,
    /// The window, in minutes (at most a day).
    #[schema(minimum = 1, maximum = 1440)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i64")]
    pub window_minutes: Option<i64>,
    /// Addresses mail goes to; empty: every superuser's verified address.
    #[schema(max_items = 20)]
    pub recipients: Option<Vec<String>>,
    /// Whether the `alert.fired` event goes to webhook subscriptions.
    pub notify_webhook: Option<bool>,
}

/// Alerts are for callers of global reach.
pub fn global(caller: &Caller) -> Result<(), Problem> {
    if caller.reach == Reach::Global {
        Ok(())
    } else {
        Err(Problem::forbidden(
            "alert rules span every organization: only a superuser (or a key of global reach) sees and changes them",
        ))
    }
}

/// The refusal as a problem.
pub fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        Refusal::Invalid { field, message } => Problem::unprocessable(field, message),
    }
}

/// `GET /api/v1/alert-rules`
#[utoipa::path(
    get,
    path = "/api/v1/alert-rules",
    tag = "alerts",
    responses(
        (status = 200, description = "Every alert rule, by id", body = RuleList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("alerts"))?;
    global(&caller)?;
    let items = rules::list(&state).await?;
    Ok(HttpResponse::Ok().json(RuleList { items }))
}

/// `PATCH /api/v1/alert-rules/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/alert-rules/{id}",
    tag = "alerts",
    params(("id" = String, Path, description = "The rule id, e.g. `failed_signins_account`")),
    request_body(content = AlertRuleChanges, content_type = "application/json"),
    responses(
        (status = 200, description = "The rule as it is now", body = RuleView),
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
    body: Body<AlertRuleChanges>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("alerts"))?;
    global(&caller)?;
    let body = body.into_inner();
    let patch = RulePatch {
        enabled: body.enabled,
        threshold: body.threshold,
        window_minutes: body.window_minutes,
        recipients: body.recipients,
        notify_webhook: body.notify_webhook,
    };
    let view = rules::update(&state, &caller.actor, path.into_inner(), patch)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}

/// `GET /api/v1/alert-firings`
#[utoipa::path(
    get,
    path = "/api/v1/alert-firings",
    tag = "alerts",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
    ),
    responses(
        (status = 200, description = "Firings, newest first (time fired then id, descending)", body = FiringList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn firings(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("alerts"))?;
    global(&caller)?;
    let page = query.check_unsearched()?;
    let Page { items, next_cursor } = rules::firings(&state, page.after, page.limit).await?.into();
    Ok(HttpResponse::Ok().json(FiringList { items, next_cursor }))
}
