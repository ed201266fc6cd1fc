//! `GET /api/v1/audit-events/export` (S9): the audit log as CSV or JSON
//! Lines, with the list's filters and reach, streamed in creation order —
//! pages of [`BATCH`] rows are read on the blocking pool one after the
//! other and written as they come, so millions of rows never sit in
//! memory. The export itself is recorded (`audit.exported`) before the
//! first row leaves. The console's export links answer through [`stream`].

use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::{HttpResponse, web};
use bytes::Bytes;
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::admin::api::audit::{AuditQuery, view};
use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::audit::{self, Action, Event, Outcome};
use crate::state::AppState;
use crate::store::audit::{AuditFilter, AuditRow, filtered_page};

/// Rows read per database round trip.
const BATCH: i64 = 500;

/// The columns of the CSV export, in order.
const COLUMNS: [&str; 13] = [
    "id",
    "created_at",
    "action",
    "outcome",
    "actor_type",
    "actor_id",
    "target_type",
    "target_id",
    "organization_id",
    "ip",
    "request_id",
    "session_id",
    "details",
];

/// The export's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    JsonLines,
}

impl Format {
    /// `csv` or `jsonl`.
    pub fn parse(value: Option<&str>) -> Result<Self, Problem> {
        match value.unwrap_or("jsonl") {
            "csv" => Ok(Self::Csv),
            "jsonl" => Ok(Self::JsonLines),
            _ => Err(Problem::invalid("format", "must be csv or jsonl")),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::JsonLines => "jsonl",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::JsonLines => "application/jsonl; charset=utf-8",
        }
    }

    /// What precedes the first row.
    fn header(self) -> Option<Bytes> {
        match self {
            Self::Csv => Some(Bytes::from(format!("{}\r\n", COLUMNS.join(",")))),
            Self::JsonLines => None,
        }
    }

    /// One row, with its line ending.
    fn line(self, row: AuditRow) -> String {
        match self {
            Self::Csv => {
                let cells = [
                    row.id.as_str(),
                    &row.created_at.and_utc().to_rfc3339(),
                    &row.action,
                    &row.outcome,
                    &row.actor_type,
                    row.actor_id.as_deref().unwrap_or(""),
                    row.target_type.as_deref().unwrap_or(""),
                    row.target_id.as_deref().unwrap_or(""),
                    row.organization_id.as_deref().unwrap_or(""),
                    row.ip.as_deref().unwrap_or(""),
                    row.request_id.as_deref().unwrap_or(""),
                    row.session_id.as_deref().unwrap_or(""),
                    &row.details,
                ]
                .map(csv_cell);
                format!("{}\r\n", cells.join(","))
            }
            Self::JsonLines => {
                let organization_id = row.organization_id.clone();
                let session_id = row.session_id.clone();
                let mut value = serde_json::to_value(view(row)).unwrap_or_default();
                if let Some(map) = value.as_object_mut() {
                    map.insert("organization_id".into(), organization_id.into());
                    map.insert("session_id".into(), session_id.into());
                }
                format!("{value}\n")
            }
        }
    }
}

/// One CSV cell (RFC 4180 quoting). A value that a spreadsheet would read
/// as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is
/// prefixed with `'` (OWASP CSV injection): audit details hold text that
/// anyone who can fail a sign-in chooses.
pub fn csv_cell(value: &str) -> String {
    let neutral = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// The export's query: the list's filters and `format`.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ExportQuery {
    pub format: Option<String>,
    #[serde(flatten)]
    pub filter: AuditQuery,
}

/// Chunks sent by the producer task, read by actix as the body.
struct Chunks(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// Read every row of `filter` page after page and send it as `format`;
/// stops when the reader goes away.
async fn produce(
    state: AppState,
    filter: AuditFilter,
    format: Format,
    request_id: String,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
) {
    if let Some(header) = format.header()
        && tx.send(Ok(header)).await.is_err()
    {
        return;
    }
    let mut after = None;
    loop {
        let (f, a) = (filter.clone(), after.clone());
        let rows = match state
            .db
            .run(move |conn| filtered_page(conn, &f, a, BATCH))
            .await
        {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(request_id = %request_id, error = %e, "audit export failed");
                let _ = tx
                    .send(Err(std::io::Error::other("audit export failed")))
                    .await;
                return;
            }
        };
        let last = rows.len() < BATCH as usize;
        after = rows.last().map(|r| (r.created_at, r.id.clone()));
        let mut chunk = String::new();
        for row in rows {
            chunk.push_str(&format.line(row));
        }
        if !chunk.is_empty() && tx.send(Ok(Bytes::from(chunk))).await.is_err() {
            return;
        }
        if last {
            return;
        }
    }
}

/// The export of `query` for `caller` (needs `audit:read`), recorded
/// before it starts.
pub async fn stream(
    state: &AppState,
    caller: &Caller,
    query: ExportQuery,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("audit"))?;
    let format = Format::parse(query.format.as_deref())?;
    let mut filter_query = query.filter;
    filter_query.limit = None;
    filter_query.cursor = None;
    let asked = serde_json::json!({
        "format": format.name(),
        "q": filter_query.q,
        "actor": filter_query.actor,
        "action": filter_query.action,
        "target_type": filter_query.target_type,
        "target_id": filter_query.target_id,
        "outcome": filter_query.outcome,
        "organization_id": filter_query.organization_id,
        "ip": filter_query.ip,
        "request_id": filter_query.request_id,
        "session_id": filter_query.session_id,
        "since": filter_query.since,
        "until": filter_query.until,
    });
    let (filter, _) = filter_query.filter(caller, false)?;
    let details = match asked {
        serde_json::Value::Object(map) => {
            serde_json::Value::Object(map.into_iter().filter(|(_, v)| !v.is_null()).collect())
        }
        other => other,
    };
    let event = Event::new(Action::AuditExported, Outcome::Success).details(details);
    audit::record_alone(&state.db, caller.actor.clone(), event, state.now()).await?;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(produce(
        state.clone(),
        filter,
        format,
        crate::request_id::current(),
        tx,
    ));
    let stamp = state.now().format("%Y%m%dT%H%M%SZ");
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"audit-events-{stamp}.{}\"",
                format.name()
            ),
        ))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(Chunks(rx)))
}

/// `GET /api/v1/audit-events/export`
#[utoipa::path(
    get,
    path = "/api/v1/audit-events/export",
    tag = "audit",
    params(
        ("format" = Option<String>, Query, description = "csv or jsonl (default)", pattern = "^(csv|jsonl)$"),
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
        (status = 200, description = "Every matching event in creation order, streamed (CSV with a header row, or one JSON object per line)", content(
            (String = "text/csv"),
            (String = "application/jsonl"),
        )),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, Problem> {
    stream(&state, &caller, query.into_inner()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn formats_parse() {
        assert_eq!(Format::parse(None).ok(), Some(Format::JsonLines));
        assert_eq!(Format::parse(Some("csv")).ok(), Some(Format::Csv));
        assert!(Format::parse(Some("xml")).is_err());
    }
}
