//! What happens after any first factor (password, email code, passkey,
//! upstream login) has been verified: the one place that turns "this is
//! user U, proven by method M" into either a signed-in session or a
//! pending second-factor step (S5, SR-95). Every login method calls
//! [`complete`], so no method can skip what comes after it.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::{acr, factors, pending, policy};
use crate::auth::session::{self, NewSession};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::oidc::backchannel::{self, Notice};
use crate::state::AppState;
use crate::store::{naive, sessions, throttle as counters, write_tx};

/// How the first factor was proven (also the key MFA policies match on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Password,
    EmailCode,
    Passkey,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::EmailCode => "email_code",
            Self::Passkey => "passkey",
        }
    }
}

/// A verified first factor.
#[derive(Debug, Clone)]
pub struct FirstFactor {
    pub user_id: String,
    pub method: Method,
    /// RFC 8176 values proven so far (e.g. `["pwd"]`, `["otp"]`).
    pub amr: Vec<String>,
    /// Throttle counters to clear now that the user proved themselves.
    pub clear_throttle: Vec<String>,
}

/// What the browser must do next.
#[derive(Debug)]
pub enum Next {
    /// Signed in: set this session cookie token.
    SignedIn { token: String },
    /// A second factor is due: set this pending-login cookie token.
    SecondFactor { token: String },
    /// A policy requires MFA and the user has no factor: enrol one first.
    EnrollFactor { token: String },
    /// The email address must be verified first (no session; the ticket
    /// lets this browser ask for a link, see [`super::email_gate`]).
    VerifyEmail { ticket: String },
}

/// Finish a first factor. `replaces` is the session id the browser had
/// before; it is regenerated (SR-60): the same user keeps the sid with a new
/// cookie token, another user's session ends with its grants.
pub async fn complete(
    state: &AppState,
    actor: Actor,
    first: FirstFactor,
    replaces: Option<String>,
) -> Result<Next, AppError> {
    if let Some(next) = super::email_gate::check(state, &actor, &first).await? {
        return Ok(next);
    }
    let now = state.now();
    let state2 = state.clone();
    let method = first.method;
    let (next, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                for key in &first.clear_throttle {
                    counters::clear(conn, key)?;
                }
                let purpose = if acr::is_multi_factor(&first.amr) {
                    None
                } else if factors::of(conn, &first.user_id)?.any() {
                    Some(pending::Purpose::Verify)
                } else if policy::required_at_login(conn, &first.user_id, method.as_str())? {
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
                            replaces.as_deref(),
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
                            replaces.as_deref(),
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
    backchannel::dispatch(state, notices);
    let outcome = match next {
        Next::SignedIn { .. } => "success",
        Next::SecondFactor { .. } | Next::EnrollFactor { .. } => "second_factor",
        Next::VerifyEmail { .. } => "email_unverified",
    };
    metrics::counter!("ostiary_logins_total", "method" => method.as_str(), "outcome" => outcome)
        .increment(1);
    Ok(next)
}

/// Create (or re-authenticate) the session of a fully authenticated user
/// and audit it, inside the caller's write transaction; returns the cookie
/// token and the back-channel notices to dispatch after commit.
#[allow(clippy::too_many_arguments)]
pub fn sign_in_tx(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Actor,
    user_id: &str,
    method: &str,
    amr: &[String],
    replaces: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(String, Vec<Notice>), AppError> {
    let amr_refs: Vec<&str> = amr.iter().map(String::as_str).collect();
    let new = NewSession {
        user_id,
        amr: &amr_refs,
        ip: actor.ip.as_deref().unwrap_or_default(),
        user_agent: actor.user_agent.as_deref().unwrap_or_default(),
    };
    let mut notices = Vec::new();
    let (session_id, token) = match replaces {
        // Same user signing in again (prompt=login, max_age, step-up):
        // new cookie token, same sid and grants.
        Some(old) if sessions::owner(conn, old)?.as_deref() == Some(user_id) => {
            session::reauthenticate(conn, state, old, &new, now)?
        }
        // Another user in this browser: the old session ends, with its
        // grants and back-channel notices.
        Some(old) => {
            sessions::revoke_replaced(conn, old, naive(now))?;
            notices = backchannel::end_sessions(conn, &[old.to_owned()], naive(now))?;
            let (row, token) = session::create(conn, state, &new, now)?;
            (row.id, token)
        }
        None => {
            let (row, token) = session::create(conn, state, &new, now)?;
            (row.id, token)
        }
    };
    audit::record(
        conn,
        &actor.as_user(user_id, Some(&session_id)),
        Event::new(Action::LoginSucceeded, Outcome::Success)
            .target("user", user_id)
            .details(serde_json::json!({ "method": method, "amr": amr })),
        now,
    )?;
    Ok((token, notices))
}
