//! "Confirm it's you" before a signed-in user changes a credential or
//! deletes the account (SR-82): the current password when the account has
//! one, reserved in the same throttle as sign-in before it is hashed (a
//! borrowed session cannot guess it faster than the login form, SR-84); an account
//! without a password (passkey or email-code only) needs a sign-in inside
//! the re-authentication window instead.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::CurrentSession;
use crate::auth::recent::is_recent;
use crate::auth::throttle;
use crate::domain::Password;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::locked_tx;

/// The answer to a confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmation {
    /// It is the account holder.
    Confirmed,
    /// The password was wrong (counted as a failed attempt).
    WrongPassword,
    /// Attempts for this account are paused for this long.
    Paused { wait_secs: i64 },
    /// No password on the account and the last sign-in is too old: sign in
    /// again first.
    SignInAgain,
}

/// Check `password` (ignored for accounts without one) for the signed-in
/// user of `current`; `purpose` names the change in the audit record of a
/// wrong password.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    current: &CurrentSession,
    password: &Password,
    purpose: &'static str,
) -> Result<Confirmation, AppError> {
    let Some(stored) = current.user.password_hash.clone() else {
        return Ok(if is_recent(state, current) {
            Confirmation::Confirmed
        } else {
            Confirmation::SignInAgain
        });
    };
    let now = state.now();
    let ip = actor.ip.clone().unwrap_or_default();
    let keys = throttle::Keys::new(&current.user.email, &ip);
    state.hasher.prepare().await?;
    let permit = state.hasher.slot().await?;
    let gate = {
        let (keys, actor, cfg) = (keys.clone(), actor.clone(), state.config.throttle.clone());
        state
            .db
            .run(move |conn| {
                locked_tx(conn, |conn| {
                    throttle::reserve(conn, &actor, &keys, now, &cfg)
                })
            })
            .await?
    };
    // A signed-in holder is not held up by a pause of the account as a
    // whole (strangers' failures), only by this source's own failures.
    if let throttle::Gate::Refused { until } = gate {
        return Ok(Confirmation::Paused {
            wait_secs: throttle::wait_secs(until, now),
        });
    }
    if !password.too_long()
        && state
            .hasher
            .verify_in(permit, password, Some(stored))
            .await?
    {
        state
            .db
            .run(move |conn| locked_tx(conn, |conn| throttle::settle_success(conn, &keys)))
            .await?;
        return Ok(Confirmation::Confirmed);
    }
    let (actor, user_id) = (actor.clone(), current.user.id.clone());
    audit::record_alone(
        &state.db,
        actor,
        Event::new(Action::PasswordConfirmFailed, Outcome::Failure)
            .target("user", user_id.as_str())
            .details(serde_json::json!({ "purpose": purpose })),
        now,
    )
    .await?;
    Ok(Confirmation::WrongPassword)
}
