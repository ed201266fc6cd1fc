//! Invitations to an organization with a role: SHA-256 of the token,
//! expiry, accepted once, revoked (removed) while open.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::invitations;
use crate::domain::{OrganizationId, UserId};
use crate::error::AppError;

/// An invitation row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    pub id: String,
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: String,
    pub token_hash: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub accepted_by: Option<String>,
}

pub fn insert(conn: &mut DbConnection, row: &Invitation) -> Result<(), AppError> {
    diesel::insert_into(invitations::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The invitation with this token hash (accepted or not, expired or not).
pub fn find_by_hash(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<Invitation>, AppError> {
    Ok(invitations::table
        .filter(invitations::token_hash.eq(token_hash))
        .select(Invitation::as_select())
        .first(conn)
        .optional()?)
}

/// Mark accepted; false when another request accepted it first.
pub fn accept(
    conn: &mut DbConnection,
    id: &str,
    user_id: &UserId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null()),
    )
    .set((
        invitations::accepted_at.eq(Some(now)),
        invitations::accepted_by.eq(Some(user_id)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The invitations to an organization not accepted yet (expired ones
/// too), newest first, at most `limit`.
pub fn pending_of(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
    limit: i64,
) -> Result<Vec<Invitation>, AppError> {
    Ok(invitations::table
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::accepted_at.is_null())
        .select(Invitation::as_select())
        .order((invitations::created_at.desc(), invitations::id.desc()))
        .limit(limit)
        .load(conn)?)
}

/// Remove the open invitation `id` of `organization_id`; the removed row,
/// or `None` when there is no such open invitation (accepted, revoked, or
/// another organization's).
pub fn revoke(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
    id: &str,
) -> Result<Option<Invitation>, AppError> {
    let Some(row) = invitations::table
        .filter(invitations::id.eq(id))
        .filter(invitations::organization_id.eq(organization_id))
        .filter(invitations::accepted_at.is_null())
        .select(Invitation::as_select())
        .first(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let n = diesel::delete(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null()),
    )
    .execute(conn)?;
    Ok((n == 1).then_some(row))
}
