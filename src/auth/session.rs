//! Browser sessions (S2, SR-60…SR-66). The cookie `__Host-ostiary_session`
//! holds only a 256-bit random token; the database stores its SHA-256. A
//! missing, tampered, unknown, revoked or expired cookie makes the request
//! anonymous. Idle (8 h) and absolute (7 d) limits are enforced server-side
//! against the injectable clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::Duration;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::{SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::{self, Ended, end_all_tx};
use crate::store::sessions::{self, AuthSession};
use crate::store::users::User;
use crate::store::{naive, utc, write_tx};

/// The session cookie name (`__Host-`: Secure, Path=/, no Domain).
pub const COOKIE: &str = "__Host-ostiary_session";
/// Activity is written back at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

/// A valid session and its user.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub session: AuthSession,
    pub user: User,
}

impl CurrentSession {
    /// The actor for changes made in this session.
    pub fn actor(&self, ctx: &crate::web::RequestContext) -> Actor {
        ctx.actor().as_user(&self.user.id, Some(&self.session.id))
    }
}

/// The request's session, if any (extractor; looked up once per request).
#[derive(Debug, Clone)]
pub struct MaybeSession(pub Option<Arc<CurrentSession>>);

/// Build the session cookie for `token`.
pub fn cookie(token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// A cookie that deletes the session cookie.
pub fn removal() -> Cookie<'static> {
    let mut c = cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Whether `session` is still within its idle and absolute limits at `now`.
pub fn is_live(session: &AuthSession, now: chrono::DateTime<chrono::Utc>, idle_secs: i64) -> bool {
    session.revoked_at.is_none()
        && utc(session.expires_at) > now
        && utc(session.last_seen_at) + Duration::seconds(idle_secs) > now
}

/// The live session (of a live, unlocked user) whose cookie token hashes
/// to `token_hash`, inside the caller's connection.
pub fn resolve(
    conn: &mut crate::db::DbConnection,
    token_hash: &str,
    now: chrono::DateTime<chrono::Utc>,
    idle_secs: i64,
) -> Result<Option<CurrentSession>, AppError> {
    let Some((session, user)) = sessions::find_by_token_hash_with_user(conn, token_hash)? else {
        return Ok(None);
    };
    if !is_live(&session, now, idle_secs) || user.locked {
        return Ok(None);
    }
    Ok(Some(CurrentSession { session, user }))
}

/// A cookie value that can be a session token (anything else is ignored).
pub fn plausible_token(token: &str) -> bool {
    !token.is_empty() && token.len() <= 128
}

async fn lookup(req: &HttpRequest) -> Result<Option<Arc<CurrentSession>>, AppError> {
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    if !plausible_token(&token) {
        return Ok(None);
    }
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(None);
    };
    let now = state.now();
    let idle = state.config.session.idle_timeout_secs;
    let hash = sha256_hex(token.as_bytes());
    let found = state
        .db
        .run(move |conn| {
            let Some(current) = resolve(conn, &hash, now, idle)? else {
                return Ok(None);
            };
            if now - utc(current.session.last_seen_at) > Duration::seconds(TOUCH_EVERY_SECS) {
                sessions::touch(conn, &current.session.id, naive(now))?;
            }
            Ok(Some(Arc::new(current)))
        })
        .await?;
    if let Some(current) = &found {
        tracing::Span::current().record("user_id", current.user.id.as_str());
    }
    Ok(found)
}

impl FromRequest for MaybeSession {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            if let Some(cached) = req.extensions().get::<MaybeSession>() {
                return Ok(cached.clone());
            }
            let found = MaybeSession(lookup(&req).await?);
            req.extensions_mut().insert(found.clone());
            Ok(found)
        })
    }
}

/// Details recorded on a new session.
#[derive(Debug)]
pub struct NewSession<'a> {
    pub user_id: &'a UserId,
    pub amr: &'a [&'a str],
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// Insert a new session (inside the caller's transaction); returns the row
/// and the cookie token, which is never stored.
pub fn create(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    new: &NewSession<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(AuthSession, String), AppError> {
    let token = random_token();
    let row = AuthSession {
        id: SessionId::generate(),
        token_hash: sha256_hex(token.as_bytes()),
        user_id: new.user_id.to_owned(),
        created_at: naive(now),
        last_seen_at: naive(now),
        expires_at: naive(now + Duration::seconds(state.config.session.absolute_lifetime_secs)),
        auth_time: naive(now),
        amr: crate::domain::Amr::from(new.amr),
        ip: new.ip.to_owned(),
        user_agent: new.user_agent.to_owned(),
        device_label: crate::web::device::label(new.user_agent),
        revoked_at: None,
    };
    sessions::insert(conn, &row)?;
    Ok((row, token))
}

/// Re-authenticate the same user in session `id`: returns the session id
/// (unchanged) and the new cookie token.
pub fn reauthenticate(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    id: &SessionId,
    new: &NewSession<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(SessionId, String), AppError> {
    let token = random_token();
    let amr = crate::domain::Amr::from(new.amr).to_json();
    let expires = naive(now + Duration::seconds(state.config.session.absolute_lifetime_secs));
    if sessions::reauthenticate(
        conn,
        id,
        &sha256_hex(token.as_bytes()),
        &amr,
        naive(now),
        expires,
    )? {
        Ok((id.to_owned(), token))
    } else {
        create(conn, state, new, now).map(|(row, token)| (row.id, token))
    }
}

/// Sign out: revoke the current session, the grants made in it, and tell
/// the clients that asked for back-channel logout (SR-64, SR-142).
pub async fn logout(
    state: &AppState,
    actor: Actor,
    current: &CurrentSession,
) -> Result<(), AppError> {
    let now = state.now();
    let (user_id, session_id) = (current.user.id.clone(), current.session.id.clone());
    let notices = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                sessions::revoke(conn, &user_id, &session_id, naive(now))?;
                let notices =
                    logout::end_sessions(conn, std::slice::from_ref(&session_id), naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::Logout, Outcome::Success)
                        .target("session", session_id.as_str()),
                    now,
                )?;
                Ok(notices)
            })
        })
        .await?;
    state.logout.send(notices);
    Ok(())
}

/// Revoke one of the user's own sessions; `false` if it is not theirs or
/// already ended (SR-66).
pub async fn revoke(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    session_id: &SessionId,
) -> Result<bool, AppError> {
    let now = state.now();
    let (user_id, session_id) = (user_id.to_owned(), session_id.to_owned());
    let ended = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::users::admin::revoke_session_tx(conn, &actor, &user_id, &session_id, now)
            })
        })
        .await?;
    Ok(match ended {
        Some(notices) => {
            state.logout.send(notices);
            true
        }
        None => false,
    })
}

/// "Sign out all devices": revoke every session of the user — or, with
/// `keep`, every other one ("sign out other devices", offered after a
/// factor change: SR-65). With `disconnect_apps` (the default on the pages)
/// every grant not made in `keep` ends too, offline ones included, so
/// applications holding refresh tokens lose access as well (SR-42).
pub async fn revoke_all(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    keep: Option<&SessionId>,
    disconnect_apps: bool,
) -> Result<usize, AppError> {
    let now = state.now();
    let (user_id, keep) = (user_id.to_owned(), keep.cloned());
    let (count, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let ended = if disconnect_apps {
                    end_all_tx(conn, &user_id, keep.as_ref(), now)?
                } else {
                    let mut with_grants = logout::sessions_with_grants(conn, &user_id, naive(now))?;
                    with_grants.retain(|id| Some(id) != keep.as_ref());
                    let sessions = match &keep {
                        Some(keep) => {
                            sessions::revoke_all_except(conn, &user_id, keep, naive(now))?
                        }
                        None => sessions::revoke_all(conn, &user_id, naive(now))?,
                    };
                    Ended {
                        sessions,
                        grants: 0,
                        notices: logout::end_sessions(conn, &with_grants, naive(now))?,
                    }
                };
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::SignOutAll, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({
                            "sessions_revoked": ended.sessions,
                            "grants_revoked": ended.grants,
                            "kept_current": keep.is_some(),
                            "disconnected_apps": disconnect_apps,
                        })),
                    now,
                )?;
                Ok((ended.sessions, ended.notices))
            })
        })
        .await?;
    state.logout.send(notices);
    Ok(count)
}
