//! What happens after any first factor (password, email code, passkey,
//! upstream login) has been verified: the one place that turns "this is
//! user U, proven by method M" into a signed-in session — or, once MFA
//! applies, into a pending second-factor step (S5). Every login method
//! calls [`complete`], so no method can skip what comes after it.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::session::{self, NewSession};
use crate::error::AppError;
use crate::oidc::backchannel;
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
    let method = first.method;
    let token = sign_in(state, actor, first, replaces).await?;
    metrics::counter!("ostiary_logins_total", "method" => method.as_str(), "outcome" => "success")
        .increment(1);
    Ok(Next::SignedIn { token })
}

/// Create (or re-authenticate) the session for a fully authenticated user
/// and audit it; returns the cookie token.
pub async fn sign_in(
    state: &AppState,
    actor: Actor,
    first: FirstFactor,
    replaces: Option<String>,
) -> Result<String, AppError> {
    let now = state.now();
    let state2 = state.clone();
    let (token, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let amr: Vec<&str> = first.amr.iter().map(String::as_str).collect();
                let new = NewSession {
                    user_id: &first.user_id,
                    amr: &amr,
                    ip: actor.ip.as_deref().unwrap_or_default(),
                    user_agent: actor.user_agent.as_deref().unwrap_or_default(),
                };
                let mut notices = Vec::new();
                let (session_id, token) = match replaces {
                    // Same user signing in again (prompt=login, max_age, step-up):
                    // new cookie token, same sid and grants.
                    Some(old)
                        if sessions::owner(conn, &old)?.as_deref()
                            == Some(first.user_id.as_str()) =>
                    {
                        session::reauthenticate(conn, &state2, &old, &new, now)?
                    }
                    // Another user in this browser: the old session ends,
                    // with its grants and back-channel notices.
                    Some(old) => {
                        sessions::revoke_replaced(conn, &old, naive(now))?;
                        notices = backchannel::end_sessions(
                            conn,
                            std::slice::from_ref(&old),
                            naive(now),
                        )?;
                        let (row, token) = session::create(conn, &state2, &new, now)?;
                        (row.id, token)
                    }
                    None => {
                        let (row, token) = session::create(conn, &state2, &new, now)?;
                        (row.id, token)
                    }
                };
                for key in &first.clear_throttle {
                    counters::clear(conn, key)?;
                }
                audit::record(
                    conn,
                    &actor.as_user(&first.user_id, Some(&session_id)),
                    Event::new(Action::LoginSucceeded, Outcome::Success)
                        .target("user", first.user_id.as_str())
                        .details(serde_json::json!({
                            "method": first.method.as_str(),
                            "amr": first.amr,
                        })),
                    now,
                )?;
                Ok((token, notices))
            })
        })
        .await?;
    backchannel::dispatch(state, notices);
    Ok(token)
}
