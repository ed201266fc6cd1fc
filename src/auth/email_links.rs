//! Emailed links for password reset and email verification (S6, SR-96):
//! 256-bit random tokens stored as SHA-256, single use, expiring; a new
//! request invalidates older tokens of the user and purpose. Requests are
//! counted per address whether or not it has an account, and the answer
//! never says which (SR-85): over the limit, nothing is sent, silently.

use chrono::Duration;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::Email;
use crate::error::AppError;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::email_tokens::{self, EmailToken};
use crate::store::{email_requests, naive, users, write_tx};

/// What a link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Reset,
    Verify,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reset => "reset",
            Self::Verify => "verify",
        }
    }

    fn ttl_secs(self, state: &AppState) -> i64 {
        match self {
            Self::Reset => state.config.mail.reset_ttl_secs,
            Self::Verify => state.config.mail.verify_ttl_secs,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Self::Reset => "/password/reset/confirm",
            Self::Verify => "/verify-email/confirm",
        }
    }
}

/// Issue and mail a link for `email` when it belongs to a live, unlocked
/// account (and, for verification, an unverified one).
pub async fn request(
    state: &AppState,
    actor: &Actor,
    purpose: Purpose,
    email: &Email,
    locale: Locale,
) -> Result<(), AppError> {
    let now = state.now();
    let token = random_token();
    let ttl = purpose.ttl_secs(state);
    let limit = state.config.mail.links_per_hour;
    let (email_s, hash, actor2) = (
        email.as_str().to_owned(),
        sha256_hex(token.as_bytes()),
        actor.clone(),
    );
    let issued = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let since = naive(now - Duration::hours(1));
                let count = email_requests::count(conn, purpose.as_str(), &email_s, since)?;
                let ip = actor2.ip.clone().unwrap_or_default();
                email_requests::record(conn, purpose.as_str(), &email_s, &ip, naive(now))?;
                let action = match purpose {
                    Purpose::Reset => Action::PasswordResetRequested,
                    Purpose::Verify => Action::EmailVerificationSent,
                };
                let user = users::find_by_email(conn, &email_s)?
                    .filter(|u| !u.locked)
                    .filter(|u| purpose == Purpose::Reset || !u.email_verified);
                let reason = match &user {
                    _ if count >= limit => Some("rate_limited"),
                    None => Some("no_eligible_account"),
                    Some(_) => None,
                };
                let mut event = Event::new(
                    action,
                    reason.map_or(Outcome::Success, |_| Outcome::Failure),
                )
                .details(serde_json::json!({ "email": email_s, "reason": reason }));
                if let Some(u) = &user {
                    event = event.target("user", u.id.as_str());
                }
                audit::record(conn, &actor2, event, now)?;
                let (Some(user), None) = (user, reason) else {
                    return Ok(None);
                };
                email_tokens::replace(
                    conn,
                    &EmailToken {
                        id: uuid::Uuid::now_v7().to_string(),
                        purpose: purpose.as_str().to_owned(),
                        user_id: user.id,
                        email: email_s.clone(),
                        token_hash: hash.clone(),
                        created_at: naive(now),
                        expires_at: naive(now + Duration::seconds(ttl)),
                        used_at: None,
                    },
                )?;
                Ok(Some(()))
            })
        })
        .await?;
    if issued.is_none() {
        // Same failure mode as a real send when SMTP is down (SR-85).
        let kind = match purpose {
            Purpose::Reset => "password_reset",
            Purpose::Verify => "verify_email",
        };
        return mail::deliver::probe(&state.mailer, kind).await;
    }
    let link = format!(
        "{}{}?token={token}",
        state.config.public_base(),
        purpose.path()
    );
    let message = match purpose {
        Purpose::Reset => Message::PasswordReset {
            link,
            minutes: ttl / 60,
        },
        Purpose::Verify => Message::VerifyEmail {
            link,
            hours: ttl / 3600,
        },
    };
    mail::send(&state.mailer, actor, email.as_str(), &message, locale).await
}

/// The live token for a link, if any (to decide what page to show).
pub async fn peek(
    state: &AppState,
    purpose: Purpose,
    token: &str,
) -> Result<Option<EmailToken>, AppError> {
    let (hash, now) = (sha256_hex(token.as_bytes()), naive(state.now()));
    state
        .db
        .run(move |conn| email_tokens::find_live(conn, purpose.as_str(), &hash, now))
        .await
}

/// Use a verification link: marks the address verified. False when the
/// link is unknown, expired or used, or the account's address changed.
pub async fn verify(state: &AppState, actor: &Actor, token: &str) -> Result<bool, AppError> {
    let now = state.now();
    let (hash, actor) = (sha256_hex(token.as_bytes()), actor.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = email_tokens::find_live(conn, "verify", &hash, naive(now))? else {
                    return Ok(false);
                };
                let Some(user) = users::find(conn, &row.user_id)?.filter(|u| u.email == row.email)
                else {
                    return Ok(false);
                };
                if !email_tokens::consume(conn, &row.id, naive(now))? {
                    return Ok(false);
                }
                users::mark_verified(conn, &user.id, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::EmailVerified, Outcome::Success)
                        .target("user", user.id.as_str())
                        .details(serde_json::json!({ "email": user.email, "by": "link" })),
                    now,
                )?;
                Ok(true)
            })
        })
        .await
}
