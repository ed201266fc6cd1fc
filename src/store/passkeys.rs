//! Registered WebAuthn credentials (S5): one row per passkey, holding the
//! webauthn-rs `Passkey` serialized as JSON (public key, counter, backup
//! state; nothing secret). `credential_id` is the base64url credential id,
//! unique across all users.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::passkeys;
use crate::domain::UserId;
use crate::error::AppError;

/// A stored passkey.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = passkeys)]
pub struct PasskeyRow {
    pub id: String,
    pub user_id: UserId,
    pub credential_id: String,
    pub name: String,
    pub passkey: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &PasskeyRow) -> Result<(), AppError> {
    diesel::insert_into(passkeys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// A user's passkeys, oldest first.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<PasskeyRow>, AppError> {
    Ok(passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .order((passkeys::created_at.asc(), passkeys::id.asc()))
        .select(PasskeyRow::as_select())
        .load(conn)?)
}

pub fn count_for_user(conn: &mut DbConnection, user_id: &UserId) -> Result<i64, AppError> {
    Ok(passkeys::table
        .filter(passkeys::user_id.eq(user_id))
        .count()
        .get_result(conn)?)
}

pub fn find_by_credential_id(
    conn: &mut DbConnection,
    credential_id: &str,
) -> Result<Option<PasskeyRow>, AppError> {
    Ok(passkeys::table
        .filter(passkeys::credential_id.eq(credential_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Delete passkey `id` if it belongs to `user_id`; returns the deleted row.
pub fn delete_for_user(
    conn: &mut DbConnection,
    id: &str,
    user_id: &UserId,
) -> Result<Option<PasskeyRow>, AppError> {
    let found = passkeys::table
        .filter(passkeys::id.eq(id))
        .filter(passkeys::user_id.eq(user_id))
        .select(PasskeyRow::as_select())
        .first(conn)
        .optional()?;
    if found.is_some() {
        diesel::delete(
            passkeys::table
                .filter(passkeys::id.eq(id))
                .filter(passkeys::user_id.eq(user_id)),
        )
        .execute(conn)?;
    }
    Ok(found)
}

/// Delete every passkey of a user; how many there were.
pub fn delete_all_for_user(conn: &mut DbConnection, user_id: &UserId) -> Result<usize, AppError> {
    Ok(diesel::delete(passkeys::table.filter(passkeys::user_id.eq(user_id))).execute(conn)?)
}

/// Record a use: the updated credential (counter, backup state) and time.
pub fn record_use(
    conn: &mut DbConnection,
    id: &str,
    passkey: Option<&str>,
    at: NaiveDateTime,
) -> Result<(), AppError> {
    let target = passkeys::table.filter(passkeys::id.eq(id));
    match passkey {
        Some(json) => diesel::update(target)
            .set((passkeys::passkey.eq(json), passkeys::last_used_at.eq(at)))
            .execute(conn)?,
        None => diesel::update(target)
            .set(passkeys::last_used_at.eq(at))
            .execute(conn)?,
    };
    Ok(())
}
