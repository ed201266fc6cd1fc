//! `GET /api/v1/audit-events` (S8, S9): the audit log, read only, with
//! filters; needs `audit:read`. An organization's caller sees only its
//! organization's events. Events made with a vendor key carry `vendor`.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, PageQuery};
use crate::admin::api::problem::{Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::state::AppState;
use crate::store::audit::{self, AuditFilter, AuditRow};

/// The query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    limit: Option<String>,
    cursor: Option<String>,
    q: Option<String>,
    actor: Option<String>,
    action: Option<String>,
    target_type: Option<String>,
    target_id: Option<String>,
    outcome: Option<String>,
    since: Option<String>,
    until: Option<String>,
}

/// One audit event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEventView {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub action: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// `user`, `api_key`, `system` or `anonymous`.
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// For events made with a vendor key: `{actor_user_id, ticket_reference}`.
    #[schema(value_type = Option<Object>)]
    pub vendor: Option<serde_json::Value>,
}

/// One page of audit events.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEventView>,
    pub next_cursor: Option<String>,
}

fn view(row: AuditRow) -> AuditEventView {
    let details: serde_json::Value =
        serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null);
    AuditEventView {
        // The claim a vendor key's actor adds (other events may have a
        // `vendor` field of their own, e.g. an API key's flag).
        vendor: details
            .get("vendor")
            .filter(|v| v.get("ticket_reference").is_some())
            .cloned(),
        id: row.id,
        created_at: row.created_at.and_utc().to_rfc3339(),
        action: row.action,
        outcome: row.outcome,
        actor_type: row.actor_type,
        actor_id: row.actor_id,
        target_type: row.target_type,
        target_id: row.target_id,
        ip: row.ip,
        request_id: row.request_id,
        details,
    }
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

/// `GET /api/v1/audit-events`
#[utoipa::path(
    get,
    path = "/api/v1/audit-events",
    tag = "audit",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Text in the details, the target id or the actor id", max_length = 200),
        ("actor" = Option<String>, Query, description = "The actor's id (a user, a key)", max_length = 200),
        ("action" = Option<String>, Query, description = "e.g. user.deleted", max_length = 200),
        ("target_type" = Option<String>, Query, max_length = 200),
        ("target_id" = Option<String>, Query, max_length = 200),
        ("outcome" = Option<String>, Query, description = "success or failure", pattern = "^(success|failure)$"),
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
    let query = query.into_inner();
    let request = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
        q: query.q,
    }
    .check()?;
    let outcome = query.outcome;
    if outcome
        .as_deref()
        .is_some_and(|o| o != "success" && o != "failure")
    {
        return Err(Problem::invalid("outcome", "must be success or failure"));
    }
    let filter = AuditFilter {
        actor_id: short("actor", query.actor)?,
        action: short("action", query.action)?,
        target_type: short("target_type", query.target_type)?,
        target_id: short("target_id", query.target_id)?,
        outcome,
        since: instant("since", query.since)?,
        until: instant("until", query.until)?,
        search: request.search.clone(),
        organizations: caller
            .reach
            .organization_ids()
            .map(|ids| ids.iter().map(ToString::to_string).collect()),
    };
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
