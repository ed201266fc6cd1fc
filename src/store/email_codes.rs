//! "Sign in with email" codes: keyed hash of the code, hash of the browser
//! binding cookie, attempt counter, expiry, single use.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::email_codes;
use crate::domain::UserId;
use crate::error::AppError;

/// A code row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_codes)]
pub struct EmailCode {
    pub id: String,
    pub email: String,
    pub user_id: Option<UserId>,
    pub code_hash: String,
    pub binding_hash: String,
    pub ip: String,
    pub attempts: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &EmailCode) -> Result<(), AppError> {
    diesel::insert_into(email_codes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Codes requested for `email` since `since`.
pub fn count_for_email(
    conn: &mut DbConnection,
    email: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(email_codes::table
        .filter(email_codes::email.eq(email))
        .filter(email_codes::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Codes requested from `ip` since `since`.
pub fn count_for_ip(
    conn: &mut DbConnection,
    ip: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(email_codes::table
        .filter(email_codes::ip.eq(ip))
        .filter(email_codes::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// The newest code bound to this browser.
pub fn latest_for_binding(
    conn: &mut DbConnection,
    binding_hash: &str,
) -> Result<Option<EmailCode>, AppError> {
    Ok(email_codes::table
        .filter(email_codes::binding_hash.eq(binding_hash))
        .order(email_codes::created_at.desc())
        .select(EmailCode::as_select())
        .first(conn)
        .optional()?)
}

/// One more wrong attempt.
pub fn add_attempt(conn: &mut DbConnection, id: &str) -> Result<(), AppError> {
    diesel::update(email_codes::table.filter(email_codes::id.eq(id)))
        .set(email_codes::attempts.eq(email_codes::attempts + 1))
        .execute(conn)?;
    Ok(())
}

/// Use the code once; false when it was already used (a race).
pub fn consume(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(
        email_codes::table
            .filter(email_codes::id.eq(id))
            .filter(email_codes::used_at.is_null()),
    )
    .set(email_codes::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}
