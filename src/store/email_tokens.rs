//! Password reset and email verification tokens (SHA-256 of a 256-bit
//! random token): single use, expiring, a new one invalidates older ones.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::email_tokens;
use crate::domain::UserId;
use crate::error::AppError;

/// A token row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = email_tokens)]
pub struct EmailToken {
    pub id: String,
    pub purpose: String,
    pub user_id: UserId,
    pub email: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Insert `row` after invalidating the user's open tokens of its purpose.
pub fn replace(conn: &mut DbConnection, row: &EmailToken) -> Result<(), AppError> {
    diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(&row.user_id))
            .filter(email_tokens::purpose.eq(&row.purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(row.created_at)))
    .execute(conn)?;
    diesel::insert_into(email_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The unused, unexpired token with this hash and purpose.
pub fn find_live(
    conn: &mut DbConnection,
    purpose: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<EmailToken>, AppError> {
    Ok(email_tokens::table
        .filter(email_tokens::token_hash.eq(token_hash))
        .filter(email_tokens::purpose.eq(purpose))
        .filter(email_tokens::used_at.is_null())
        .filter(email_tokens::expires_at.gt(now))
        .select(EmailToken::as_select())
        .first(conn)
        .optional()?)
}

/// Use a token once; false when it was used meanwhile.
pub fn consume(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(
        email_tokens::table
            .filter(email_tokens::id.eq(id))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Invalidate the user's open tokens of `purpose` (e.g. pending email
/// changes once one was undone).
pub fn invalidate(
    conn: &mut DbConnection,
    user_id: &UserId,
    purpose: &str,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        email_tokens::table
            .filter(email_tokens::user_id.eq(user_id))
            .filter(email_tokens::purpose.eq(purpose))
            .filter(email_tokens::used_at.is_null()),
    )
    .set(email_tokens::used_at.eq(Some(now)))
    .execute(conn)?)
}
