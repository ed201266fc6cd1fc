//! Pushed authorization requests (RFC 9126), stored by the SHA-256 of their
//! `request_uri`. A request is usable until it expires; its first use at
//! `/authorize` gives the person the interaction window to sign in, and
//! issuing the code uses it up in the same transaction (one conditional
//! UPDATE, so two concurrent completions cannot both get a code).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::pushed_requests;
use crate::domain::ClientId;
use crate::error::AppError;

/// A stored request.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = pushed_requests)]
pub struct PushedRequest {
    pub uri_hash: String,
    pub client_id: ClientId,
    /// The pushed parameters, as a JSON array of `[name, value]` pairs.
    pub params: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub first_used_at: Option<NaiveDateTime>,
    pub used_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &PushedRequest) -> Result<(), AppError> {
    diesel::insert_into(pushed_requests::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The live (unused, unexpired) request of `client_id` for `uri_hash`. On
/// its first use its deadline becomes `first_use_deadline`, which gives
/// the person time to sign in; later uses keep it.
pub fn open(
    conn: &mut DbConnection,
    uri_hash: &str,
    client_id: &ClientId,
    now: NaiveDateTime,
    first_use_deadline: NaiveDateTime,
) -> Result<Option<PushedRequest>, AppError> {
    let live = pushed_requests::table
        .filter(pushed_requests::uri_hash.eq(uri_hash))
        .filter(pushed_requests::client_id.eq(client_id))
        .filter(pushed_requests::used_at.is_null())
        .filter(pushed_requests::expires_at.gt(now));
    diesel::update(live.filter(pushed_requests::first_used_at.is_null()))
        .set((
            pushed_requests::first_used_at.eq(Some(now)),
            pushed_requests::expires_at.eq(first_use_deadline),
        ))
        .execute(conn)?;
    peek(conn, uri_hash, client_id, now)
}

/// The live request of `client_id` for `uri_hash`, read without touching
/// its deadline (pages that only need to know where the flow ends).
pub fn peek(
    conn: &mut DbConnection,
    uri_hash: &str,
    client_id: &ClientId,
    now: NaiveDateTime,
) -> Result<Option<PushedRequest>, AppError> {
    Ok(pushed_requests::table
        .filter(pushed_requests::uri_hash.eq(uri_hash))
        .filter(pushed_requests::client_id.eq(client_id))
        .filter(pushed_requests::used_at.is_null())
        .filter(pushed_requests::expires_at.gt(now))
        .select(PushedRequest::as_select())
        .first(conn)
        .optional()?)
}

/// Use the request up; false when it was used (or expired) meanwhile.
pub fn consume(
    conn: &mut DbConnection,
    uri_hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let claimed = diesel::update(
        pushed_requests::table
            .filter(pushed_requests::uri_hash.eq(uri_hash))
            .filter(pushed_requests::used_at.is_null())
            .filter(pushed_requests::expires_at.gt(now)),
    )
    .set(pushed_requests::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Delete requests past their deadline (the maintenance job).
pub fn delete_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(
        diesel::delete(pushed_requests::table.filter(pushed_requests::expires_at.le(now)))
            .execute(conn)?,
    )
}
