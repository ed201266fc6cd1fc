//! Grants: one authorization of a client, the family every access and
//! refresh token belongs to. Revoking a grant revokes the whole family
//! (SR-31, SR-41, SR-64).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{grants, refresh_tokens};
use crate::domain::{ClientId, SessionId, UserId};
use crate::error::AppError;

/// A grant row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = grants)]
pub struct Grant {
    pub id: String,
    pub client_id: ClientId,
    /// `None` for client_credentials.
    pub user_id: Option<UserId>,
    /// The browser session it came from (for logout).
    pub session_id: Option<SessionId>,
    pub scope: String,
    pub auth_time: Option<NaiveDateTime>,
    /// JSON array of RFC 8176 method names.
    #[diesel(serialize_as = String)]
    pub amr: crate::domain::Amr,
    pub acr: Option<String>,
    pub nonce: Option<String>,
    pub created_at: NaiveDateTime,
    /// Absolute end of the family (refresh tokens cannot outlive it).
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    /// RFC 8707 resources the grant is for (JSON array); `None`: the
    /// client's default audience.
    pub resources: Option<String>,
    /// The DPoP key thumbprint the family's refresh tokens are bound to
    /// (public clients, RFC 9449 §5).
    pub dpop_jkt: Option<String>,
}

pub fn insert(conn: &mut DbConnection, grant: &Grant) -> Result<(), AppError> {
    diesel::insert_into(grants::table)
        .values(grant.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<Grant>, AppError> {
    Ok(grants::table
        .filter(grants::id.eq(id))
        .select(Grant::as_select())
        .first(conn)
        .optional()?)
}

/// Whether tokens of this grant are still good at `now`.
pub fn is_active(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    Ok(grants::table
        .filter(grants::id.eq(id))
        .filter(grants::revoked_at.is_null())
        .filter(grants::expires_at.gt(now))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Revoke a grant and its refresh tokens; returns whether it was live.
pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let n = diesel::update(
        grants::table
            .filter(grants::id.eq(id))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(Some(now)))
    .execute(conn)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::grant_id.eq(id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n > 0)
}

/// Live grants made in a browser session (for logout).
pub fn live_for_session(
    conn: &mut DbConnection,
    session_id: &SessionId,
) -> Result<Vec<Grant>, AppError> {
    Ok(grants::table
        .filter(grants::session_id.eq(session_id))
        .filter(grants::revoked_at.is_null())
        .select(Grant::as_select())
        .load(conn)?)
}

/// Live grants of a user, newest first (account page).
pub fn live_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<Vec<Grant>, AppError> {
    Ok(grants::table
        .filter(grants::user_id.eq(user_id))
        .filter(grants::revoked_at.is_null())
        .filter(grants::expires_at.gt(now))
        .order(grants::created_at.desc())
        .limit(200)
        .select(Grant::as_select())
        .load(conn)?)
}

/// Revoke every live grant of a user with a client (consent revocation).
pub fn revoke_for_user_client(
    conn: &mut DbConnection,
    user_id: &UserId,
    client_id: &ClientId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let ids: Vec<String> = grants::table
        .filter(grants::user_id.eq(user_id))
        .filter(grants::client_id.eq(client_id))
        .filter(grants::revoked_at.is_null())
        .select(grants::id)
        .load(conn)?;
    for id in &ids {
        revoke(conn, id, now)?;
    }
    Ok(ids.len())
}

/// Revoke every live grant of a client and their refresh tokens (the
/// client was deleted); returns how many grants were live.
pub fn revoke_for_client(
    conn: &mut DbConnection,
    client_id: &ClientId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    let family = grants::table
        .filter(grants::client_id.eq(client_id.to_string()))
        .select(grants::id);
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::grant_id.eq_any(family))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(diesel::update(
        grants::table
            .filter(grants::client_id.eq(client_id.to_string()))
            .filter(grants::revoked_at.is_null()),
    )
    .set(grants::revoked_at.eq(Some(now)))
    .execute(conn)?)
}
