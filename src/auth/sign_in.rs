//! Signing in: what a verified first factor is ([`FirstFactor`]), what the
//! browser must do next ([`Next`]), and [`sign_in_tx`] — the session is
//! created (or the same user's re-authenticated with a new cookie token,
//! SR-60) and the sign-in audited, inside the caller's write transaction.
//! Used by `auth::first_factor` and by a completed second step
//! (`auth::mfa::pending`).

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::session::{self, NewSession};
use crate::db::DbConnection;
use crate::domain::{SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::{self, Notice};
use crate::store::{naive, sessions};

/// How the first factor was proven (also the key MFA policies match on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Password,
    EmailCode,
    Passkey,
    /// An upstream identity provider (S7): `upstream:<type>`, the name MFA
    /// policies of scope `upstream` match (e.g. `upstream:google`).
    Federated(&'static str),
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Password => "password",
            Self::EmailCode => "email_code",
            Self::Passkey => "passkey",
            Self::Federated(label) => label,
        }
    }
}

/// A verified first factor.
#[derive(Debug, Clone)]
pub struct FirstFactor {
    pub user_id: UserId,
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
    /// lets this browser ask for a link, see `auth::email_gate`).
    VerifyEmail { ticket: String },
}

/// Create (or re-authenticate) the session of a fully authenticated user
/// and audit it, inside the caller's write transaction; returns the cookie
/// token and the back-channel notices to dispatch after commit.
#[allow(clippy::too_many_arguments)]
pub fn sign_in_tx(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    method: &str,
    amr: &[String],
    replaces: Option<&SessionId>,
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
        Some(old) if sessions::owner(conn, old)?.as_ref() == Some(user_id) => {
            session::reauthenticate(conn, state, old, &new, now)?
        }
        // Another user in this browser: the old session ends, with its
        // grants and back-channel notices.
        Some(old) => {
            sessions::revoke_replaced(conn, old, naive(now))?;
            notices = logout::end_sessions(conn, std::slice::from_ref(old), naive(now))?;
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
