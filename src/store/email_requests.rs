//! Counters of mail-sending requests (password reset, verification
//! re-send) per address and purpose, kept whether or not the address has an
//! account so limits answer the same for both (SR-85).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::email_requests;
use crate::error::AppError;

/// Record one request.
pub fn record(
    conn: &mut DbConnection,
    purpose: &str,
    email: &str,
    ip: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(email_requests::table)
        .values((
            email_requests::id.eq(uuid::Uuid::now_v7().to_string()),
            email_requests::purpose.eq(purpose),
            email_requests::email.eq(email),
            email_requests::ip.eq(ip),
            email_requests::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Requests for `purpose` and `email` since `since`.
pub fn count(
    conn: &mut DbConnection,
    purpose: &str,
    email: &str,
    since: NaiveDateTime,
) -> Result<i64, AppError> {
    Ok(email_requests::table
        .filter(email_requests::purpose.eq(purpose))
        .filter(email_requests::email.eq(email))
        .filter(email_requests::created_at.gt(since))
        .count()
        .get_result(conn)?)
}
