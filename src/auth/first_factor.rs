//! What happens after any first factor (password, email code, passkey,
//! upstream login) has been verified: the one place that turns "this is
//! user U, proven by method M" into either a signed-in session or a
//! pending second-factor step (S5, SR-95). Every login method calls
//! [`complete`], so no method can skip what comes after it.

use crate::audit::Actor;
use crate::auth::mfa::{acr, factors, pending, policy};
use crate::auth::sign_in::{FirstFactor, Next, sign_in_tx};
use crate::domain::SessionId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{throttle as counters, write_tx};

/// Finish a first factor. `replaces` is the session id the browser had
/// before; it is regenerated (SR-60): the same user keeps the sid with a new
/// cookie token, another user's session ends with its grants.
pub async fn complete(
    state: &AppState,
    actor: Actor,
    first: FirstFactor,
    replaces: Option<SessionId>,
) -> Result<Next, AppError> {
    if let Some(next) = crate::auth::email_gate::check(state, &actor, &first).await? {
        return Ok(next);
    }
    let now = state.now();
    let state2 = state.clone();
    let method = first.method;
    // The rules from the cache: no query inside the write transaction.
    let rules = state.clients.mfa_rules(&state.db).await?;
    let (next, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let keys: Vec<&str> = first.clear_throttle.iter().map(String::as_str).collect();
                counters::lock(conn, &keys)?;
                for key in &first.clear_throttle {
                    counters::clear(conn, key)?;
                }
                let purpose = if acr::is_multi_factor(&first.amr) {
                    None
                } else if factors::of(conn, &first.user_id)?.any() {
                    Some(pending::Purpose::Verify)
                } else if policy::required_at_login_by(
                    conn,
                    &rules,
                    &first.user_id,
                    method.as_str(),
                )? {
                    Some(pending::Purpose::Enroll)
                } else {
                    None
                };
                match purpose {
                    None => {
                        let (token, notices) = sign_in_tx(
                            conn,
                            &state2,
                            &actor,
                            &first.user_id,
                            method.as_str(),
                            &first.amr,
                            replaces.as_ref(),
                            now,
                        )?;
                        Ok((Next::SignedIn { token }, notices))
                    }
                    Some(purpose) => {
                        let token = pending::create(
                            conn,
                            &actor,
                            &first.user_id,
                            method.as_str(),
                            &first.amr,
                            purpose,
                            replaces.as_ref(),
                            now,
                        )?;
                        let next = match purpose {
                            pending::Purpose::Verify => Next::SecondFactor { token },
                            pending::Purpose::Enroll => Next::EnrollFactor { token },
                        };
                        Ok((next, Vec::new()))
                    }
                }
            })
        })
        .await?;
    state.logout.send(notices);
    let outcome = match next {
        Next::SignedIn { .. } => "success",
        Next::SecondFactor { .. } | Next::EnrollFactor { .. } => "second_factor",
        Next::VerifyEmail { .. } => "email_unverified",
    };
    metrics::counter!("ostiary_logins_total", "method" => method.as_str(), "outcome" => outcome)
        .increment(1);
    Ok(next)
}
