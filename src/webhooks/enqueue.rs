//! Audit events → deliveries: read the audit rows after the stored cursor,
//! add one delivery per (event, matching enabled subscription) and move the
//! cursor, all in one transaction; the cursor moves only from the value
//! read, so two instances never enqueue the same rows twice (the unique
//! (subscription, event) pair is the backstop). Nothing is audited here.

use chrono::{DateTime, Utc};

use crate::db::DbConnection;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::audit::{self, AuditRow};
use crate::store::webhooks::{self as rows, Delivery, PENDING, Webhook};
use crate::store::{naive, write_tx};
use crate::webhooks::{sign, spec};

/// Audit rows read per transaction.
const BATCH: i64 = 500;

/// Whether subscription `w` receives event `row`: enabled, created before
/// it, of the event's organization (a global subscription sees all), and
/// one of its patterns covers the action.
pub fn wants(w: &Webhook, row: &AuditRow) -> bool {
    w.enabled
        && row.seq > w.after_seq
        && (w.organization_id.is_none() || w.organization_id == row.organization_id)
        && spec::matches(&w.patterns(), &row.action)
        && !muted_alert(row)
}

/// An `alert.fired` event of a rule whose `notify_webhook` is off
/// (docs/alerts.md): audited, but sent to no webhook.
fn muted_alert(row: &AuditRow) -> bool {
    row.action == "alert.fired"
        && serde_json::from_str::<serde_json::Value>(&row.details)
            .is_ok_and(|d| d["notify_webhook"] == serde_json::Value::Bool(false))
}

/// The JSON body sent for `row`.
pub fn payload(row: &AuditRow) -> String {
    let body = serde_json::json!({
        "type": row.action,
        "timestamp": row.created_at.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "data": crate::audit::view::view(row.clone()),
    });
    body.to_string()
}

/// One batch in one transaction: (audit rows consumed, deliveries added).
fn batch(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(usize, usize), AppError> {
    write_tx(conn, |conn| {
        let old = rows::cursor(conn)?;
        let events = audit::sealed_page(conn, old, BATCH)?;
        let Some(last) = events.last().map(|r| r.seq) else {
            return Ok((0, 0));
        };
        if !rows::advance_cursor(conn, old, last)? {
            return Ok((0, 0));
        }
        let subscriptions = rows::enabled(conn)?;
        let mut added = 0;
        for row in &events {
            for w in subscriptions.iter().filter(|w| wants(w, row)) {
                let delivery = Delivery {
                    id: sign::message_id(&row.id, &w.id),
                    subscription_id: w.id.clone(),
                    audit_event_id: row.id.clone(),
                    event_type: row.action.clone(),
                    payload: payload(row),
                    status: PENDING.into(),
                    attempts: 0,
                    next_attempt_at: naive(now),
                    locked_until: None,
                    last_status: None,
                    last_error: None,
                    created_at: naive(now),
                    delivered_at: None,
                };
                if rows::insert_delivery(conn, &delivery)? {
                    added += 1;
                }
            }
        }
        Ok((events.len(), added))
    })
}

/// Turn every audit event after the cursor into deliveries; how many
/// deliveries were added.
pub async fn run_once(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    state
        .db
        .run(move |conn| {
            // Only sealed rows are read (a gap-free prefix): seal what
            // has committed first.
            crate::audit::seal::seal_now(conn, now)?;
            // Nothing new (the usual case): no transaction, no lock.
            if rows::cursor(conn)? >= audit::head(conn)?.0 {
                return Ok(0);
            }
            let mut added = 0;
            loop {
                let (read, n) = batch(conn, now)?;
                added += n;
                if read < BATCH as usize {
                    return Ok(added);
                }
            }
        })
        .await
}
