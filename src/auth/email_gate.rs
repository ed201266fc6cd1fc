//! The verified-email gate (S2, `require_verified_email`), run first by
//! `first_factor::complete`: a user whose address is not
//! verified gets no session but a short-lived, MAC-protected ticket that
//! lets this browser ask for a verification link. A correct email code
//! proves the address, so it marks it verified instead.

use chrono::{DateTime, Duration, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::sign_in::{FirstFactor, Method, Next};
use crate::domain::UserId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::users::User;
use crate::store::{naive, users, write_tx};

/// Cookie holding the ticket of [`Next::VerifyEmail`].
pub const TICKET_COOKIE: &str = "__Host-ostiary_verify";

/// How long a ticket lets the browser ask for verification links.
const TICKET_MINUTES: i64 = 30;

fn mac_input(user_id: &str, expires: i64) -> String {
    format!("verify-ticket:{user_id}:{expires}")
}

/// `user_id.expiry.mac`
pub fn ticket(state: &AppState, user_id: &UserId, now: DateTime<Utc>) -> String {
    let expires = (now + Duration::minutes(TICKET_MINUTES)).timestamp();
    let mac = state.envelope.secret_hash(&mac_input(user_id, expires));
    format!("{user_id}.{expires}.{mac}")
}

/// The user a ticket names, when its MAC is right and it has not expired.
pub fn open_ticket(state: &AppState, ticket: &str, now: DateTime<Utc>) -> Option<UserId> {
    let mut parts = ticket.splitn(3, '.');
    let (user_id, expires, mac) = (parts.next()?, parts.next()?, parts.next()?);
    let expires: i64 = expires.parse().ok()?;
    (expires > now.timestamp()
        && state
            .envelope
            .secret_matches(&mac_input(user_id, expires), mac))
    .then(|| UserId::from(user_id))
}

/// The (not deleted) user an opened ticket names (see [`open_ticket`]).
pub async fn ticket_holder(state: &AppState, user_id: &UserId) -> Result<Option<User>, AppError> {
    let user_id = user_id.to_owned();
    state.db.run(move |conn| users::find(conn, &user_id)).await
}

/// `Some(next)` when the first factor must stop here.
pub async fn check(
    state: &AppState,
    actor: &Actor,
    first: &FirstFactor,
) -> Result<Option<Next>, AppError> {
    if !state.config.require_verified_email {
        return Ok(None);
    }
    let now = state.now();
    // Most users are verified: a read, no write transaction.
    let uid = first.user_id.clone();
    let verified = state
        .db
        .run(move |conn| Ok(users::find(conn, &uid)?.is_some_and(|u| u.email_verified)))
        .await?;
    if verified {
        return Ok(None);
    }
    let (user_id, method, actor2) = (first.user_id.clone(), first.method, actor.clone());
    let blocked = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(user) = users::find(conn, &user_id)? else {
                    return Err(AppError::NotFound);
                };
                if user.email_verified {
                    return Ok(false);
                }
                let actor = actor2.as_user(&user_id, None);
                if method == Method::EmailCode {
                    users::mark_verified(conn, &user_id, naive(now))?;
                    audit::record(
                        conn,
                        &actor,
                        Event::new(Action::EmailVerified, Outcome::Success)
                            .target("user", user_id.as_str())
                            .details(
                                serde_json::json!({ "email": user.email, "by": "email_code" }),
                            ),
                        now,
                    )?;
                    return Ok(false);
                }
                audit::record(
                    conn,
                    &actor2,
                    Event::new(Action::LoginFailed, Outcome::Failure)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({
                            "email": user.email,
                            "reason": "email_unverified",
                            "method": method.as_str(),
                        })),
                    now,
                )?;
                Ok(true)
            })
        })
        .await?;
    Ok(blocked.then(|| Next::VerifyEmail {
        ticket: ticket(state, &first.user_id, now),
    }))
}
