//! `GET /admin/audit` (S9, SR-100): the audit log, newest first, pages of
//! 50, filtered by text, actor, action, target, outcome, organization, IP
//! and time — read through the admin API's query
//! ([`crate::admin::api::audit::AuditQuery`]), so an organization's admin
//! sees only its organization's events; and `POST /admin/audit/verify`:
//! a superuser walks the hash chain and sees the result (the check itself
//! is audited).

use actix_web::http::StatusCode;
use actix_web::web::{self, Query, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::admin::api::audit::AuditQuery;
use crate::admin::api::page;
use crate::admin::api::problem::Problem;
use crate::admin::console::audit_event::{self, EventRow};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::audit::{self, Action, Event, Outcome, VerifyReport};
use crate::auth::guard::Checked;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;

const PAGE: &str = "/admin/audit";

/// Events per page.
const PER_PAGE: i64 = 50;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(PAGE, web::get().to(get_list))
        .route("/admin/audit/verify", web::post().to(post_verify))
        .route("/admin/audit/export", web::get().to(get_export))
        .route("/admin/audit/checkpoint", web::post().to(post_checkpoint))
        .route("/admin/audit/{id}", web::get().to(audit_event::get_event));
}

/// The filter form (and the cursor of a later page), as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub target_type: String,
    #[serde(default)]
    pub target_id: String,
    #[serde(default)]
    pub outcome: String,
    #[serde(default)]
    pub organization_id: String,
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub session_id: String,
    /// `YYYY-MM-DDTHH:MM` (a `datetime-local` field, UTC) or RFC 3339.
    #[serde(default)]
    pub since: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A `datetime-local` value read as UTC, in RFC 3339 (other text is
/// passed on for the API's check to name).
fn as_rfc3339(value: &str) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(value, format) {
            return Some(t.and_utc().to_rfc3339());
        }
    }
    Some(value.to_owned())
}

fn given(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

impl ListQuery {
    /// The admin API's query of this form.
    fn api(&self) -> AuditQuery {
        AuditQuery {
            limit: Some(PER_PAGE.to_string()),
            cursor: self.cursor.clone(),
            q: given(&self.q),
            actor: given(&self.actor),
            action: given(&self.action),
            target_type: given(&self.target_type),
            target_id: given(&self.target_id),
            outcome: given(&self.outcome),
            organization_id: given(&self.organization_id),
            ip: given(&self.ip),
            request_id: given(&self.request_id),
            session_id: given(&self.session_id),
            since: as_rfc3339(&self.since),
            until: as_rfc3339(&self.until),
        }
    }

    /// `/admin/audit/export?format=…` with these filters.
    pub fn export_href(&self, format: &str) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("format", format);
        for (k, v) in self.pairs() {
            query.append_pair(k, v);
        }
        format!("{PAGE}/export?{}", query.finish())
    }

    /// The filters as query pairs (no cursor), empty ones left out.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", &self.q),
            ("actor", &self.actor),
            ("action", &self.action),
            ("target_type", &self.target_type),
            ("target_id", &self.target_id),
            ("outcome", &self.outcome),
            ("organization_id", &self.organization_id),
            ("ip", &self.ip),
            ("request_id", &self.request_id),
            ("session_id", &self.session_id),
            ("since", &self.since),
            ("until", &self.until),
        ]
        .into_iter()
        .map(|(k, v)| (k, v.trim()))
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// `/admin/audit?…` with these filters and `cursor`.
    pub fn href(&self, cursor: Option<&str>) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.pairs() {
            query.append_pair(k, v);
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
        let query = query.finish();
        if query.is_empty() {
            PAGE.to_owned()
        } else {
            format!("{PAGE}?{query}")
        }
    }

    /// Whether any filter is set (beyond the cursor).
    fn filtered(&self) -> bool {
        !self.pairs().is_empty()
    }

    /// Whether the drill-down filters (request, session) are set: shown
    /// as removable chips, they have no field of their own.
    fn drill_down(&self) -> bool {
        !self.request_id.trim().is_empty() || !self.session_id.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "admin/audit/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub query: ListQuery,
    pub filtered: bool,
    pub drill_down: bool,
    pub rows: Vec<EventRow>,
    /// The filter the API refused, in its words.
    pub invalid: Option<String>,
    pub paged: bool,
    pub first_href: String,
    pub next_href: Option<String>,
    /// The result of "verify chain", when it was just run.
    pub verified: Option<VerifyReport>,
}

/// The list page of `query` (with a verification result), `400` when a
/// filter is refused.
async fn list_page(
    console: &Console,
    state: &AppState,
    query: ListQuery,
    verified: Option<VerifyReport>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::read("audit"))
        .map_err(respond::problem)?;
    let mut page_of = ListPage {
        t: console.chrome.t,
        chrome: console.chrome("audit"),
        filtered: query.filtered(),
        drill_down: query.drill_down(),
        first_href: query.href(None),
        paged: query.cursor.is_some(),
        query,
        rows: Vec::new(),
        invalid: None,
        next_href: None,
        verified,
    };
    let (filter, request) = match page_of.query.api().filter(caller, true) {
        Ok(checked) => checked,
        Err(p) => {
            page_of.invalid = Some(invalid_text(&p));
            return html(StatusCode::BAD_REQUEST, &page_of, vec![]);
        }
    };
    let limit = request.limit;
    let rows = state
        .db
        .run(move |conn| {
            crate::store::audit::filtered_page(conn, &filter, request.after, limit + 1)
        })
        .await?;
    let you = console.current.user.id.to_string();
    let found = page::page(
        rows,
        limit,
        |r| (r.created_at, r.id.clone()),
        |r| Ok(EventRow::of(r, &you)),
    )
    .map_err(respond::problem)?;
    page_of.rows = found.items;
    page_of.next_href = found
        .next_cursor
        .as_deref()
        .map(|c| page_of.query.href(Some(c)));
    respond::page(&page_of)
}

/// A refused filter in words: the field and what it must be.
fn invalid_text(p: &Problem) -> String {
    match p.errors.first() {
        Some(e) => format!("{}: {}", e.field, e.message),
        None => p.detail.clone(),
    }
}

/// `GET /admin/audit`
pub async fn get_list(
    console: Console,
    state: web::Data<AppState>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    list_page(&console, &state, query.into_inner(), None).await
}

/// The export link's query: a format and the list's filters.
#[derive(Debug, Deserialize)]
pub struct ExportForm {
    #[serde(default)]
    format: Option<String>,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /admin/audit/export`: the filtered log as a CSV or JSON Lines
/// download, through the admin API's export (same reach, recorded).
pub async fn get_export(
    console: Console,
    state: web::Data<AppState>,
    query: Query<ExportForm>,
) -> Result<HttpResponse, AppError> {
    let ExportForm { format, list } = query.into_inner();
    let query = crate::admin::api::audit_export::ExportQuery {
        format,
        filter: list.api(),
    };
    crate::admin::api::audit_export::stream(&state, &console.caller, query)
        .await
        .map_err(respond::problem)
}

/// The "verify chain" button's form.
#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    csrf_token: String,
}

crate::csrf_field!(VerifyForm);

/// `POST /admin/audit/verify`: walk the whole chain (superusers: the chain
/// spans every organization) and show the result above the log; the
/// check is recorded with its result (`audit.verified`).
pub async fn post_verify(
    console: Console,
    _form: Checked<VerifyForm>,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::read("audit"))
        .map_err(respond::problem)?;
    if !console.global() {
        return Err(AppError::Forbidden(
            "verifying the audit chain is for superusers".into(),
        ));
    }
    let report = state.db.run(audit::verify).await?;
    let outcome = if report.ok {
        Outcome::Success
    } else {
        Outcome::Failure
    };
    let event = Event::new(Action::AuditVerified, outcome).details(serde_json::json!({
        "rows_checked": report.rows_checked,
        "first_broken_seq": report.first_broken_seq,
    }));
    audit::record_alone(&state.db, caller.actor.clone(), event, state.now()).await?;
    if !report.ok {
        tracing::error!(
            request_id = %console.ctx.request_id,
            "audit chain verification failed: {:?}",
            report.reason
        );
    }
    let query = Query::<ListQuery>::from_query(req.query_string())
        .map(Query::into_inner)
        .unwrap_or_default();
    list_page(&console, &state, query, Some(report)).await
}

/// `POST /admin/audit/checkpoint`: a superuser downloads a signed
/// checkpoint of the chain head (`audit-checkpoint-{seq}.jwt`), to keep
/// outside the database and check with `ostiary audit verify --checkpoint`.
pub async fn post_checkpoint(
    console: Console,
    _form: Checked<VerifyForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let made = crate::admin::api::audit_checkpoint::make(&state, &console.caller)
        .await
        .map_err(respond::problem)?;
    Ok(HttpResponse::Ok()
        .content_type("application/jwt")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"audit-checkpoint-{}.jwt\"",
                made.audit_seq
            ),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .body(format!("{}\n", made.checkpoint)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_is_read_as_utc() {
        assert_eq!(
            as_rfc3339("2026-12-01T05:30").as_deref(),
            Some("2026-12-01T05:30:00+00:00")
        );
        assert_eq!(as_rfc3339("  "), None);
        assert_eq!(as_rfc3339("yesterday").as_deref(), Some("yesterday"));
    }

    #[test]
    fn links_keep_the_filters_and_drop_empty_ones() {
        let q = ListQuery {
            action: "login.failure".into(),
            ip: " 10.0.0.1 ".into(),
            ..ListQuery::default()
        };
        assert_eq!(
            q.href(Some("1.a")),
            "/admin/audit?action=login.failure&ip=10.0.0.1&cursor=1.a"
        );
        assert_eq!(ListQuery::default().href(None), "/admin/audit");
    }
}
