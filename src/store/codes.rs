//! Authorization codes, stored by SHA-256 (SR-30, SR-55). Redemption is one
//! atomic UPDATE, so of two concurrent redemptions exactly one wins (SR-31).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::authorization_codes;
use crate::domain::{ClientId, SessionId, UserId};
use crate::error::AppError;

/// A code row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = authorization_codes)]
pub struct AuthorizationCode {
    pub code_hash: String,
    pub client_id: ClientId,
    pub user_id: UserId,
    pub session_id: SessionId,
    pub redirect_uri: String,
    pub scope: String,
    pub nonce: Option<String>,
    /// S256 challenge; `None` when the client sent none (confidential only).
    pub code_challenge: Option<String>,
    pub auth_time: NaiveDateTime,
    /// JSON array of RFC 8176 method names.
    #[diesel(serialize_as = String)]
    pub amr: crate::domain::Amr,
    pub acr: Option<String>,
    /// The `claims` request parameter (JSON), if any.
    pub claims: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    /// The grant created when the code was redeemed.
    pub grant_id: Option<String>,
    /// RFC 8707 resources asked for at `/authorize` (JSON array).
    pub resources: Option<String>,
    /// The DPoP key the redemption must prove (RFC 9449 §10).
    pub dpop_jkt: Option<String>,
}

/// Outcome of presenting a code.
#[derive(Debug)]
pub enum Redemption {
    /// First use: the code is now marked used.
    Fresh(AuthorizationCode),
    /// Used before: a replay (revoke what it produced, SR-31).
    Reused(AuthorizationCode),
    Unknown,
}

pub fn insert(conn: &mut DbConnection, code: &AuthorizationCode) -> Result<(), AppError> {
    diesel::insert_into(authorization_codes::table)
        .values(code.clone())
        .execute(conn)?;
    Ok(())
}

/// Mark the code used if it was not, atomically, and say which case it was.
pub fn redeem(
    conn: &mut DbConnection,
    code_hash: &str,
    now: NaiveDateTime,
) -> Result<Redemption, AppError> {
    // One statement for the usual case: the claim returns the row (each
    // backend's own connection: RETURNING is not in the multi-backend's
    // dialect).
    let claim = diesel::update(
        authorization_codes::table
            .filter(authorization_codes::code_hash.eq(code_hash))
            .filter(authorization_codes::used_at.is_null()),
    )
    .set(authorization_codes::used_at.eq(Some(now)));
    let claimed: Option<AuthorizationCode> = match conn {
        DbConnection::Pg(pg) => claim
            .returning(AuthorizationCode::as_returning())
            .get_result(pg)
            .optional()?,
        DbConnection::Sqlite(lite) => claim
            .returning(AuthorizationCode::as_returning())
            .get_result(lite)
            .optional()?,
    };
    if let Some(row) = claimed {
        return Ok(Redemption::Fresh(row));
    }
    let row = authorization_codes::table
        .filter(authorization_codes::code_hash.eq(code_hash))
        .select(AuthorizationCode::as_select())
        .first(conn)
        .optional()?;
    Ok(match row {
        Some(row) => Redemption::Reused(row),
        None => Redemption::Unknown,
    })
}

/// Remember which grant a redeemed code produced.
pub fn set_grant(conn: &mut DbConnection, code_hash: &str, grant_id: &str) -> Result<(), AppError> {
    diesel::update(authorization_codes::table.filter(authorization_codes::code_hash.eq(code_hash)))
        .set(authorization_codes::grant_id.eq(Some(grant_id)))
        .execute(conn)?;
    Ok(())
}

/// Drop codes expired before `cutoff`.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::delete(
        authorization_codes::table.filter(authorization_codes::expires_at.lt(cutoff)),
    )
    .execute(conn)?)
}
