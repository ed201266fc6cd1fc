//! The signed-in user's own links to upstream providers (S7, SR-112):
//! linking an identity after signing in to the account (the explicit way,
//! when automatic linking by email is not allowed) and unlinking one —
//! never the last way left to sign in (a password, a passkey or another
//! identity must remain: `auth::sign_in_methods`). Both audited with the
//! user as actor.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::sign_in_methods::{Removing, another_remains};
use crate::db::DbConnection;
use crate::domain::{Email, UserId};
use crate::error::AppError;
use crate::federation::identity::Identity;
use crate::federation::provisioning::{link, seal_tokens};
use crate::state::AppState;
use crate::store::identities;
use crate::store::{providers, users, write_tx};

/// The outcome of an explicit link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linked {
    Linked,
    /// This identity was already linked to this account.
    AlreadyLinked,
    /// This identity signs in to another account.
    InUse,
    /// The provider is disabled or the account cannot be changed.
    Unavailable,
}

/// Link `identity` to `user_id`, who signed in to their account and then
/// at the provider.
pub async fn link_signed_in(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    identity: &Identity,
) -> Result<Linked, AppError> {
    let sealed = seal_tokens(state, identity)?;
    let (actor, user_id, identity, now) = (
        actor.clone(),
        user_id.clone(),
        identity.clone(),
        state.now(),
    );
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                link_tx(conn, &actor, &user_id, &identity, sealed.as_deref(), now)
            })
        })
        .await
}

fn link_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &UserId,
    identity: &Identity,
    sealed: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Linked, AppError> {
    let provider = providers::find(conn, &identity.provider_id)?.filter(|p| p.enabled);
    let user = users::find(conn, user_id)?.filter(|u| !u.locked);
    let (Some(provider), Some(_)) = (provider, user) else {
        return Ok(Linked::Unavailable);
    };
    if let Some(existing) = identities::find(conn, &provider.id, &identity.subject)? {
        if existing.user_id == *user_id {
            return Ok(Linked::AlreadyLinked);
        }
        audit::record(
            conn,
            actor,
            Event::new(Action::IdentityLinked, Outcome::Failure)
                .target("user", user_id)
                .details(json!({
                    "provider": provider.id,
                    "subject": identity.subject,
                    "reason": "identity_in_use",
                })),
            now,
        )?;
        return Ok(Linked::InUse);
    }
    let email = identity.email.as_deref().and_then(|e| Email::parse(e).ok());
    let tokens = sealed.filter(|_| provider.keep_tokens);
    link(conn, identity, user_id, email.as_ref(), tokens, now)?;
    audit::record(
        conn,
        actor,
        Event::new(Action::IdentityLinked, Outcome::Success)
            .target("user", user_id)
            .details(json!({
                "provider": provider.id,
                "subject": identity.subject,
                "by": "signed_in_user",
            })),
        now,
    )?;
    Ok(Linked::Linked)
}

/// The outcome of an unlink.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unlinked {
    Unlinked,
    /// No such identity on this account.
    NotFound,
    /// It is the account's only way to sign in.
    LastMethod,
}

/// Remove the link of (`provider_id`, `subject`) from `user_id`'s account.
/// The check and the delete are one audited write transaction, so two
/// concurrent unlinks cannot both remove "the other" last method.
pub async fn unlink(
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    provider_id: &str,
    subject: &str,
) -> Result<Unlinked, AppError> {
    let (actor, user_id, now) = (actor.clone(), user_id.clone(), state.now());
    let (provider_id, subject) = (provider_id.to_owned(), subject.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mine = identities::find(conn, &provider_id, &subject)?
                    .is_some_and(|i| i.user_id == user_id);
                if !mine {
                    return Ok(Unlinked::NotFound);
                }
                if !another_remains(conn, &user_id, Removing::Identity)? {
                    return Ok(Unlinked::LastMethod);
                }
                if !identities::delete_one(conn, &user_id, &provider_id, &subject)? {
                    return Ok(Unlinked::NotFound);
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::IdentityUnlinked, Outcome::Success)
                        .target("user", &user_id)
                        .details(json!({ "provider": provider_id, "subject": subject })),
                    now,
                )?;
                Ok(Unlinked::Unlinked)
            })
        })
        .await
}
