//! Periodic housekeeping run by every instance: delete expired one-time
//! artefacts (codes, pushed requests, assertion ids, DPoP proof ids, revocation entries, throttle counters,
//! long-dead sessions) and log a signed audit-chain checkpoint, so the head
//! hash also exists outside the database (SR-151: a truncated or rolled-back
//! chain is detected by comparing with the last logged checkpoint).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    auth_sessions, authorization_codes, client_assertion_jtis, device_codes, login_throttles,
    revoked_access_tokens,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::naive;

/// How long finished sessions are kept for the account page and support.
const KEEP_ENDED_SESSIONS_DAYS: i64 = 30;
/// Codes and device codes are kept a day past expiry (replay diagnostics).
const KEEP_EXPIRED_CODES_HOURS: i64 = 24;

/// Rows deleted by one pass, by table.
#[derive(Debug, Default, Clone, serde::Serialize, PartialEq, Eq)]
pub struct Purged {
    pub authorization_codes: usize,
    pub device_codes: usize,
    pub client_assertion_jtis: usize,
    pub revoked_access_tokens: usize,
    pub login_throttles: usize,
    pub auth_sessions: usize,
    pub pending_logins: usize,
    pub webauthn_challenges: usize,
    pub federation_logins: usize,
    pub pushed_requests: usize,
    pub dpop_proofs: usize,
}

/// Delete what can no longer matter at `now`.
pub fn purge(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Purged, AppError> {
    let n = naive(now);
    let codes_cutoff = naive(now - Duration::hours(KEEP_EXPIRED_CODES_HOURS));
    let sessions_cutoff = naive(now - Duration::days(KEEP_ENDED_SESSIONS_DAYS));
    Ok(Purged {
        authorization_codes: diesel::delete(
            authorization_codes::table.filter(authorization_codes::expires_at.lt(codes_cutoff)),
        )
        .execute(conn)?,
        device_codes: diesel::delete(
            device_codes::table.filter(device_codes::expires_at.lt(codes_cutoff)),
        )
        .execute(conn)?,
        client_assertion_jtis: diesel::delete(
            client_assertion_jtis::table.filter(client_assertion_jtis::expires_at.lt(n)),
        )
        .execute(conn)?,
        // An expired access token is refused anyway: its revocation entry can go.
        revoked_access_tokens: diesel::delete(
            revoked_access_tokens::table.filter(revoked_access_tokens::expires_at.lt(n)),
        )
        .execute(conn)?,
        pending_logins: crate::store::pending_logins::purge_expired(conn, n)?,
        federation_logins: crate::store::federation_logins::purge_expired(conn, n)?,
        pushed_requests: crate::store::pushed_requests::delete_expired(conn, n)?,
        dpop_proofs: crate::oidc::dpop::replay::purge_expired(conn, n)?,
        webauthn_challenges: diesel::delete(
            crate::db::schema::webauthn_challenges::table
                .filter(crate::db::schema::webauthn_challenges::expires_at.le(n)),
        )
        .execute(conn)?,
        login_throttles: diesel::delete(
            login_throttles::table
                .filter(login_throttles::next_attempt_at.lt(n))
                .filter(
                    login_throttles::locked_until
                        .is_null()
                        .or(login_throttles::locked_until.lt(n)),
                )
                .filter(login_throttles::window_started_at.lt(naive(now - Duration::days(1)))),
        )
        .execute(conn)?,
        auth_sessions: diesel::delete(
            auth_sessions::table.filter(
                auth_sessions::expires_at
                    .lt(sessions_cutoff)
                    .or(auth_sessions::revoked_at.lt(sessions_cutoff)),
            ),
        )
        .execute(conn)?,
    })
}

/// Purge the email tables (S6), see [`crate::mail::purge`].
async fn purge_email(state: &AppState, now: DateTime<Utc>) {
    match state
        .db
        .run(move |conn| crate::mail::purge::purge(conn, now))
        .await
    {
        Ok(p) if p != crate::mail::purge::Purged::default() => {
            tracing::info!(purged = ?p, "expired email rows purged")
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "email housekeeping failed"),
    }
}

/// Run housekeeping every `period` for as long as the process lives.
pub async fn run(state: AppState, period: std::time::Duration) {
    loop {
        tokio::time::sleep(period).await;
        let now = state.now();
        match state
            .db
            .run(move |conn| Ok((purge(conn, now)?, crate::store::audit::head(conn)?)))
            .await
        {
            Ok((purged, (seq, hash))) => {
                if purged != Purged::default() {
                    tracing::info!(?purged, "expired rows purged");
                }
                purge_email(&state, now).await;
                match crate::audit::checkpoint::sign(
                    &state.keys.snapshot(),
                    state.config.public_base(),
                    seq,
                    &hash,
                    now,
                ) {
                    Ok(jwt) => {
                        tracing::info!(audit_seq = seq, audit_hash = %hash, checkpoint = %jwt, "audit checkpoint")
                    }
                    Err(e) => tracing::warn!(error = %e, "audit checkpoint failed"),
                }
            }
            Err(e) => tracing::warn!(error = %e, "housekeeping failed"),
        }
    }
}
