//! Housekeeping of the email tables (called by `jobs::maintenance::run`):
//! expired codes and link tokens a day after expiry, request counters after
//! a day (limits look one hour back), delivery records after 30 days,
//! unaccepted invitations 30 days after expiry (accepted ones stay).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{email_codes, email_requests, email_tokens, invitations, mail_deliveries};
use crate::error::AppError;
use crate::store::naive;

/// Rows deleted by one pass, by table.
#[derive(Debug, Default, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Purged {
    pub email_codes: usize,
    pub email_tokens: usize,
    pub email_requests: usize,
    pub mail_deliveries: usize,
    pub invitations: usize,
}

/// Delete what can no longer matter at `now`.
pub fn purge(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Purged, AppError> {
    let day = naive(now - Duration::days(1));
    let month = naive(now - Duration::days(30));
    Ok(Purged {
        email_codes: diesel::delete(email_codes::table.filter(email_codes::expires_at.lt(day)))
            .execute(conn)?,
        email_tokens: diesel::delete(email_tokens::table.filter(email_tokens::expires_at.lt(day)))
            .execute(conn)?,
        email_requests: diesel::delete(
            email_requests::table.filter(email_requests::created_at.lt(day)),
        )
        .execute(conn)?,
        mail_deliveries: diesel::delete(
            mail_deliveries::table.filter(mail_deliveries::created_at.lt(month)),
        )
        .execute(conn)?,
        invitations: diesel::delete(
            invitations::table
                .filter(invitations::accepted_at.is_null())
                .filter(invitations::expires_at.lt(month)),
        )
        .execute(conn)?,
    })
}
