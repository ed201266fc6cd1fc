//! `GET /admin/audit/{id}` (S9): one audit event in full — who, what, on
//! which object, from where, its details — and the events around it: the
//! same request and the same sign-in session. Read through the admin API's
//! [`crate::admin::api::audit::event`]: another organization's event is not
//! found (404).

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::admin::api::audit::event;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::audit::{self, AuditFilter, AuditRow};

/// How many related events each list shows.
const RELATED: i64 = 20;

/// One event in a list.
pub struct EventRow {
    pub id: String,
    pub when: String,
    pub action: String,
    pub success: bool,
    pub actor_type: String,
    pub actor_id: String,
    /// The actor is a user (its page can be linked).
    pub actor_user: bool,
    /// The actor is the signed-in administrator.
    pub actor_you: bool,
    pub target_type: String,
    pub target_id: String,
    pub ip: String,
}

/// Whether `id` can be a user's console page (`users::user_path`'s rule).
fn user_link(id: &str) -> bool {
    crate::admin::console::users::user_path(id).is_ok()
}

impl EventRow {
    /// The row of `row`, as seen by the administrator `you`.
    pub fn of(row: AuditRow, you: &str) -> Self {
        let actor_id = row.actor_id.unwrap_or_default();
        Self {
            when: crate::admin::console::users::when(row.created_at),
            success: row.outcome == "success",
            actor_user: row.actor_type == "user" && user_link(&actor_id),
            actor_you: actor_id == you,
            actor_type: row.actor_type,
            actor_id,
            target_type: row.target_type.unwrap_or_default(),
            target_id: row.target_id.unwrap_or_default(),
            ip: row.ip.unwrap_or_default(),
            action: row.action,
            id: row.id,
        }
    }

    /// Whether the target is a user (its page can be linked).
    pub fn target_user(&self) -> bool {
        self.target_type == "user" && user_link(&self.target_id)
    }
}

#[derive(Template)]
#[template(path = "admin/audit/event.html")]
pub struct EventPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub row: EventRow,
    pub seq: i64,
    pub organization_id: String,
    pub request_id: String,
    pub session_id: String,
    pub user_agent: String,
    /// The details, indented.
    pub details: String,
    pub hash: String,
    pub same_request: Vec<EventRow>,
    pub same_session: Vec<EventRow>,
    /// Links to the whole log of this request and of this session.
    pub request_href: String,
    pub session_href: String,
}

/// Events other than `id` matching `filter`, newest first.
fn around(
    conn: &mut crate::db::DbConnection,
    filter: AuditFilter,
    id: &str,
) -> Result<Vec<AuditRow>, AppError> {
    let mut rows = audit::filtered_page(conn, &filter, None, RELATED + 1)?;
    rows.retain(|r| r.id != id);
    rows.truncate(RELATED as usize);
    Ok(rows)
}

fn href(name: &str, value: &str) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair(name, value)
        .finish();
    format!("/admin/audit?{query}")
}

/// `GET /admin/audit/{id}`
pub async fn get_event(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    let row = event(&state, caller, path.into_inner())
        .await
        .map_err(respond::problem)?;
    let organizations: Option<Vec<String>> = caller
        .reach
        .organization_ids()
        .map(|ids| ids.iter().map(ToString::to_string).collect());
    let scope = AuditFilter {
        organizations,
        newest_first: true,
        ..AuditFilter::default()
    };
    let seq = row.seq;
    let (id, request_id, session_id) = (
        row.id.clone(),
        row.request_id.clone(),
        row.session_id.clone(),
    );
    let ((same_request, same_session), seal) = state
        .db
        .run(move |conn| {
            let mut related = |field: Option<String>, by_session: bool| match field {
                None => Ok(Vec::new()),
                Some(value) => {
                    let mut filter = scope.clone();
                    if by_session {
                        filter.session_id = Some(value);
                    } else {
                        filter.request_id = Some(value);
                    }
                    around(conn, filter, &id)
                }
            };
            let related = (related(request_id, false)?, related(session_id, true)?);
            Ok((related, crate::store::audit::seal_of(conn, seq)?))
        })
        .await?;
    let you = console.current.user.id.to_string();
    let details = serde_json::from_str::<serde_json::Value>(&row.details)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_else(|_| row.details.clone());
    let request_id = row.request_id.clone().unwrap_or_default();
    let session_id = row.session_id.clone().unwrap_or_default();
    respond::page(&EventPage {
        t: console.chrome.t,
        chrome: console.chrome("audit"),
        seq: row.seq,
        organization_id: row.organization_id.clone().unwrap_or_default(),
        request_href: href("request_id", &request_id),
        session_href: href("session_id", &session_id),
        request_id,
        session_id,
        user_agent: row.user_agent.clone().unwrap_or_default(),
        details,
        hash: seal.map_or_else(
            || console.chrome.t.get("admin.audit.not_sealed").0.to_owned(),
            |s| s.hash,
        ),
        same_request: same_request
            .into_iter()
            .map(|r| EventRow::of(r, &you))
            .collect(),
        same_session: same_session
            .into_iter()
            .map(|r| EventRow::of(r, &you))
            .collect(),
        row: EventRow::of(row, &you),
    })
}
