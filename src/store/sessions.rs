//! Server-side browser sessions (`auth_sessions`). Only the SHA-256 of the
//! cookie token is stored (SR-55); the row id is a separate public handle used
//! by the account page to revoke a session.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::auth_sessions;
use crate::domain::{SessionId, UserId};
use crate::error::AppError;

/// A session row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = auth_sessions)]
pub struct AuthSession {
    pub id: SessionId,
    pub token_hash: String,
    pub user_id: UserId,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub auth_time: NaiveDateTime,
    #[diesel(serialize_as = String)]
    pub amr: crate::domain::Amr,
    pub ip: String,
    pub user_agent: String,
    pub device_label: String,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, session: &AuthSession) -> Result<(), AppError> {
    diesel::insert_into(auth_sessions::table)
        .values(session.clone())
        .execute(conn)?;
    Ok(())
}

/// The unrevoked session whose token hashes to `token_hash`.
pub fn find_by_token_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<AuthSession>, AppError> {
    Ok(auth_sessions::table
        .filter(auth_sessions::token_hash.eq(token_hash))
        .filter(auth_sessions::revoked_at.is_null())
        .select(AuthSession::as_select())
        .first(conn)
        .optional()?)
}

/// [`find_by_token_hash`] with the session's live (not deleted) user, in
/// one statement (the session lookup of every browser request).
pub fn find_by_token_hash_with_user(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<(AuthSession, crate::store::users::User)>, AppError> {
    use crate::db::schema::users;
    use crate::store::users::User;
    Ok(auth_sessions::table
        .inner_join(users::table)
        .filter(auth_sessions::token_hash.eq(token_hash))
        .filter(auth_sessions::revoked_at.is_null())
        .filter(users::deleted_at.is_null())
        .select((AuthSession::as_select(), User::as_select()))
        .first(conn)
        .optional()?)
}

/// Whether the session with this id has not been revoked (or expired by
/// its absolute lifetime) — grants must not outlive the sign-in they came from.
pub fn is_unrevoked(
    conn: &mut DbConnection,
    id: &SessionId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    Ok(auth_sessions::table
        .filter(auth_sessions::id.eq(id))
        .filter(auth_sessions::revoked_at.is_null())
        .filter(auth_sessions::expires_at.gt(now))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The user a session belongs to.
pub fn owner(conn: &mut DbConnection, id: &SessionId) -> Result<Option<UserId>, AppError> {
    Ok(auth_sessions::table
        .filter(auth_sessions::id.eq(id))
        .filter(auth_sessions::revoked_at.is_null())
        .select(auth_sessions::user_id)
        .first(conn)
        .optional()?)
}

/// Re-authentication of the same user: a new cookie token (the old one
/// stops working, SR-60) and a fresh `auth_time`, while the session id that
/// relying parties know as `sid` stays, with its grants.
pub fn reauthenticate(
    conn: &mut DbConnection,
    id: &SessionId,
    token_hash: &str,
    amr: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        auth_sessions::table
            .filter(auth_sessions::id.eq(id))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set((
        auth_sessions::token_hash.eq(token_hash),
        auth_sessions::auth_time.eq(now),
        auth_sessions::last_seen_at.eq(now),
        auth_sessions::expires_at.eq(expires_at),
        auth_sessions::amr.eq(amr),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// A passed step-up (S5): a new cookie token (SR-60) and the stronger
/// `amr`, while `auth_time` (the primary sign-in) and the absolute expiry
/// stay as they were: a second factor does not make an old sign-in fresh
/// or longer-lived (SR-82). False when the session is gone or not the user's.
pub fn step_up(
    conn: &mut DbConnection,
    id: &SessionId,
    user_id: &UserId,
    token_hash: &str,
    amr: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        auth_sessions::table
            .filter(auth_sessions::id.eq(id))
            .filter(auth_sessions::user_id.eq(user_id))
            .filter(auth_sessions::revoked_at.is_null())
            .filter(auth_sessions::expires_at.gt(now)),
    )
    .set((
        auth_sessions::token_hash.eq(token_hash),
        auth_sessions::last_seen_at.eq(now),
        auth_sessions::amr.eq(amr),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Record activity.
pub fn touch(conn: &mut DbConnection, id: &SessionId, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(auth_sessions::table.filter(auth_sessions::id.eq(id)))
        .set(auth_sessions::last_seen_at.eq(now))
        .execute(conn)?;
    Ok(())
}

/// Revoke one session of `user_id`; returns whether it existed and was live.
pub fn revoke(
    conn: &mut DbConnection,
    user_id: &UserId,
    id: &SessionId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        auth_sessions::table
            .filter(auth_sessions::id.eq(id))
            .filter(auth_sessions::user_id.eq(user_id))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set(auth_sessions::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n > 0)
}

/// Revoke a session whoever it belongs to (the browser's previous session
/// when it signs in again, possibly as someone else).
pub fn revoke_replaced(
    conn: &mut DbConnection,
    id: &SessionId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        auth_sessions::table
            .filter(auth_sessions::id.eq(id))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set(auth_sessions::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Revoke every session of `user_id`; returns how many.
pub fn revoke_all(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        auth_sessions::table
            .filter(auth_sessions::user_id.eq(user_id))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set(auth_sessions::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

/// Revoke every session of the user except `keep` ("sign out other devices").
pub fn revoke_all_except(
    conn: &mut DbConnection,
    user_id: &UserId,
    keep: &SessionId,
    now: NaiveDateTime,
) -> Result<usize, AppError> {
    Ok(diesel::update(
        auth_sessions::table
            .filter(auth_sessions::user_id.eq(user_id))
            .filter(auth_sessions::id.ne(keep))
            .filter(auth_sessions::revoked_at.is_null()),
    )
    .set(auth_sessions::revoked_at.eq(Some(now)))
    .execute(conn)?)
}

/// Unrevoked, unexpired sessions of a user seen after `idle_cutoff`, newest first.
pub fn list_live(
    conn: &mut DbConnection,
    user_id: &UserId,
    now: NaiveDateTime,
    idle_cutoff: NaiveDateTime,
) -> Result<Vec<AuthSession>, AppError> {
    Ok(auth_sessions::table
        .filter(auth_sessions::user_id.eq(user_id))
        .filter(auth_sessions::revoked_at.is_null())
        .filter(auth_sessions::expires_at.gt(now))
        .filter(auth_sessions::last_seen_at.gt(idle_cutoff))
        .order(auth_sessions::last_seen_at.desc())
        .limit(100)
        .select(AuthSession::as_select())
        .load(conn)?)
}
