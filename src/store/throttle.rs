//! Failed-login counters in the database, so every instance sees the same
//! numbers. Read-modify-write of a counter is serialized by a lock on its
//! key ([`lock`], taken by [`get`] and [`get_many`]), held to the end of the
//! caller's write transaction: on PostgreSQL a transaction-scoped advisory
//! lock, so transactions on one counter (every sign-in behind one address
//! shares `ip:<address>`) queue instead of aborting each other as not
//! serializable; SQLite's write transaction runs alone anyway.

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

/// Lock the counters `keys` until the caller's transaction ends (see the
/// module docs). Every lock is taken in one global order, so two
/// transactions that lock several counters cannot deadlock; a transaction
/// that touches more than one counter locks them all here first.
pub fn lock(conn: &mut DbConnection, keys: &[&str]) -> Result<(), AppError> {
    use diesel::sql_types::BigInt;
    let DbConnection::Pg(pg) = conn else {
        return Ok(());
    };
    let mut ids: Vec<i64> = keys.iter().map(|key| lock_id(key)).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(());
    }
    // One statement; PostgreSQL evaluates the select list left to right.
    let calls = (1..=ids.len())
        .map(|i| format!("pg_advisory_xact_lock(${i})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut query = diesel::sql_query(format!("SELECT {calls}")).into_boxed();
    for id in ids {
        query = query.bind::<BigInt, _>(id);
    }
    query.execute(pg)?;
    Ok(())
}

/// The advisory-lock number of a counter key: 64 bits of its SHA-256 under
/// a prefix of ours (a collision only makes two counters wait for each
/// other).
fn lock_id(key: &str) -> i64 {
    use sha2::{Digest, Sha256};
    Sha256::digest(format!("ostiary/login_throttles/{key}").as_bytes())
        .iter()
        .take(8)
        .fold(0i64, |id, byte| (id << 8) | i64::from(*byte))
}

/// A counter, locked for the caller's transaction ([`lock`]).
pub fn get(conn: &mut DbConnection, key: &str) -> Result<Option<Throttle>, AppError> {
    lock(conn, &[key])?;
    Ok(login_throttles::table
        .filter(login_throttles::key.eq(key))
        .select(Throttle::as_select())
        .first(conn)
        .optional()?)
}

/// Several counters, locked together ([`lock`]), in the order of `keys`.
pub fn get_many(conn: &mut DbConnection, keys: &[&str]) -> Result<Vec<Option<Throttle>>, AppError> {
    lock(conn, keys)?;
    let rows: Vec<Throttle> = login_throttles::table
        .filter(login_throttles::key.eq_any(keys))
        .select(Throttle::as_select())
        .load(conn)?;
    Ok(keys
        .iter()
        .map(|key| rows.iter().find(|r| r.key == *key).cloned())
        .collect())
}

/// Insert or replace a counter read with [`get`] or [`get_many`] in the
/// same transaction (which locked it).
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

/// Forget a counter (locking it first, [`lock`]).
pub fn clear(conn: &mut DbConnection, key: &str) -> Result<(), AppError> {
    lock(conn, &[key])?;
    diesel::delete(login_throttles::table.filter(login_throttles::key.eq(key))).execute(conn)?;
    Ok(())
}

/// A successful attempt settling its reservation: forget the counters
/// `forget` and take one failure off `give_back`, all locked together
/// first ([`lock`]). Three statements however many counters.
pub fn settle(conn: &mut DbConnection, forget: &[&str], give_back: &str) -> Result<(), AppError> {
    let mut keys = forget.to_vec();
    keys.push(give_back);
    lock(conn, &keys)?;
    diesel::delete(login_throttles::table.filter(login_throttles::key.eq_any(forget)))
        .execute(conn)?;
    diesel::update(
        login_throttles::table
            .filter(login_throttles::key.eq(give_back))
            .filter(login_throttles::failures.gt(0)),
    )
    .set(login_throttles::failures.eq(login_throttles::failures - 1))
    .execute(conn)?;
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
    let keys: Vec<String> = login_throttles::table
        .filter(on_account(email, user_id))
        .select(login_throttles::key)
        .load(conn)?;
    lock(conn, &keys.iter().map(String::as_str).collect::<Vec<_>>())?;
    Ok(diesel::delete(login_throttles::table.filter(on_account(email, user_id))).execute(conn)?)
}
