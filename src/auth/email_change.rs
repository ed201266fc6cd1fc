//! Changing the email address of an account (SR-96, SR-82). The signed-in
//! user confirms it is them ([`confirm_password`]) and names a new address;
//! nothing changes until a single-use link sent to that address is opened
//! (purpose `email_change`, the new address stored with the token). Then the
//! account moves to it, verified, and the old address gets a notice with an
//! undo link (purpose `email_revert`, [`UNDO_DAYS`] days) that restores it,
//! ends every session and grant, and mails a password reset link there. An
//! address that belongs to another account is never revealed: the answer
//! is the same, and that address's owner is told instead (SR-85).

use chrono::Duration;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::CurrentSession;
use crate::auth::confirm_password::{self, Confirmation};
use crate::auth::email_links::{self, Purpose};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::email_tokens::{self, EmailToken};
use crate::store::{email_requests, naive, users, write_tx};

/// How long the old address can undo a change.
pub const UNDO_DAYS: i64 = 7;
const CHANGE: &str = "email_change";
const REVERT: &str = "email_revert";

/// The answer to a change request.
#[derive(Debug, PartialEq, Eq)]
pub enum Requested {
    /// A link went to the new address (or, when it is taken, a notice to
    /// its owner): the page says the same either way.
    Sent {
        to: String,
    },
    NotConfirmed(Confirmation),
    /// Not a usable address (or the current one); the sentence says why.
    Refused(String),
}

/// Ask to move the account of `current` to `new_email`.
pub async fn request(
    state: &AppState,
    actor: &Actor,
    current: &CurrentSession,
    password: &Password,
    new_email: &str,
    locale: Locale,
) -> Result<Requested, AppError> {
    let email = match Email::parse(new_email) {
        Ok(e) => e,
        Err(message) => return Ok(Requested::Refused(message)),
    };
    if email.as_str() == current.user.email {
        return Ok(Requested::Refused(
            Tr::current().text("email_change.same").into(),
        ));
    }
    let confirmed =
        confirm_password::confirm(state, actor, current, password, "email_change").await?;
    if confirmed != Confirmation::Confirmed {
        return Ok(Requested::NotConfirmed(confirmed));
    }
    let now = state.now();
    let token = random_token();
    let ttl = state.config.mail.verify_ttl_secs;
    let limit = state.config.mail.links_per_hour;
    let (actor2, user_id, old, new, hash) = (
        actor.clone(),
        current.user.id.clone(),
        current.user.email.clone(),
        email.as_str().to_owned(),
        sha256_hex(token.as_bytes()),
    );
    // `Some(true)`: a link to send; `Some(false)`: the address is taken;
    // `None`: over the hourly limit (nothing is sent).
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let since = naive(now - Duration::hours(1));
                if email_requests::count(conn, CHANGE, &old, since)? >= limit {
                    return Ok(None);
                }
                let ip = actor2.ip.clone().unwrap_or_default();
                email_requests::record(conn, CHANGE, &old, &ip, naive(now))?;
                let taken = users::find_by_email(conn, &new)?.is_some();
                if !taken {
                    email_tokens::replace(
                        conn,
                        &EmailToken {
                            id: uuid::Uuid::now_v7().to_string(),
                            purpose: CHANGE.into(),
                            user_id: user_id.clone(),
                            email: new.clone(),
                            token_hash: hash.clone(),
                            created_at: naive(now),
                            expires_at: naive(now + Duration::seconds(ttl)),
                            used_at: None,
                        },
                    )?;
                }
                audit::record(
                    conn,
                    &actor2,
                    Event::new(Action::EmailChangeRequested, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "new_email": new, "taken": taken })),
                    now,
                )?;
                Ok(Some(!taken))
            })
        })
        .await?;
    let to = email.as_str().to_owned();
    match outcome {
        Some(true) => {
            let message = Message::ConfirmNewEmail {
                link: format!(
                    "{}/account/email/confirm?token={token}",
                    state.config.public_base()
                ),
                new_email: to.clone(),
                hours: ttl / 3600,
            };
            mail::send(&state.mailer, actor, &to, &message, locale).await?;
        }
        Some(false) => mail::send_later(&state.mailer, to.clone(), Message::EmailInUse, locale),
        None => {}
    }
    Ok(Requested::Sent { to })
}

/// The live token of a link of `purpose` (`email_change` or
/// `email_revert`), to decide which page to show.
pub async fn peek(
    state: &AppState,
    undo: bool,
    token: &str,
) -> Result<Option<EmailToken>, AppError> {
    let purpose = if undo { REVERT } else { CHANGE };
    let (hash, now) = (sha256_hex(token.as_bytes()), naive(state.now()));
    state
        .db
        .run(move |conn| email_tokens::find_live(conn, purpose, &hash, now))
        .await
}

/// Opening a link.
#[derive(Debug, PartialEq, Eq)]
pub enum Opened {
    /// Done; the account's address is now this.
    Done { email: String },
    /// Unknown, expired or used.
    Invalid,
    /// Another account took the address meanwhile.
    Taken,
}

/// Use the link sent to the new address: the account moves there.
pub async fn confirm(
    state: &AppState,
    actor: &Actor,
    token: &str,
    locale: Locale,
) -> Result<Opened, AppError> {
    let now = state.now();
    let undo = random_token();
    let (hash, undo_hash, actor2) = (
        sha256_hex(token.as_bytes()),
        sha256_hex(undo.as_bytes()),
        actor.clone(),
    );
    let moved = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = email_tokens::find_live(conn, CHANGE, &hash, naive(now))? else {
                    return Ok(Err(Opened::Invalid));
                };
                let Some(user) = users::find(conn, &row.user_id)? else {
                    return Ok(Err(Opened::Invalid));
                };
                if !email_tokens::consume(conn, &row.id, naive(now))? {
                    return Ok(Err(Opened::Invalid));
                }
                if !users::set_email(conn, &user.id, &row.email, naive(now))? {
                    return Ok(Err(Opened::Taken));
                }
                email_tokens::replace(
                    conn,
                    &EmailToken {
                        id: uuid::Uuid::now_v7().to_string(),
                        purpose: REVERT.into(),
                        user_id: user.id.clone(),
                        email: user.email.clone(),
                        token_hash: undo_hash.clone(),
                        created_at: naive(now),
                        expires_at: naive(now + Duration::days(UNDO_DAYS)),
                        used_at: None,
                    },
                )?;
                audit::record(
                    conn,
                    &actor2.as_user(&user.id, None),
                    Event::new(Action::EmailChanged, Outcome::Success)
                        .target("user", user.id.as_str())
                        .details(
                            serde_json::json!({ "old_email": user.email, "new_email": row.email }),
                        ),
                    now,
                )?;
                Ok(Ok((user.email, row.email)))
            })
        })
        .await?;
    let (old, new) = match moved {
        Ok(pair) => pair,
        Err(opened) => return Ok(opened),
    };
    mail::send_later(
        &state.mailer,
        old,
        Message::EmailChanged {
            link: format!(
                "{}/account/email/undo?token={undo}",
                state.config.public_base()
            ),
            new_email: new.clone(),
            days: UNDO_DAYS,
        },
        locale,
    );
    Ok(Opened::Done { email: new })
}

/// Use the undo link sent to the old address: restore it, end every
/// session and grant, and mail a password reset link there.
pub async fn undo(
    state: &AppState,
    actor: &Actor,
    token: &str,
    locale: Locale,
) -> Result<Opened, AppError> {
    let now = state.now();
    let (hash, actor2) = (sha256_hex(token.as_bytes()), actor.clone());
    let restored = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = email_tokens::find_live(conn, REVERT, &hash, naive(now))? else {
                    return Ok(Err(Opened::Invalid));
                };
                let Some(user) = users::find(conn, &row.user_id)? else {
                    return Ok(Err(Opened::Invalid));
                };
                if !email_tokens::consume(conn, &row.id, naive(now))? {
                    return Ok(Err(Opened::Invalid));
                }
                let restored = user.email == row.email
                    || users::set_email(conn, &user.id, &row.email, naive(now))?;
                email_tokens::invalidate(conn, &user.id, CHANGE, naive(now))?;
                // Whoever changed the address may still be signed in.
                let ended = crate::store::logout::end_all_tx(conn, &user.id, None, now)?;
                audit::record(
                    conn,
                    &actor2.as_user(&user.id, None),
                    Event::new(Action::EmailChangeReported, Outcome::Success)
                        .target("user", user.id.as_str())
                        .details(serde_json::json!({
                            "restored_email": row.email,
                            "replaced_email": user.email,
                            "restored": restored,
                            "sessions_revoked": ended.sessions,
                            "grants_revoked": ended.grants,
                        })),
                    now,
                )?;
                Ok(Ok((restored, row.email, ended.notices)))
            })
        })
        .await?;
    let (restored, email, notices) = match restored {
        Ok(done) => done,
        Err(opened) => return Ok(opened),
    };
    state.logout.send(notices);
    if !restored {
        return Ok(Opened::Taken);
    }
    if let Ok(address) = Email::parse(&email) {
        email_links::request(state, actor, Purpose::Reset, &address, locale).await?;
    }
    Ok(Opened::Done { email })
}
