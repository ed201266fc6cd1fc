//! Failed-login counters in the database, so every instance sees the same
//! numbers. Callers hold the write transaction of [`super::write_tx`], which
//! serializes read-modify-write of a counter.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::login_throttles;
use crate::error::AppError;

/// A counter row, keyed like `account:<email>` or `ip:<address>`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = login_throttles)]
#[diesel(treat_none_as_null = true)]
pub struct Throttle {
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

/// Counter key for an account (normalized email).
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

/// Counter key for a user's second factor (separate from the password's,
/// and not reset by starting the login again: SR-92).
pub fn second_factor_key(user_id: &str) -> String {
    format!("mfa:{user_id}")
}

/// Counter key for one source's attempts on one account.
pub fn account_source_key(email: &str, ip: &str) -> String {
    format!("account:{email}|ip:{ip}")
}

/// Counter key for a client address.
pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<Throttle>, AppError> {
    Ok(login_throttles::table
        .filter(login_throttles::key.eq(key))
        .select(Throttle::as_select())
        .first(conn)
        .optional()?)
}

/// Insert or replace (inside the serializing write transaction).
pub fn put(conn: &mut DbConnection, row: &Throttle) -> Result<(), AppError> {
    let updated = diesel::update(login_throttles::table.filter(login_throttles::key.eq(&row.key)))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttles::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), AppError> {
    diesel::delete(login_throttles::table.filter(login_throttles::key.eq(key))).execute(conn)?;
    Ok(())
}

/// The counters on one account: the account's own, each source's on it,
/// and its second factor's.
fn on_account(
    email: &str,
    user_id: &str,
) -> Box<
    dyn BoxableExpression<
            login_throttles::table,
            crate::db::MultiBackend,
            SqlType = diesel::sql_types::Bool,
        >,
> {
    let account = account_key(email);
    let per_source = format!("{}|ip:%", crate::store::escape_like(&account));
    Box::new(
        login_throttles::key
            .eq(account)
            .or(login_throttles::key.like(per_source).escape('\\'))
            .or(login_throttles::key.eq(second_factor_key(user_id))),
    )
}

/// Every counter on one account (what [`clear_account`] forgets), for the
/// console's "locked out?" answer.
pub fn of_account(
    conn: &mut DbConnection,
    email: &str,
    user_id: &str,
) -> Result<Vec<Throttle>, AppError> {
    Ok(login_throttles::table
        .filter(on_account(email, user_id))
        .select(Throttle::as_select())
        .limit(100)
        .load(conn)?)
}

/// Forget every counter on one account: the account's own, each source's
/// on it, and its second factor's (an administrator's unlock). Returns how
/// many there were.
pub fn clear_account(
    conn: &mut DbConnection,
    email: &str,
    user_id: &str,
) -> Result<usize, AppError> {
    Ok(diesel::delete(login_throttles::table.filter(on_account(email, user_id))).execute(conn)?)
}
