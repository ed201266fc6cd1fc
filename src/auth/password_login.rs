//! Email + password sign-in (S2, S5): throttle gate, argon2id verification
//! (a dummy hash for unknown accounts), then either [`first_factor::complete`]
//! or counted failures with their audit records, in one transaction.
//! Every failure looks the same to the client (SR-85).

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::first_factor::{self, FirstFactor, Method, Next};
use crate::auth::throttle::{self, Kind};
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{throttle as counters, users, write_tx};

/// What the caller tells the browser.
#[derive(Debug)]
pub enum LoginOutcome {
    /// The password was right: what comes next (session or second factor).
    Success(Next),
    /// Wrong password or unknown email (the same answer for both, SR-85).
    Failed,
    /// Attempts for this address (or from this network) are paused for
    /// `wait_secs`. Counted per address whether or not an account exists,
    /// so saying so reveals nothing (SR-85); the page offers the other ways
    /// in (wait, an emailed code, a password reset).
    Throttled { wait_secs: i64 },
    /// The password was right but an administrator disabled the account:
    /// only someone who knows the password learns this.
    Disabled,
}

/// Why a failure happened (audit only, never shown).
#[derive(Debug, Clone, Copy)]
enum Reason {
    BadCredentials,
    UnknownUser,
    AccountLocked,
    Throttled,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Self::BadCredentials => "bad_credentials",
            Self::UnknownUser => "unknown_user",
            Self::AccountLocked => "account_locked",
            Self::Throttled => "throttled",
        }
    }
}

/// Attempt a sign-in. `replaces` is the session id the browser had before,
/// revoked on success so the id is regenerated (SR-60).
pub async fn attempt(
    state: &AppState,
    actor: Actor,
    raw_email: &str,
    password: &Password,
    replaces: Option<String>,
) -> Result<LoginOutcome, AppError> {
    let now = state.now();
    let email = Email::parse(raw_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| raw_email.trim().to_lowercase().chars().take(254).collect());
    let ip = actor.ip.clone().unwrap_or_default();
    let (account_key, ip_key) = (throttle::account_key(&email), throttle::ip_key(&ip));

    let lookup = {
        let (email, account_key, ip_key) = (email.clone(), account_key.clone(), ip_key.clone());
        state
            .db
            .run(move |conn| {
                let until =
                    throttle::blocked_until(counters::get(conn, &account_key)?.as_ref(), now).max(
                        throttle::blocked_until(counters::get(conn, &ip_key)?.as_ref(), now),
                    );
                Ok((until, users::find_by_email(conn, &email)?))
            })
            .await?
    };
    let (blocked_until, user) = lookup;
    let blocked = blocked_until.is_some();
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    // Always hash, even when the answer is already known, so timing is equal.
    let verified = if password.too_long() {
        false
    } else {
        state.hasher.verify(password, stored_hash).await?
    };

    let reason = match &user {
        _ if blocked => Some(Reason::Throttled),
        None => Some(Reason::UnknownUser),
        Some(_) if !verified => Some(Reason::BadCredentials),
        Some(u) if u.locked => Some(Reason::AccountLocked),
        Some(_) => None,
    };

    match (reason, user) {
        (None, Some(user)) => {
            let first = FirstFactor {
                user_id: user.id,
                method: Method::Password,
                amr: vec!["pwd".into()],
                clear_throttle: vec![account_key],
            };
            Ok(LoginOutcome::Success(
                first_factor::complete(state, actor, first, replaces).await?,
            ))
        }
        (reason, user) => {
            let reason = reason.unwrap_or(Reason::BadCredentials);
            let cfg = state.config.throttle.clone();
            let user_id = user.map(|u| u.id);
            state
                .db
                .run(move |conn| {
                    write_tx(conn, |conn| {
                        let mut event = Event::new(Action::LoginFailed, Outcome::Failure)
                            .details(serde_json::json!({ "email": email, "reason": reason.as_str() }));
                        if let Some(id) = &user_id {
                            event = event.target("user", id.as_str());
                        }
                        audit::record(conn, &actor, event, now)?;
                        if matches!(reason, Reason::Throttled) {
                            return Ok(());
                        }
                        for (key, kind) in [(&account_key, Kind::Account), (&ip_key, Kind::Ip)] {
                            let (row, locked) = throttle::after_failure(counters::get(conn, key)?, key, kind, now, &cfg);
                            counters::put(conn, &row)?;
                            if locked {
                                audit::record(
                                    conn,
                                    &actor,
                                    Event::new(Action::LoginLocked, Outcome::Failure).details(serde_json::json!({
                                        "key": key, "failures": row.failures, "locked_until": row.locked_until,
                                    })),
                                    now,
                                )?;
                            }
                        }
                        Ok(())
                    })
                })
                .await?;
            let (outcome, answer) = match (reason, blocked_until) {
                (Reason::Throttled, Some(until)) => (
                    "throttled",
                    LoginOutcome::Throttled {
                        wait_secs: ((until - now).num_milliseconds() + 999) / 1000,
                    },
                ),
                (Reason::AccountLocked, _) => ("failure", LoginOutcome::Disabled),
                _ => ("failure", LoginOutcome::Failed),
            };
            metrics::counter!("ostiary_logins_total", "method" => "password", "outcome" => outcome)
                .increment(1);
            Ok(answer)
        }
    }
}
