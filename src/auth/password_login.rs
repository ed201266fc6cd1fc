//! Email + password sign-in (S2, S5): the attempt is reserved in the
//! throttle first ([`throttle::reserve`]), then argon2id verification (a
//! dummy hash for unknown accounts), then either [`first_factor::complete`]
//! or an audited failure. Unknown and wrong look the same (SR-85).

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::first_factor;
use crate::auth::sign_in::{FirstFactor, Method, Next};
use crate::auth::throttle;
use crate::domain::{Email, Password, SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{locked_tx, users, write_tx};

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
    /// The source is delayed or locked: nothing was checked.
    Throttled,
    /// The account as a whole is paused and the user has no second factor.
    Paused,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Self::BadCredentials => "bad_credentials",
            Self::UnknownUser => "unknown_user",
            Self::AccountLocked => "account_locked",
            Self::Throttled => "throttled",
            Self::Paused => "paused",
        }
    }
}

/// Attempt a sign-in. `replaces` is the session id the browser had before,
/// revoked on success so the id is regenerated (SR-60).
///
/// The attempt is reserved (counted) before the password is hashed, in one
/// serialized transaction ([`throttle::reserve`]): a source that is delayed
/// or locked is refused without any hashing, and parallel requests cannot
/// all be evaluated (SR-84). While the account as a whole is paused, a
/// right password only leads to a second factor; without one the answer
/// is the same as for a wrong password (no oracle for the guesser).
pub async fn attempt(
    state: &AppState,
    actor: Actor,
    raw_email: &str,
    password: &Password,
    replaces: Option<SessionId>,
) -> Result<LoginOutcome, AppError> {
    let now = state.now();
    let email = Email::parse(raw_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| raw_email.trim().to_lowercase().chars().take(254).collect());
    let ip = actor.ip.clone().unwrap_or_default();
    let keys = throttle::Keys::new(&email, &ip);
    let cfg = state.config.throttle.clone();

    // Admission first: queued attempts hold no reservation, so the
    // counters never see more in flight than the hasher admits.
    state.hasher.prepare().await?;
    let permit = state.hasher.slot().await?;
    let (gate, user) = {
        let (email, keys, actor, cfg) = (email.clone(), keys.clone(), actor.clone(), cfg.clone());
        state
            .db
            .run(move |conn| {
                locked_tx(conn, |conn| {
                    let gate = throttle::reserve(conn, &actor, &keys, now, &cfg)?;
                    Ok((gate, users::find_by_email(conn, &email)?))
                })
            })
            .await?
    };
    let paused_until = match gate {
        throttle::Gate::Refused { until } => {
            record_failure(state, &actor, &email, user.map(|u| u.id), Reason::Throttled).await?;
            return Ok(LoginOutcome::Throttled {
                wait_secs: throttle::wait_secs(until, now),
            });
        }
        throttle::Gate::Reserved { paused_until } => paused_until,
    };
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    // Always hash, even when the answer is already known, so timing is equal.
    let verified = if password.too_long() {
        drop(permit);
        false
    } else {
        state
            .hasher
            .verify_in(permit, password, stored_hash)
            .await?
    };
    let reason = match &user {
        None => Some(Reason::UnknownUser),
        Some(_) if !verified => Some(Reason::BadCredentials),
        Some(u) if u.locked => Some(Reason::AccountLocked),
        Some(_) => None,
    };
    // Paused: only a second factor lets a right password in.
    let reason = match (reason, &user, paused_until) {
        (None, Some(u), Some(_)) if !has_second_factor(state, &u.id).await? => Some(Reason::Paused),
        (reason, _, _) => reason,
    };
    match (reason, user) {
        (None, Some(user)) => {
            let keys = keys.clone();
            state
                .db
                .run(move |conn| locked_tx(conn, |conn| throttle::settle_success(conn, &keys)))
                .await?;
            let first = FirstFactor {
                user_id: user.id,
                method: Method::Password,
                amr: vec!["pwd".into()],
                clear_throttle: Vec::new(),
            };
            Ok(LoginOutcome::Success(
                first_factor::complete(state, actor, first, replaces).await?,
            ))
        }
        (reason, user) => {
            let reason = reason.unwrap_or(Reason::BadCredentials);
            record_failure(state, &actor, &email, user.map(|u| u.id), reason).await?;
            Ok(match (paused_until, reason) {
                (Some(until), _) => LoginOutcome::Throttled {
                    wait_secs: throttle::wait_secs(until, now),
                },
                (None, Reason::AccountLocked) => LoginOutcome::Disabled,
                (None, _) => LoginOutcome::Failed,
            })
        }
    }
}

async fn has_second_factor(state: &AppState, user_id: &UserId) -> Result<bool, AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| Ok(crate::auth::mfa::factors::of(conn, &user_id)?.any()))
        .await
}

/// Audit a failed attempt (its counters were reserved already) and count
/// it in the metrics.
async fn record_failure(
    state: &AppState,
    actor: &Actor,
    email: &str,
    user_id: Option<UserId>,
    reason: Reason,
) -> Result<(), AppError> {
    let (now, actor, email) = (state.now(), actor.clone(), email.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut event = Event::new(Action::LoginFailed, Outcome::Failure)
                    .details(serde_json::json!({ "email": email, "reason": reason.as_str() }));
                if let Some(id) = &user_id {
                    event = event.target("user", id.as_str());
                }
                audit::record(conn, &actor, event, now)
            })
        })
        .await?;
    let outcome = match reason {
        Reason::Throttled | Reason::Paused => "throttled",
        _ => "failure",
    };
    metrics::counter!("ostiary_logins_total", "method" => "password", "outcome" => outcome)
        .increment(1);
    Ok(())
}
