//! JWT access tokens revoked before they expire (RFC 7009), by `jti`. A row
//! is only needed until the token's own expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::revoked_access_tokens;
use crate::db::{DbConnection, is_unique_violation};
use crate::error::AppError;

/// Record `jti` as revoked; `false` when it already was.
pub fn insert(
    conn: &mut DbConnection,
    jti: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    match diesel::insert_into(revoked_access_tokens::table)
        .values((
            revoked_access_tokens::jti.eq(jti),
            revoked_access_tokens::expires_at.eq(expires_at),
            revoked_access_tokens::revoked_at.eq(now),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

pub fn is_revoked(conn: &mut DbConnection, jti: &str) -> Result<bool, AppError> {
    Ok(revoked_access_tokens::table
        .filter(revoked_access_tokens::jti.eq(jti))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// Drop rows whose tokens expired before `cutoff`.
pub fn purge_expired(conn: &mut DbConnection, cutoff: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::delete(
        revoked_access_tokens::table.filter(revoked_access_tokens::expires_at.lt(cutoff)),
    )
    .execute(conn)?)
}
