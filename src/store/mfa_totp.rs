//! Authenticator-app secrets (`mfa_totp`): one per user, envelope-encrypted
//! (SR-91), unconfirmed until the first valid code; `last_used_step` makes
//! every code single-use (SR-90).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::mfa_totp;
use crate::domain::UserId;
use crate::error::AppError;

/// A TOTP row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mfa_totp)]
pub struct TotpRow {
    pub user_id: UserId,
    pub secret_enc: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub last_used_step: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, user_id: &UserId) -> Result<Option<TotpRow>, AppError> {
    Ok(mfa_totp::table
        .find(user_id)
        .select(TotpRow::as_select())
        .first(conn)
        .optional()?)
}

/// Replace any unconfirmed secret with `row`; an already confirmed secret
/// is left alone (returns `false`).
pub fn put_unconfirmed(conn: &mut DbConnection, row: &TotpRow) -> Result<bool, AppError> {
    if find(conn, &row.user_id)?.is_some_and(|r| r.confirmed_at.is_some()) {
        return Ok(false);
    }
    delete(conn, &row.user_id)?;
    diesel::insert_into(mfa_totp::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// Record that `step` was accepted; `false` when a step at or after it was
/// already used (a replay, or a race lost to another request).
pub fn use_step(
    conn: &mut DbConnection,
    user_id: &UserId,
    step: i64,
    confirm_at: Option<NaiveDateTime>,
) -> Result<bool, AppError> {
    let target = mfa_totp::table
        .filter(mfa_totp::user_id.eq(user_id))
        .filter(
            mfa_totp::last_used_step
                .is_null()
                .or(mfa_totp::last_used_step.lt(step)),
        );
    let n = match confirm_at {
        Some(at) => diesel::update(target)
            .set((
                mfa_totp::last_used_step.eq(step),
                mfa_totp::confirmed_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set(mfa_totp::last_used_step.eq(step))
            .execute(conn)?,
    };
    Ok(n == 1)
}

pub fn delete(conn: &mut DbConnection, user_id: &UserId) -> Result<bool, AppError> {
    Ok(diesel::delete(mfa_totp::table.find(user_id)).execute(conn)? == 1)
}
