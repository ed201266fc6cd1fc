//! Half-authenticated logins (`pending_logins`, S5, SR-95): a first factor
//! passed, a second one is due (or must be enrolled). Found only by the
//! SHA-256 of the browser's cookie token, live ≤ 5 minutes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::pending_logins;
use crate::domain::{SessionId, UserId};
use crate::error::AppError;

/// What the pending login is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Pass an enrolled second factor.
    Verify,
    /// Enrol a first second factor (a policy requires MFA).
    Enroll,
}

impl Purpose {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verify => "verify",
            Self::Enroll => "enroll",
        }
    }
}

/// Reading a stored value (an unknown one is an error).
impl TryFrom<String> for Purpose {
    type Error = String;
    fn try_from(stored: String) -> Result<Self, String> {
        match stored.as_str() {
            "verify" => Ok(Self::Verify),
            "enroll" => Ok(Self::Enroll),
            other => Err(format!("unknown pending-login purpose {other:?}")),
        }
    }
}

/// Writing it.
impl From<Purpose> for String {
    fn from(purpose: Purpose) -> String {
        purpose.as_str().to_owned()
    }
}

/// A pending login row (`amr` and `purpose` decoded when read).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pending_logins)]
pub struct PendingLogin {
    pub id: String,
    pub token_hash: String,
    pub user_id: UserId,
    pub method: String,
    #[diesel(serialize_as = String)]
    pub amr: crate::domain::Amr,
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub purpose: Purpose,
    pub replaces_session_id: Option<SessionId>,
    pub failures: i32,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &PendingLogin) -> Result<(), AppError> {
    diesel::insert_into(pending_logins::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The unexpired pending login whose token hashes to `token_hash`.
pub fn find_live(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<PendingLogin>, AppError> {
    Ok(pending_logins::table
        .filter(pending_logins::token_hash.eq(token_hash))
        .filter(pending_logins::expires_at.gt(now))
        .select(PendingLogin::as_select())
        .first(conn)
        .optional()?)
}

/// Delete it; `true` only for the one caller that removed the row, so a
/// pending login completes at most once.
pub fn take(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(pending_logins::table.find(id)).execute(conn)? == 1)
}

/// Count a failed second-factor attempt; returns the new count.
pub fn add_failure(conn: &mut DbConnection, id: &str) -> Result<i32, AppError> {
    diesel::update(pending_logins::table.find(id))
        .set(pending_logins::failures.eq(pending_logins::failures + 1))
        .execute(conn)?;
    Ok(pending_logins::table
        .find(id)
        .select(pending_logins::failures)
        .first(conn)
        .optional()?
        .unwrap_or(i32::MAX))
}

/// Drop the user's other pending logins (a new first factor supersedes them).
pub fn delete_for_user(conn: &mut DbConnection, user_id: &UserId) -> Result<usize, AppError> {
    Ok(
        diesel::delete(pending_logins::table.filter(pending_logins::user_id.eq(user_id)))
            .execute(conn)?,
    )
}

/// Remove expired rows (maintenance).
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::delete(pending_logins::table.filter(pending_logins::expires_at.le(now)))
            .execute(conn)?,
    )
}
