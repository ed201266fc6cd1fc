//! "Confirm it's you" before a signed-in user changes a credential or
//! deletes the account (SR-82): the current password when the account has
//! one, checked under the same per-address throttle as sign-in (a borrowed
//! session cannot guess it faster than the login form, SR-84); an account
//! without a password (passkey or email-code only) needs a sign-in inside
//! the re-authentication window instead.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::CurrentSession;
use crate::auth::recent::is_recent;
use crate::auth::throttle::{self, Kind};
use crate::domain::Password;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{throttle as counters, write_tx};

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
    let key = throttle::account_key(&current.user.email);
    let paused = {
        let key = key.clone();
        state
            .db
            .run(move |conn| {
                Ok(throttle::blocked_until(
                    counters::get(conn, &key)?.as_ref(),
                    now,
                ))
            })
            .await?
    };
    if let Some(until) = paused {
        return Ok(Confirmation::Paused {
            wait_secs: ((until - now).num_milliseconds() + 999) / 1000,
        });
    }
    if !password.too_long() && state.hasher.verify(password, Some(stored)).await? {
        return Ok(Confirmation::Confirmed);
    }
    let (cfg, actor, user_id) = (
        state.config.throttle.clone(),
        actor.clone(),
        current.user.id.clone(),
    );
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let (row, _) = throttle::after_failure(
                    counters::get(conn, &key)?,
                    &key,
                    Kind::Account,
                    now,
                    &cfg,
                );
                counters::put(conn, &row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasswordConfirmFailed, Outcome::Failure)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "purpose": purpose })),
                    now,
                )
            })
        })
        .await?;
    Ok(Confirmation::WrongPassword)
}
