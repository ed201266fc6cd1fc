//! Sign-ins in flight at an upstream provider (`federation_logins`): one
//! row per `state` sent upstream, taken exactly once by the callback.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::federation_logins;
use crate::domain::UserId;
use crate::error::AppError;

/// A pending upstream sign-in.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = federation_logins)]
pub struct FederationLogin {
    /// SHA-256 of the `state` parameter.
    pub state_hash: String,
    pub provider_id: String,
    /// SHA-256 of the browser-binding cookie.
    pub browser_hash: String,
    pub nonce: String,
    /// Envelope-encrypted PKCE verifier.
    pub pkce_verifier: String,
    pub return_to: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    /// Set when the signed-in user links this provider explicitly: the
    /// callback links to this user (if the session is still theirs)
    /// instead of signing in.
    pub link_user_id: Option<UserId>,
    /// The address of the browser that started it.
    pub ip: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &FederationLogin) -> Result<(), AppError> {
    diesel::insert_into(federation_logins::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// How many sign-ins `ip` started since `since` (still stored).
pub fn count_for_ip(
    conn: &mut DbConnection,
    ip: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(federation_logins::table
        .filter(federation_logins::ip.eq(ip))
        .filter(federation_logins::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Take the unexpired row for `state_hash`: it is deleted, so a second
/// callback with the same `state` finds nothing (single use, also under
/// concurrent callbacks: only the one whose delete removed the row wins).
pub fn take(
    conn: &mut DbConnection,
    state_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<FederationLogin>, AppError> {
    let Some(row) = federation_logins::table
        .find(state_hash)
        .select(FederationLogin::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let deleted = diesel::delete(federation_logins::table.find(state_hash)).execute(conn)?;
    Ok((deleted == 1 && row.expires_at > now).then_some(row))
}

/// Delete rows that expired before `cutoff`.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::delete(federation_logins::table.filter(federation_logins::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}
