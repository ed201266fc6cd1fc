//! Backup (recovery) codes (`backup_codes`): keyed hashes only, one live
//! batch per user, each code usable once (S5, SR-95).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::backup_codes;
use crate::domain::UserId;
use crate::error::AppError;

/// One stored code.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = backup_codes)]
pub struct BackupCode {
    pub id: String,
    pub user_id: UserId,
    pub batch_id: String,
    pub code_hash: String,
    pub created_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Replace the user's codes with `codes` (the old batch stops working).
pub fn replace(
    conn: &mut DbConnection,
    user_id: &UserId,
    codes: &[BackupCode],
) -> Result<(), AppError> {
    delete_all(conn, user_id)?;
    // One statement per row: the multi-backend connection has no batch insert.
    for code in codes {
        diesel::insert_into(backup_codes::table)
            .values(code)
            .execute(conn)?;
    }
    Ok(())
}

pub fn delete_all(conn: &mut DbConnection, user_id: &UserId) -> Result<usize, AppError> {
    Ok(
        diesel::delete(backup_codes::table.filter(backup_codes::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Unused codes of the user.
pub fn remaining(conn: &mut DbConnection, user_id: &UserId) -> Result<i64, AppError> {
    Ok(backup_codes::table
        .filter(backup_codes::user_id.eq(user_id))
        .filter(backup_codes::used_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Mark the unused code with this hash used; `false` if there is none (wrong,
/// already used, or used concurrently).
pub fn consume(
    conn: &mut DbConnection,
    user_id: &UserId,
    code_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        backup_codes::table
            .filter(backup_codes::user_id.eq(user_id))
            .filter(backup_codes::code_hash.eq(code_hash))
            .filter(backup_codes::used_at.is_null()),
    )
    .set(backup_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}
