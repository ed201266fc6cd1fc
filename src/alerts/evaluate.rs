//! Audit events → firings, as the webhook enqueuer does: read the audit
//! rows after the stored cursor, match them against the enabled rules,
//! record each firing (and its `alert.fired` audit event) and move the
//! cursor, all in one transaction. The cursor moves only from the value
//! read, so two instances never evaluate the same rows twice; the unique
//! (rule, event) pair of a firing is the backstop.
//!
//! A threshold rule counts, at each matching event, the audit rows of the
//! same subject in the window that ends at that event; it fires when the
//! count reaches the threshold and it has not fired for that subject
//! within the window (the cool-down is the window: one burst, one alert).
//! Other rules fire on each matching event. `alert.fired` events match no
//! rule, so the evaluator never feeds on itself.

use chrono::{DateTime, Duration, Utc};

use crate::alerts::kinds::{Kind, LOGIN_FAILURE};
use crate::alerts::notify::{self, Fired};
use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::alerts::{self as rows, AlertRule, Firing};
use crate::store::audit::{self as audit_rows, AuditRow};
use crate::store::{naive, write_tx};

/// Audit rows read per transaction.
const BATCH: i64 = 500;

/// Whether `rule` fires on `row`: the firing to record, if so.
fn decide(
    conn: &mut DbConnection,
    kind: Kind,
    rule: &AlertRule,
    row: &AuditRow,
    now: DateTime<Utc>,
) -> Result<Option<(Firing, Option<i64>)>, AppError> {
    let Some(subject) = kind.subject(row) else {
        return Ok(None);
    };
    let count = if kind.counts() {
        let since = row.created_at - Duration::minutes(i64::from(rule.window_minutes));
        let by_ip = kind == Kind::FailedSigninsIp;
        let n = rows::count_events(conn, LOGIN_FAILURE, by_ip, &subject, since, row.seq)?;
        if n < i64::from(rule.threshold) || rows::fired_since(conn, &rule.id, &subject, since)? {
            return Ok(None);
        }
        Some(n)
    } else {
        None
    };
    let details = serde_json::json!({
        "kind": kind.as_str(),
        "event_action": row.action,
        "count": count,
        "threshold": kind.counts().then_some(rule.threshold),
        "window_minutes": kind.counts().then_some(rule.window_minutes),
        "ip": row.ip,
        "organization_id": row.organization_id,
    });
    Ok(Some((
        Firing {
            id: uuid::Uuid::now_v7().to_string(),
            rule_id: rule.id.clone(),
            subject,
            audit_event_id: row.id.clone(),
            event_at: row.created_at,
            details: details.to_string(),
            fired_at: naive(now),
        },
        count,
    )))
}

/// Record `firing` and its audit event; whether it was new.
fn fire(
    conn: &mut DbConnection,
    rule: &AlertRule,
    firing: &Firing,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !rows::insert_firing(conn, firing)? {
        return Ok(false);
    }
    let mut details: serde_json::Value = serde_json::from_str(&firing.details).unwrap_or_default();
    if let serde_json::Value::Object(map) = &mut details {
        map.insert("rule_id".into(), rule.id.clone().into());
        map.insert("firing_id".into(), firing.id.clone().into());
        map.insert("subject".into(), firing.subject.clone().into());
        map.insert(
            "audit_event_id".into(),
            firing.audit_event_id.clone().into(),
        );
        map.insert("notify_webhook".into(), rule.notify_webhook.into());
    }
    let event = Event::new(Action::AlertFired, Outcome::Success)
        .target("alert_rule", rule.id.as_str())
        .details(details);
    audit::record(conn, &Actor::system("alerts"), event, now)?;
    metrics::counter!("ostiary_alerts_fired_total", "rule" => rule.id.clone()).increment(1);
    Ok(true)
}

/// One batch in one transaction: (audit rows consumed, firings made).
fn batch(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(usize, Vec<Fired>), AppError> {
    write_tx(conn, |conn| {
        let old = rows::cursor(conn)?;
        let events = audit_rows::sealed_page(conn, old, BATCH)?;
        let Some(last) = events.last().map(|r| r.seq) else {
            return Ok((0, Vec::new()));
        };
        if !rows::advance_cursor(conn, old, last)? {
            return Ok((0, Vec::new()));
        }
        let rules: Vec<(Kind, AlertRule)> = rows::rules(conn)?
            .into_iter()
            .filter(|r| r.enabled)
            .filter_map(|r| Kind::parse(&r.kind).map(|k| (k, r)))
            .collect();
        let mut fired = Vec::new();
        for row in &events {
            if row.action == Action::AlertFired.as_str() {
                continue;
            }
            for (kind, rule) in &rules {
                let Some((firing, count)) = decide(conn, *kind, rule, row, now)? else {
                    continue;
                };
                if fire(conn, rule, &firing, now)? {
                    fired.push(Fired {
                        kind: *kind,
                        rule: rule.clone(),
                        firing,
                        count,
                    });
                }
            }
        }
        Ok((events.len(), fired))
    })
}

/// Evaluate every audit event after the cursor, then mail the firings;
/// how many firings were made.
pub async fn run_once(state: &AppState) -> Result<usize, AppError> {
    let now = state.now();
    let fired = state
        .db
        .run(move |conn| {
            // Only sealed rows are read (a gap-free prefix): seal what
            // has committed first.
            crate::audit::seal::seal_now(conn, now)?;
            // Nothing new (the usual case): no transaction, no lock.
            if rows::cursor(conn)? >= audit_rows::head(conn)?.0 {
                return Ok(Vec::new());
            }
            let mut fired = Vec::new();
            loop {
                let (read, made) = batch(conn, now)?;
                fired.extend(made);
                if read < BATCH as usize {
                    return Ok(fired);
                }
            }
        })
        .await?;
    notify::mail(state, &fired).await?;
    Ok(fired.len())
}

/// Run passes every `alerts.worker_period_ms` (0: not at all).
pub async fn run(state: AppState) {
    let period = state.config.alerts.worker_period_ms;
    if period == 0 {
        return;
    }
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(period)).await;
        if let Err(e) = run_once(&state).await {
            tracing::warn!(error = %e, "alert evaluation failed");
        }
    }
}
