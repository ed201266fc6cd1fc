//! Completing a password reset (S6, SR-96, SR-95): the single-use token
//! sets a new password and ends every session, grant and refresh token of
//! the user (with back-channel logout notices). It does not sign anyone in:
//! the user signs in again, through MFA when enrolled. The link proves the
//! address, so an unverified one becomes verified.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::sha256_hex;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{email_tokens, naive, users, write_tx};

/// Outcome of [`complete`].
#[derive(Debug, PartialEq, Eq)]
pub enum ResetOutcome {
    Done,
    /// The link is unknown, expired or already used.
    InvalidLink,
}

/// Set the password hashed as `hash` for the holder of `token`.
pub async fn complete(
    state: &AppState,
    actor: &Actor,
    token: &str,
    hash: String,
) -> Result<ResetOutcome, AppError> {
    let now = state.now();
    let (token_hash, actor) = (sha256_hex(token.as_bytes()), actor.clone());
    let done = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = email_tokens::find_live(conn, "reset", &token_hash, naive(now))?
                else {
                    return Ok(None);
                };
                if !email_tokens::consume(conn, &row.id, naive(now))?
                    || !users::set_password(conn, &row.user_id, &hash, naive(now))?
                {
                    return Ok(None);
                }
                // Every session and grant (offline ones too) ends (SR-96).
                let ended = crate::store::logout::end_all_tx(conn, &row.user_id, None, now)?;
                // The link arrived at the account's address: it is verified.
                let verified = users::find(conn, &row.user_id)?
                    .is_some_and(|u| u.email == row.email)
                    && users::mark_verified(conn, &row.user_id, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasswordResetCompleted, Outcome::Success)
                        .target("user", row.user_id.as_str())
                        .details(serde_json::json!({
                            "sessions_revoked": ended.sessions,
                            "grants_revoked": ended.grants,
                            "email_verified": verified,
                        })),
                    now,
                )?;
                Ok(Some(ended.notices))
            })
        })
        .await?;
    match done {
        Some(notices) => {
            state.logout.send(notices);
            Ok(ResetOutcome::Done)
        }
        None => Ok(ResetOutcome::InvalidLink),
    }
}
