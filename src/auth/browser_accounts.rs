//! Several accounts signed in on one browser (S3 `prompt=select_account`).
//! Besides the session cookie, `__Host-ostiary_accounts` keeps the cookie
//! tokens of up to [`MAX`] other sessions of this browser, with the same
//! attributes as the session cookie (SR-62). A session gets there only when
//! its user chooses "use another account" on the account chooser; it stays
//! a separate session (nothing is merged, SR-60), is validated like any
//! session cookie every time it is read, and signing out of Ostiary ends
//! them all. The chooser names sessions by id (never by token) and a switch
//! is honoured only for a session whose token this browser holds.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::session::{self, CurrentSession};
use crate::crypto::token::sha256_hex;
use crate::error::AppError;
use crate::state::AppState;

/// The cookie with the other sessions' tokens.
pub const COOKIE: &str = "__Host-ostiary_accounts";
/// Most other accounts kept per browser.
pub const MAX: usize = 4;

/// The tokens in the request's cookie (at most [`MAX`], plausible ones).
pub fn tokens(req: &HttpRequest) -> Vec<String> {
    req.cookie(COOKIE)
        .map(|c| {
            c.value()
                .split('.')
                .filter(|t| session::plausible_token(t))
                .take(MAX)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The cookie holding `tokens` (deleting it when there are none).
pub fn cookie(tokens: &[String]) -> Cookie<'static> {
    let mut c = Cookie::build(COOKIE, tokens.join("."))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    if tokens.is_empty() {
        c.set_max_age(CookieDuration::ZERO);
    }
    c
}

/// Another account signed in on this browser.
#[derive(Debug, Clone)]
pub struct Other {
    pub token: String,
    pub session: CurrentSession,
}

/// Every live session behind the cookie, in cookie order (dead entries
/// are left out): what signing out of this browser must end.
pub async fn held(state: &AppState, req: &HttpRequest) -> Result<Vec<Other>, AppError> {
    let tokens = tokens(req);
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    let now = state.now();
    let idle = state.config.session.idle_timeout_secs;
    state
        .db
        .run(move |conn| {
            let mut found = Vec::new();
            for token in tokens {
                let hash = sha256_hex(token.as_bytes());
                if let Some(session) = session::resolve(conn, &hash, now, idle)? {
                    found.push(Other { token, session });
                }
            }
            Ok(found)
        })
        .await
}

/// The accounts to offer besides `current_user`: [`held`] sessions, one
/// per user and none of `current_user`.
pub async fn others(
    state: &AppState,
    req: &HttpRequest,
    current_user: Option<&str>,
) -> Result<Vec<Other>, AppError> {
    let mut found: Vec<Other> = Vec::new();
    for other in held(state, req).await? {
        let seen = found
            .iter()
            .any(|o| o.session.user.id == other.session.user.id);
        if !seen && current_user != Some(other.session.user.id.as_str()) {
            found.push(other);
        }
    }
    Ok(found)
}

/// The cookie after putting `token` first (the session being set aside),
/// keeping at most [`MAX`] entries.
pub fn with_first(token: &str, rest: &[Other]) -> Cookie<'static> {
    let mut tokens = vec![token.to_owned()];
    tokens.extend(rest.iter().map(|o| o.token.clone()).filter(|t| t != token));
    tokens.truncate(MAX);
    cookie(&tokens)
}

/// Audit a switch to `to_user` (by `actor`, the chosen session) from the
/// browser's current user, if there was one.
pub async fn record_switch(
    state: &AppState,
    actor: Actor,
    to_user: &str,
    from_user: Option<&str>,
) -> Result<(), AppError> {
    let (user_id, from_user, now) = (
        to_user.to_owned(),
        from_user.map(str::to_owned),
        state.now(),
    );
    audit::record_alone(
        &state.db,
        actor,
        Event::new(Action::AccountSwitched, Outcome::Success)
            .target("user", user_id.as_str())
            .details(serde_json::json!({ "from_user": from_user })),
        now,
    )
    .await
}
