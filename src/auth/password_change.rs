//! A signed-in user changes their password (SR-82, SR-65): the current
//! password is confirmed first ([`confirm_password`]), the new one follows
//! the password rules, and in one transaction the hash is replaced, every
//! other session ends and every grant not made in this session is revoked
//! (offline ones too), with back-channel logout and an audit record. The
//! account's address is told by email, with a way to reset the password.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::CurrentSession;
use crate::auth::confirm_password::{self, Confirmation};
use crate::domain::Password;
use crate::error::AppError;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::{users, write_tx};

/// What happened to a change request.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    Done,
    /// Not confirmed (wrong password, paused, or a sign-in is due).
    NotConfirmed(Confirmation),
    /// The new password breaks a rule; the sentence says which.
    Refused(String),
}

/// Change the password of the user signed in as `current`.
pub async fn change(
    state: &AppState,
    actor: &Actor,
    current: &CurrentSession,
    current_password: &Password,
    new: &Password,
    locale: Locale,
) -> Result<Changed, AppError> {
    if let Err(rule) = crate::users::password_rules::check_new_password(
        &state.config,
        new,
        &current.user.email,
        &[],
    ) {
        let t = crate::i18n::Tr::current();
        return Ok(Changed::Refused(t.fill(rule.key(), rule.arg())));
    }
    let confirmed =
        confirm_password::confirm(state, actor, current, current_password, "password_change")
            .await?;
    if confirmed != Confirmation::Confirmed {
        return Ok(Changed::NotConfirmed(confirmed));
    }
    let hash = state.hasher.hash(new).await?;
    let now = state.now();
    let (actor2, user_id, keep) = (
        actor.clone(),
        current.user.id.clone(),
        current.session.id.clone(),
    );
    let ended = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !users::set_password(conn, &user_id, &hash, crate::store::naive(now))? {
                    return Err(AppError::NotFound);
                }
                let ended = crate::store::logout::end_all_tx(conn, &user_id, Some(&keep), now)?;
                audit::record(
                    conn,
                    &actor2,
                    Event::new(Action::PasswordChanged, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({
                            "sessions_revoked": ended.sessions,
                            "grants_revoked": ended.grants,
                        })),
                    now,
                )?;
                Ok(ended)
            })
        })
        .await?;
    state.logout.send(ended.notices);
    mail::send_later(
        &state.mailer,
        current.user.email.clone(),
        Message::PasswordChanged {
            link: format!("{}/password/reset", state.config.public_base()),
            when: now.format("%Y-%m-%d %H:%M UTC").to_string(),
        },
        locale,
    );
    Ok(Changed::Done)
}
