//! Changes a signed-in user makes to their own account from `/account`:
//! disconnecting an application (SR-22), the display name, the phone
//! number and address. Each runs
//! in one write transaction with its audit record.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::domain::{ClientId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{consents, grants, naive, users, write_tx};
use crate::users::contact;

/// Forget the user's consent for `client_id` and revoke every grant (and
/// so every token) of the user with that client. `false` when there was
/// no consent (nothing changes then).
pub async fn revoke_consent(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    client_id: &ClientId,
) -> Result<bool, AppError> {
    let (user_id, client_id) = (user_id.to_owned(), client_id.to_owned());
    let now = state.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !consents::delete(conn, &user_id, &client_id)? {
                    return Ok(false);
                }
                let revoked =
                    grants::revoke_for_user_client(conn, &user_id, &client_id, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ConsentRevoked, Outcome::Success)
                        .target("client", client_id.as_str())
                        .details(serde_json::json!({ "grants_revoked": revoked })),
                    now,
                )?;
                Ok(true)
            })
        })
        .await
}

/// Change the display name from `before` to `name` (already checked by the
/// page), audited with both. Nothing is written when it is unchanged;
/// [`AppError::NotFound`] when the user is gone.
pub async fn set_display_name(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    before: &str,
    name: &str,
) -> Result<(), AppError> {
    if name == before {
        return Ok(());
    }
    let (user_id, before, name) = (user_id.to_owned(), before.to_owned(), name.to_owned());
    let now = state.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !users::set_display_name(conn, &user_id, &name, naive(now))? {
                    return Err(AppError::NotFound);
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProfileUpdated, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({
                            "display_name": { "before": before, "after": name },
                        })),
                    now,
                )
            })
        })
        .await
}

/// Change the user's own phone number and address (checked by
/// [`contact::check`]; the account page never sets the verified flag),
/// audited as `user.profile_updated` with before/after of what changed.
/// Nothing is written when nothing changes; [`AppError::NotFound`] when
/// the user is gone.
pub async fn set_contact(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    change: contact::CheckedContact,
) -> Result<(), AppError> {
    let user_id = user_id.to_owned();
    let now = state.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let user = users::find(conn, &user_id)?.ok_or(AppError::NotFound)?;
                let (before, after) = contact::apply_tx(conn, &user, &change, now)?;
                if after.is_empty() {
                    return Ok(());
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProfileUpdated, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "before": before, "after": after })),
                    now,
                )
            })
        })
        .await
}
