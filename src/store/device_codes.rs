//! Device authorization requests (RFC 8628): the device code stored by
//! SHA-256, the user code normalized (8 letters, no dash). Status moves
//! `pending` → `approved`|`denied` → (`approved` only) `redeemed`, each step
//! a conditional UPDATE so it happens once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::device_codes;
use crate::domain::{Amr, ClientId, SessionId, UserId};
use crate::error::AppError;

pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const DENIED: &str = "denied";
pub const REDEEMED: &str = "redeemed";

/// A device-code row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = device_codes)]
pub struct DeviceCode {
    pub device_code_hash: String,
    pub user_code: String,
    pub client_id: ClientId,
    pub scope: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub poll_interval_secs: i32,
    pub last_polled_at: Option<NaiveDateTime>,
    pub status: String,
    pub user_id: Option<UserId>,
    pub session_id: Option<SessionId>,
    pub auth_time: Option<NaiveDateTime>,
    /// RFC 8176 methods of the approving sign-in; set only by [`approve`].
    #[diesel(skip_insertion)]
    pub amr: Option<Amr>,
}

/// Insert; a user-code collision is `Ok(false)` (pick another code).
pub fn insert(conn: &mut DbConnection, row: &DeviceCode) -> Result<bool, AppError> {
    match diesel::insert_into(device_codes::table)
        .values(row)
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if crate::db::is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub fn find(conn: &mut DbConnection, hash: &str) -> Result<Option<DeviceCode>, AppError> {
    Ok(device_codes::table
        .filter(device_codes::device_code_hash.eq(hash))
        .select(DeviceCode::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_user_code(
    conn: &mut DbConnection,
    user_code: &str,
) -> Result<Option<DeviceCode>, AppError> {
    Ok(device_codes::table
        .filter(device_codes::user_code.eq(user_code))
        .select(DeviceCode::as_select())
        .first(conn)
        .optional()?)
}

/// Remember a poll (and a possibly increased interval).
pub fn polled(
    conn: &mut DbConnection,
    hash: &str,
    now: NaiveDateTime,
    interval_secs: i32,
) -> Result<(), AppError> {
    diesel::update(device_codes::table.filter(device_codes::device_code_hash.eq(hash)))
        .set((
            device_codes::last_polled_at.eq(Some(now)),
            device_codes::poll_interval_secs.eq(interval_secs),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who approved a request.
#[derive(Debug, Clone)]
pub struct Approval<'a> {
    pub user_id: &'a UserId,
    pub session_id: &'a SessionId,
    pub auth_time: NaiveDateTime,
    pub amr: &'a Amr,
}

/// `pending` → `approved` by `who`; `false` if no longer pending.
pub fn approve(
    conn: &mut DbConnection,
    user_code: &str,
    who: &Approval<'_>,
) -> Result<bool, AppError> {
    let n = diesel::update(
        device_codes::table
            .filter(device_codes::user_code.eq(user_code))
            .filter(device_codes::status.eq(PENDING)),
    )
    .set((
        device_codes::status.eq(APPROVED),
        device_codes::user_id.eq(Some(who.user_id)),
        device_codes::session_id.eq(Some(who.session_id)),
        device_codes::auth_time.eq(Some(who.auth_time)),
        device_codes::amr.eq(Some(who.amr.to_json())),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// `pending` → `denied`; `false` if no longer pending.
pub fn deny(conn: &mut DbConnection, user_code: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        device_codes::table
            .filter(device_codes::user_code.eq(user_code))
            .filter(device_codes::status.eq(PENDING)),
    )
    .set(device_codes::status.eq(DENIED))
    .execute(conn)?;
    Ok(n == 1)
}

/// `approved` → `redeemed` (single use); `false` if someone else won.
pub fn redeem(conn: &mut DbConnection, hash: &str) -> Result<bool, AppError> {
    let n = diesel::update(
        device_codes::table
            .filter(device_codes::device_code_hash.eq(hash))
            .filter(device_codes::status.eq(APPROVED)),
    )
    .set(device_codes::status.eq(REDEEMED))
    .execute(conn)?;
    Ok(n == 1)
}

/// Drop requests expired before `cutoff`.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::delete(device_codes::table.filter(device_codes::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}
