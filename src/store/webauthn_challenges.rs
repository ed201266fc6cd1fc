//! Server-side state of WebAuthn ceremonies (SR-94): the serialized
//! webauthn-rs registration/authentication state, keyed by the SHA-256 of a
//! random browser cookie, single use and short-lived.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::webauthn_challenges;
use crate::domain::UserId;
use crate::error::AppError;

/// One pending ceremony.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webauthn_challenges)]
pub struct Challenge {
    pub id: String,
    pub binding_hash: String,
    pub user_id: Option<UserId>,
    /// `register`, `authenticate` or `discoverable`.
    pub purpose: String,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &Challenge) -> Result<(), AppError> {
    diesel::insert_into(webauthn_challenges::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Remove and return the ceremony bound to `binding_hash`. Of concurrent
/// callers only the one whose delete removed the row gets it (single use).
pub fn take(conn: &mut DbConnection, binding_hash: &str) -> Result<Option<Challenge>, AppError> {
    let Some(row) = webauthn_challenges::table
        .filter(webauthn_challenges::binding_hash.eq(binding_hash))
        .select(Challenge::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let deleted =
        diesel::delete(webauthn_challenges::table.filter(webauthn_challenges::id.eq(&row.id)))
            .execute(conn)?;
    Ok((deleted == 1).then_some(row))
}

/// Drop ceremonies that expired before `now`.
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::delete(webauthn_challenges::table.filter(webauthn_challenges::expires_at.lt(now)))
            .execute(conn)?,
    )
}
