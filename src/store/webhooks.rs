//! Rows of `webhooks` (subscriptions), `webhook_deliveries` (one per event
//! and subscription, with its retry state and lease) and `webhook_cursor`
//! (the last audit sequence number turned into deliveries), S9.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{webhook_cursor, webhook_deliveries, webhooks};
use crate::error::AppError;

/// A subscription as stored; `events` is a JSON array of patterns and
/// `secret_sealed` the envelope-sealed signing secret (SR-54).
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhooks, treat_none_as_null = true)]
pub struct Webhook {
    pub id: String,
    pub organization_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: String,
    pub secret_sealed: String,
    pub secret_hint: String,
    pub enabled: bool,
    pub after_seq: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Webhook {
    /// The event patterns.
    pub fn patterns(&self) -> Vec<String> {
        serde_json::from_str(&self.events).unwrap_or_default()
    }
}

/// A delivery: `pending`, `delivered` or `dead`.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_deliveries)]
pub struct Delivery {
    /// Also the `webhook-id` header: stable across retries.
    pub id: String,
    pub subscription_id: String,
    pub audit_event_id: String,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub delivered_at: Option<NaiveDateTime>,
}

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const DEAD: &str = "dead";

pub fn insert(conn: &mut DbConnection, row: &Webhook) -> Result<(), AppError> {
    diesel::insert_into(webhooks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The subscription `id` if `organizations` (`None`: all) reach it; a
/// global subscription only a global caller reaches.
pub fn find(
    conn: &mut DbConnection,
    organizations: Option<&[String]>,
    id: &str,
) -> Result<Option<Webhook>, AppError> {
    let found = webhooks::table
        .filter(webhooks::id.eq(id))
        .select(Webhook::as_select())
        .first(conn)
        .optional()?;
    Ok(found.filter(|w| within(organizations, w)))
}

fn within(organizations: Option<&[String]>, w: &Webhook) -> bool {
    match (organizations, &w.organization_id) {
        (None, _) => true,
        (Some(list), Some(org)) => list.contains(org),
        (Some(_), None) => false,
    }
}

/// Subscriptions in reach, oldest first (creation time, then id): those
/// after `after`, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    organizations: Option<&[String]>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Webhook>, AppError> {
    let mut query = webhooks::table
        .select(Webhook::as_select())
        .order((webhooks::created_at.asc(), webhooks::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(list) = organizations {
        query = query.filter(webhooks::organization_id.eq_any(list.to_vec()));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            webhooks::created_at
                .ge(at)
                .and(webhooks::created_at.gt(at).or(webhooks::id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Every enabled subscription (the enqueuer matches events against them).
pub fn enabled(conn: &mut DbConnection) -> Result<Vec<Webhook>, AppError> {
    Ok(webhooks::table
        .filter(webhooks::enabled.eq(true))
        .select(Webhook::as_select())
        .load(conn)?)
}

/// Write every field of `row`.
pub fn save(conn: &mut DbConnection, row: &Webhook) -> Result<(), AppError> {
    diesel::update(webhooks::table.filter(webhooks::id.eq(&row.id)))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// Remove a subscription and its deliveries.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    diesel::delete(webhook_deliveries::table.filter(webhook_deliveries::subscription_id.eq(id)))
        .execute(conn)?;
    diesel::delete(webhooks::table.filter(webhooks::id.eq(id))).execute(conn)?;
    Ok(())
}

/// The last audit sequence number already turned into deliveries.
pub fn cursor(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(webhook_cursor::table
        .filter(webhook_cursor::id.eq(1))
        .select(webhook_cursor::last_seq)
        .first(conn)?)
}

/// Move the cursor from `old` to `new`; false when another instance moved
/// it first (nothing changed).
pub fn advance_cursor(conn: &mut DbConnection, old: i64, new: i64) -> Result<bool, AppError> {
    let n = diesel::update(
        webhook_cursor::table
            .filter(webhook_cursor::id.eq(1))
            .filter(webhook_cursor::last_seq.eq(old)),
    )
    .set(webhook_cursor::last_seq.eq(new))
    .execute(conn)?;
    Ok(n == 1)
}

/// Insert `row` unless a delivery of the same event to the same
/// subscription exists; whether it was inserted.
pub fn insert_delivery(conn: &mut DbConnection, row: &Delivery) -> Result<bool, AppError> {
    let exists: i64 = webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(&row.subscription_id))
        .filter(webhook_deliveries::audit_event_id.eq(&row.audit_event_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(webhook_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// Pending deliveries of enabled subscriptions due at `now` and not
/// leased, oldest first.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    let live = webhooks::table
        .filter(webhooks::enabled.eq(true))
        .select(webhooks::id);
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(PENDING))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(
            webhook_deliveries::locked_until
                .is_null()
                .or(webhook_deliveries::locked_until.lt(now)),
        )
        .filter(webhook_deliveries::subscription_id.eq_any(live))
        .order((
            webhook_deliveries::next_attempt_at.asc(),
            webhook_deliveries::id.asc(),
        ))
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)?)
}

/// Claim a delivery until `until`; false when another sender holds it or
/// it is no longer pending.
pub fn lease(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::status.eq(PENDING))
            .filter(
                webhook_deliveries::locked_until
                    .is_null()
                    .or(webhook_deliveries::locked_until.lt(now)),
            ),
    )
    .set(webhook_deliveries::locked_until.eq(Some(until)))
    .execute(conn)?;
    Ok(n == 1)
}

/// The outcome of one attempt.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub status: &'static str,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
}

/// Record an attempt and release the lease.
pub fn record_attempt(conn: &mut DbConnection, id: &str, a: &Attempt) -> Result<(), AppError> {
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq(id)))
        .set((
            webhook_deliveries::status.eq(a.status),
            webhook_deliveries::attempts.eq(a.attempts),
            webhook_deliveries::next_attempt_at.eq(a.next_attempt_at),
            webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
            webhook_deliveries::last_status.eq(a.last_status),
            webhook_deliveries::last_error.eq(&a.last_error),
            webhook_deliveries::delivered_at.eq(a.delivered_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// The newest deliveries of one subscription (creation time, then id,
/// descending): those before `before`, at most `limit`.
pub fn of_subscription(
    conn: &mut DbConnection,
    subscription_id: &str,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    newest(conn, Which::Subscription(subscription_id), before, limit)
}

/// The newest deliveries in `status` (the dead-letter queue), as
/// [`of_subscription`].
pub fn with_status(
    conn: &mut DbConnection,
    status: &str,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    newest(conn, Which::Status(status), before, limit)
}

/// Whose deliveries [`newest`] reads.
enum Which<'a> {
    Subscription(&'a str),
    Status(&'a str),
}

fn newest(
    conn: &mut DbConnection,
    which: Which<'_>,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Delivery>, AppError> {
    let mut query = webhook_deliveries::table
        .order((
            webhook_deliveries::created_at.desc(),
            webhook_deliveries::id.desc(),
        ))
        .limit(limit)
        .select(Delivery::as_select())
        .into_boxed();
    query = match which {
        Which::Subscription(id) => query.filter(webhook_deliveries::subscription_id.eq(id)),
        Which::Status(status) => query.filter(webhook_deliveries::status.eq(status)),
    };
    if let Some((at, id)) = before {
        query = query.filter(
            webhook_deliveries::created_at.le(at).and(
                webhook_deliveries::created_at
                    .lt(at)
                    .or(webhook_deliveries::id.lt(id)),
            ),
        );
    }
    Ok(query.load(conn)?)
}

pub fn find_delivery(conn: &mut DbConnection, id: &str) -> Result<Option<Delivery>, AppError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::id.eq(id))
        .select(Delivery::as_select())
        .first(conn)
        .optional()?)
}

/// Put a dead delivery back in line: pending, no attempts, due `now`;
/// false when it is not dead.
pub fn replay(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq(id))
            .filter(webhook_deliveries::status.eq(DEAD)),
    )
    .set((
        webhook_deliveries::status.eq(PENDING),
        webhook_deliveries::attempts.eq(0),
        webhook_deliveries::next_attempt_at.eq(now),
        webhook_deliveries::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
