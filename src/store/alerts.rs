//! Rows of `alert_rules` (one per kind, seeded on), `alert_firings` (one
//! per rule and triggering audit event), `alert_cursor` (the last audit
//! sequence number evaluated) and `api_key_ips` (the addresses each API
//! key was used from), S9.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    alert_cursor, alert_firings, alert_rules, api_key_ips, security_audit_logs, users,
};
use crate::error::AppError;

/// A rule as stored; `recipients` is a JSON array of addresses.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = alert_rules, treat_none_as_null = true)]
pub struct AlertRule {
    pub id: String,
    pub kind: String,
    pub enabled: bool,
    pub threshold: i32,
    pub window_minutes: i32,
    pub recipients: String,
    pub notify_webhook: bool,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<String>,
}

impl AlertRule {
    /// The addresses mails go to (empty: the superusers).
    pub fn recipient_list(&self) -> Vec<String> {
        serde_json::from_str(&self.recipients).unwrap_or_default()
    }
}

/// One firing of a rule.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = alert_firings)]
pub struct Firing {
    pub id: String,
    pub rule_id: String,
    pub subject: String,
    pub audit_event_id: String,
    pub event_at: NaiveDateTime,
    pub details: String,
    pub fired_at: NaiveDateTime,
}

/// Every rule, by id.
pub fn rules(conn: &mut DbConnection) -> Result<Vec<AlertRule>, AppError> {
    Ok(alert_rules::table
        .order(alert_rules::id.asc())
        .select(AlertRule::as_select())
        .load(conn)?)
}

pub fn find_rule(conn: &mut DbConnection, id: &str) -> Result<Option<AlertRule>, AppError> {
    Ok(alert_rules::table
        .filter(alert_rules::id.eq(id))
        .select(AlertRule::as_select())
        .first(conn)
        .optional()?)
}

/// Write every field of `row`.
pub fn save_rule(conn: &mut DbConnection, row: &AlertRule) -> Result<(), AppError> {
    diesel::update(alert_rules::table.filter(alert_rules::id.eq(&row.id)))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// The last audit sequence number evaluated.
pub fn cursor(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(alert_cursor::table
        .filter(alert_cursor::id.eq(1))
        .select(alert_cursor::last_seq)
        .first(conn)?)
}

/// Move the cursor from `old` to `new`; false when another instance moved
/// it first (nothing changed).
pub fn advance_cursor(conn: &mut DbConnection, old: i64, new: i64) -> Result<bool, AppError> {
    let n = diesel::update(
        alert_cursor::table
            .filter(alert_cursor::id.eq(1))
            .filter(alert_cursor::last_seq.eq(old)),
    )
    .set(alert_cursor::last_seq.eq(new))
    .execute(conn)?;
    Ok(n == 1)
}

/// Audit rows of `action` after the instant `after` and up to sequence
/// number `upto_seq`, from address `value` (`by_ip`) or about user
/// `value`: the count a threshold rule compares.
pub fn count_events(
    conn: &mut DbConnection,
    action: &str,
    by_ip: bool,
    value: &str,
    after: NaiveDateTime,
    upto_seq: i64,
) -> Result<i64, AppError> {
    let query = security_audit_logs::table
        .filter(security_audit_logs::action.eq(action))
        .filter(security_audit_logs::created_at.gt(after))
        .filter(security_audit_logs::seq.le(upto_seq))
        .into_boxed();
    let query = if by_ip {
        query.filter(security_audit_logs::ip.eq(value))
    } else {
        query
            .filter(security_audit_logs::target_type.eq("user"))
            .filter(security_audit_logs::target_id.eq(value))
    };
    Ok(query.count().get_result(conn)?)
}

/// Whether `rule_id` fired for `subject` on an event after `after` (the
/// cool-down of threshold rules).
pub fn fired_since(
    conn: &mut DbConnection,
    rule_id: &str,
    subject: &str,
    after: NaiveDateTime,
) -> Result<bool, AppError> {
    let n: i64 = alert_firings::table
        .filter(alert_firings::rule_id.eq(rule_id))
        .filter(alert_firings::subject.eq(subject))
        .filter(alert_firings::event_at.gt(after))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Insert `row` unless the rule fired for that event already; whether it
/// was inserted.
pub fn insert_firing(conn: &mut DbConnection, row: &Firing) -> Result<bool, AppError> {
    let exists: i64 = alert_firings::table
        .filter(alert_firings::rule_id.eq(&row.rule_id))
        .filter(alert_firings::audit_event_id.eq(&row.audit_event_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(false);
    }
    diesel::insert_into(alert_firings::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// The newest firings (time fired, then id, descending): those before
/// `before`, at most `limit`.
pub fn recent_firings(
    conn: &mut DbConnection,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Firing>, AppError> {
    let mut query = alert_firings::table
        .order((alert_firings::fired_at.desc(), alert_firings::id.desc()))
        .limit(limit)
        .select(Firing::as_select())
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            alert_firings::fired_at
                .le(at)
                .and(alert_firings::fired_at.lt(at).or(alert_firings::id.lt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Verified addresses of live, unlocked superusers (the default
/// recipients).
pub fn superuser_addresses(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    Ok(users::table
        .filter(users::deleted_at.is_null())
        .filter(users::superuser.eq(true))
        .filter(users::locked.eq(false))
        .filter(users::email_verified.eq(true))
        .order(users::email.asc())
        .select(users::email)
        .load(conn)?)
}

/// Remember that `key_id` was used from `ip`: `None` when known already,
/// else `Some(first)` — whether it is the key's first address at all.
pub fn note_key_ip(
    conn: &mut DbConnection,
    key_id: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<Option<bool>, AppError> {
    let known: i64 = api_key_ips::table
        .filter(api_key_ips::key_id.eq(key_id))
        .filter(api_key_ips::ip.eq(ip))
        .count()
        .get_result(conn)?;
    if known > 0 {
        return Ok(None);
    }
    let seen: i64 = api_key_ips::table
        .filter(api_key_ips::key_id.eq(key_id))
        .count()
        .get_result(conn)?;
    diesel::insert_into(api_key_ips::table)
        .values((
            api_key_ips::key_id.eq(key_id),
            api_key_ips::ip.eq(ip),
            api_key_ips::first_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Some(seen == 0))
}
