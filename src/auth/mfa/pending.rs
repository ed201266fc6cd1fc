//! The pending login (S5, SR-95): after a first factor, a user who must
//! pass (or enrol) a second factor holds only this — a random token in the
//! `__Host-ostiary_mfa` cookie whose SHA-256 finds a row that lives five
//! minutes. It is not a session: `/authorize`, the account pages and every
//! API see an anonymous browser. Completing the second factor deletes the
//! row (exactly once) and creates the session with a fresh id (SR-60);
//! abandoning it leaves nothing usable.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use chrono::{DateTime, Duration, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::CurrentSession;
use crate::auth::mfa::{acr, factors};
use crate::auth::sign_in::{self, Next};
use crate::crypto::token::{random_token, sha256_hex};
use crate::db::DbConnection;
use crate::domain::{SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::Notice;
use crate::store::pending_logins::{self, PendingLogin};
use crate::store::{naive, sessions, write_tx};

/// The pending-login cookie (`__Host-`: Secure, Path=/, no Domain).
pub const COOKIE: &str = "__Host-ostiary_mfa";
/// The `method` of a pending login that steps an existing session up.
pub const STEP_UP: &str = "step_up";
/// How long a pending login lives.
pub const TTL_SECS: i64 = 300;
/// Wrong codes on one pending login before it ends (the per-user throttle
/// keeps counting across logins, SR-92).
pub const MAX_FAILURES: i32 = 5;

pub use crate::store::pending_logins::Purpose;

/// Cookie carrying a pending-login token.
pub fn cookie(token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::seconds(TTL_SECS))
        .finish()
}

/// A cookie that deletes the pending-login cookie.
pub fn removal() -> Cookie<'static> {
    let mut c = cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Start a pending login (inside the caller's write transaction); any other
/// pending login of the user ends. Returns the cookie token.
#[allow(clippy::too_many_arguments)]
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &UserId,
    method: &str,
    amr: &[String],
    purpose: Purpose,
    replaces: Option<&SessionId>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    pending_logins::delete_for_user(conn, user_id)?;
    let token = random_token();
    let row = PendingLogin {
        id: uuid::Uuid::new_v4().to_string(),
        token_hash: sha256_hex(token.as_bytes()),
        user_id: user_id.to_owned(),
        method: method.to_owned(),
        amr: crate::domain::Amr::from(amr),
        purpose,
        replaces_session_id: replaces.cloned(),
        failures: 0,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(TTL_SECS)),
    };
    pending_logins::insert(conn, &row)?;
    audit::record(
        conn,
        &actor.clone(),
        Event::new(Action::MfaChallenged, Outcome::Success)
            .target("user", user_id)
            .details(serde_json::json!({ "method": method, "purpose": purpose.as_str() })),
        now,
    )?;
    Ok(token)
}

/// The SHA-256 of the browser's pending-login token, if it sent one.
pub fn token_hash(req: &HttpRequest) -> Option<String> {
    let token = req.cookie(COOKIE)?.value().to_owned();
    (!token.is_empty() && token.len() <= 128).then(|| sha256_hex(token.as_bytes()))
}

/// The browser's live pending login.
pub async fn lookup(state: &AppState, req: &HttpRequest) -> Result<Option<PendingLogin>, AppError> {
    let Some(hash) = token_hash(req) else {
        return Ok(None);
    };
    let now = naive(state.now());
    state
        .db
        .run(move |conn| pending_logins::find_live(conn, &hash, now))
        .await
}

/// A signed-in user needs a second factor for this request (client policy
/// or `acr_values`, S5 step-up): start a pending login that re-authenticates
/// the same session when done.
pub async fn step_up(
    state: &AppState,
    actor: Actor,
    current: &CurrentSession,
) -> Result<Option<Next>, AppError> {
    let now = state.now();
    let user_id = current.user.id.clone();
    let session_id = current.session.id.clone();
    // Enrolling a factor needs a recent primary sign-in (SR-82): a stale or
    // borrowed session must not add its own second factor.
    let recent = crate::auth::recent::is_recent(state, current);
    let amr: Vec<String> = current.session.amr.to_vec();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let purpose = if factors::of(conn, &user_id)?.any() {
                    Purpose::Verify
                } else if recent {
                    Purpose::Enroll
                } else {
                    return Ok(None);
                };
                let token = create(
                    conn,
                    &actor,
                    &user_id,
                    STEP_UP,
                    &amr,
                    purpose,
                    Some(&session_id),
                    now,
                )?;
                Ok(Some(match purpose {
                    Purpose::Verify => Next::SecondFactor { token },
                    Purpose::Enroll => Next::EnrollFactor { token },
                }))
            })
        })
        .await
}

/// Finish a step-up: the same session gets a new token and the stronger
/// `amr`, nothing else (see [`sessions::step_up`]).
fn step_up_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &PendingLogin,
    amr: &[String],
    now: DateTime<Utc>,
) -> Result<Option<(String, Vec<Notice>)>, AppError> {
    let Some(session_id) = row.replaces_session_id.as_ref() else {
        return Ok(None);
    };
    let token = random_token();
    let amr_json = serde_json::to_string(amr).unwrap_or_else(|_| "[]".into());
    if !sessions::step_up(
        conn,
        session_id,
        &row.user_id,
        &sha256_hex(token.as_bytes()),
        &amr_json,
        naive(now),
    )? {
        return Ok(None);
    }
    audit::record(
        conn,
        &actor.as_user(&row.user_id, Some(session_id)),
        Event::new(Action::LoginSucceeded, Outcome::Success)
            .target("user", row.user_id.as_str())
            .details(serde_json::json!({ "method": STEP_UP, "amr": amr })),
        now,
    )?;
    Ok(Some((token, Vec::new())))
}

/// Complete `row` with a passed second factor proving `factor_amr`: the
/// row is consumed (only once, even under concurrent requests) and the
/// session created. `None` when another request completed it first. Call
/// inside the write transaction that verified the factor.
pub fn finish(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Actor,
    row: &PendingLogin,
    factor_amr: &[&str],
    now: DateTime<Utc>,
) -> Result<Option<(String, Vec<Notice>)>, AppError> {
    if !pending_logins::take(conn, &row.id)? {
        return Ok(None);
    }
    let amr = acr::with_second_factor(&row.amr, factor_amr);
    if row.method == STEP_UP {
        return step_up_tx(conn, actor, row, &amr, now);
    }
    let (token, notices) = sign_in::sign_in_tx(
        conn,
        state,
        actor,
        &row.user_id,
        &row.method,
        &amr,
        row.replaces_session_id.as_ref(),
        now,
    )?;
    // A SAML sign-in's subject (single logout) waited with the pending
    // login: it belongs to the session now.
    if let Some(session) = sessions::find_by_token_hash(conn, &sha256_hex(token.as_bytes()))? {
        crate::store::saml_sessions::rekey(
            conn,
            &crate::store::saml_sessions::pending_key(&row.id),
            session.id.as_str(),
            session.expires_at,
        )?;
    }
    Ok(Some((token, notices)))
}
