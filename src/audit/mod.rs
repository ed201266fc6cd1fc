//! The security audit log (S9): a closed set of event kinds, the actor passed
//! explicitly into every change, a recorder that appends in the caller's
//! transaction, the sealer that links rows into the hash chain, and
//! verification of the chain.

mod chain;
pub mod checkpoint;
mod event;
pub mod seal;
pub mod view;

pub use chain::{GENESIS, VerifyReport, gap_hash, row_hash, verify};
pub use event::{Action, Actor, ActorKind, Event, Outcome, VendorClaim};

use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::audit::{self as rows, NewAuditRow};

/// Append `event` by `actor` at `now`. Call inside [`crate::store::write_tx`]
/// so the record commits or rolls back with the change it describes. The
/// database numbers it; [`seal`] links it into the chain afterwards.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    event: Event,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let row = NewAuditRow {
        id: uuid::Uuid::now_v7().to_string(),
        created_at: crate::store::naive(crate::clock::micros(now)),
        request_id: actor.request_id.clone(),
        actor_type: actor.kind.as_str().to_owned(),
        actor_id: actor.id.clone(),
        session_id: actor.session_id.clone(),
        organization_id: event.organization_id,
        action: event.action.as_str().to_owned(),
        target_type: event.target.as_ref().map(|(t, _)| (*t).to_owned()),
        target_id: event.target.map(|(_, id)| id),
        outcome: event.outcome.as_str().to_owned(),
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
        details: with_vendor(event.details, actor).to_string(),
    };
    rows::append(conn, &row)?;
    metrics::counter!("ostiary_audit_events_total", "action" => event.action.as_str()).increment(1);
    Ok(())
}

/// The details, plus the vendor key's claim when the actor has one.
fn with_vendor(details: serde_json::Value, actor: &Actor) -> serde_json::Value {
    let Some(vendor) = &actor.vendor else {
        return details;
    };
    let claim = serde_json::json!({
        "actor_user_id": vendor.actor_user_id,
        "ticket_reference": vendor.ticket_reference,
    });
    match details {
        serde_json::Value::Object(mut map) => {
            map.insert("vendor".into(), claim);
            serde_json::Value::Object(map)
        }
        serde_json::Value::Null => serde_json::json!({ "vendor": claim }),
        other => serde_json::json!({ "details": other, "vendor": claim }),
    }
}

/// Append `event` in a transaction of its own, on the blocking pool: for
/// events that describe no other change (a refused attempt, a switch).
pub async fn record_alone(
    db: &crate::db::Db,
    actor: Actor,
    event: Event,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    db.run(move |conn| {
        crate::store::write_tx(conn, |conn| record(conn, &actor, event.clone(), now))
    })
    .await
}
