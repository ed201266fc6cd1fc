//! The DPoP replay cache (RFC 9449 §11.1): every accepted proof is recorded
//! in the database by the SHA-256 of its `jti` and its key's thumbprint, so
//! a proof is used once across all instances. Entries expire once the
//! proof's `iat` is out of the accepted window; the maintenance job purges
//! them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::crypto::token::sha256_hex;
use crate::db::schema::dpop_proofs;
use crate::db::{DbConnection, is_unique_violation};
use crate::error::AppError;

/// Record a proof; `false` when it was seen before (a replay).
pub fn remember(
    conn: &mut DbConnection,
    jti: &str,
    jkt: &str,
    expires_at: NaiveDateTime,
) -> Result<bool, AppError> {
    match diesel::insert_into(dpop_proofs::table)
        .values((
            dpop_proofs::jti_hash.eq(sha256_hex(jti.as_bytes())),
            dpop_proofs::jkt.eq(jkt),
            dpop_proofs::expires_at.eq(expires_at),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Drop entries expired before `now`.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    Ok(diesel::delete(dpop_proofs::table.filter(dpop_proofs::expires_at.lt(now))).execute(conn)?)
}
