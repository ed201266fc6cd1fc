//! `GET /api/v1/audit-events` and `GET /api/v1/audit-events/{id}` (S8,
//! S9): the audit log, read only, with filters; needs `audit:read`. An
//! organization's caller sees its organizations' events and the untagged
//! ones (sign-ins, a person's own changes) of their members — never an
//! event tagged with another organization (in the query). Events made with a vendor key carry `vendor`. The console's
//! audit pages read through [`AuditQuery::filter`] and [`event`] too.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, PageQuery, PageRequest};
use crate::admin::api::problem::{Missing, Problem, Refusals};
use crate::admin::scopes::Scope;
pub use crate::audit::view::{AuditEventView, view};
use crate::state::AppState;
use crate::store::audit::{self, AuditFilter, AuditRow};

/// The query of the list.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AuditQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub q: Option<String>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: Option<String>,
    pub organization_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub session_id: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// One page of audit events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

fn short(field: &str, value: Option<String>) -> Result<Option<String>, Problem> {
    match value {
        Some(v) if v.chars().count() > 200 => {
            Err(Problem::invalid(field, "must be at most 200 characters"))
        }
        other => Ok(other.filter(|v| !v.is_empty())),
    }
}

fn instant(field: &str, value: Option<String>) -> Result<Option<NaiveDateTime>, Problem> {
    value
        .map(|v| {
            DateTime::parse_from_rfc3339(&v)
                .map(|t| t.naive_utc())
                .map_err(|_| {
                    Problem::invalid(field, "must be an RFC 3339 time, e.g. 2026-01-31T12:00:00Z")
                })
        })
        .transpose()
}

impl AuditQuery {
    /// The checked filter and page of this query, limited to the caller's
    /// reach; `newest_first` for the console.
    pub fn filter(
        self,
        caller: &Caller,
        newest_first: bool,
    ) -> Result<(AuditFilter, PageRequest), Problem> {
        let request = PageQuery {
            limit: self.limit,
            cursor: self.cursor,
            q: self.q,
        }
        .check()?;
        let outcome = self.outcome;
        if outcome
            .as_deref()
            .is_some_and(|o| o != "success" && o != "failure")
        {
            return Err(Problem::invalid("outcome", "must be success or failure"));
        }
        let filter = AuditFilter {
            actor_id: short("actor", self.actor)?,
            action: short("action", self.action)?,
            target_type: short("target_type", self.target_type)?,
            target_id: short("target_id", self.target_id)?,
            outcome,
            since: instant("since", self.since)?,
            until: instant("until", self.until)?,
            search: request.search.clone(),
            organizations: caller
                .reach
                .organization_ids()
                .map(|ids| ids.iter().map(ToString::to_string).collect()),
            organization_id: short("organization_id", self.organization_id)?,
            ip: short("ip", self.ip)?,
            request_id: short("request_id", self.request_id)?,
            session_id: short("session_id", self.session_id)?,
            newest_first,
        };
        Ok((filter, request))
    }
}

/// The event `id` in the caller's reach (404 otherwise).
pub async fn event(state: &AppState, caller: &Caller, id: String) -> Result<AuditRow, Problem> {
    caller.require(Scope::read("audit"))?;
    if id.len() > 100 {
        return Err(Problem::not_found());
    }
    let orgs: Option<Vec<String>> = caller
        .reach
        .organization_ids()
        .map(|ids| ids.iter().map(ToString::to_string).collect());
    state
        .db
        .run(move |conn| audit::find_in(conn, &id, orgs.as_deref()))
        .await?
        .ok_or_else(Problem::not_found)
}

/// `GET /api/v1/audit-events`
#[utoipa::path(
    get,
    path = "/api/v1/audit-events",
    tag = "audit",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Text in the details, the target id or the actor id", max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
        ("actor" = Option<String>, Query, description = "The actor's id (a user, a key)", max_length = 200),
        ("action" = Option<String>, Query, description = "e.g. user.deleted", max_length = 200),
        ("target_type" = Option<String>, Query, max_length = 200),
        ("target_id" = Option<String>, Query, max_length = 200),
        ("outcome" = Option<String>, Query, description = "success or failure", pattern = "^(success|failure)$"),
        ("organization_id" = Option<String>, Query, description = "Events of this organization", max_length = 200),
        ("ip" = Option<String>, Query, description = "The caller's address, exactly", max_length = 200),
        ("request_id" = Option<String>, Query, description = "Events of one request", max_length = 200),
        ("session_id" = Option<String>, Query, description = "Events of one sign-in session", max_length = 200),
        ("since" = Option<String>, Query, description = "From this time (RFC 3339)", format = DateTime),
        ("until" = Option<String>, Query, description = "Before this time (RFC 3339)", format = DateTime),
    ),
    responses(
        (status = 200, description = "Events in creation order", body = AuditPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("audit"))?;
    let (filter, request) = query.into_inner().filter(&caller, false)?;
    let limit = request.limit;
    let rows = state
        .db
        .run(move |conn| audit::filtered_page(conn, &filter, request.after, limit + 1))
        .await?;
    let page = page::page(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        |r| Ok(view(r)),
    )?;
    Ok(HttpResponse::Ok().json(AuditPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// `GET /api/v1/audit-events/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/audit-events/{id}",
    tag = "audit",
    params(("id" = String, Path, description = "The event's id", max_length = 100)),
    responses(
        (status = 200, description = "The event", body = AuditEventView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let row = event(&state, &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(view(row)))
}
