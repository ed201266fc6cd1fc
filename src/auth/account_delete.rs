//! A signed-in user deletes their own account (S2, SR-65, SR-82): confirmed
//! like a credential change ([`confirm_password`]), then soft-deleted with
//! every session and grant ended, back-channel logout sent and an audit
//! record, through [`crate::users::accounts::delete_user`] (the same rule as an
//! administrator's deletion). The last active superuser cannot delete
//! themselves: the instance would be left without an administrator.

use crate::audit::Actor;
use crate::auth::CurrentSession;
use crate::auth::confirm_password::{self, Confirmation};
use crate::domain::Password;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{users, write_tx};

/// The answer to a deletion request.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Done,
    NotConfirmed(Confirmation),
    /// This is the last administrator.
    LastAdministrator,
}

/// Delete the account signed in as `current`.
pub async fn delete_own(
    state: &AppState,
    actor: &Actor,
    current: &CurrentSession,
    password: &Password,
) -> Result<Deleted, AppError> {
    let confirmed =
        confirm_password::confirm(state, actor, current, password, "account_delete").await?;
    if confirmed != Confirmation::Confirmed {
        return Ok(Deleted::NotConfirmed(confirmed));
    }
    let now = state.now();
    let (actor, user_id, superuser) = (
        actor.clone(),
        current.user.id.clone(),
        current.user.superuser,
    );
    let notices = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if superuser && users::count_superusers(conn)? <= 1 {
                    return Ok(None);
                }
                crate::users::accounts::delete_user(conn, &actor, &user_id, now).map(Some)
            })
        })
        .await?;
    match notices {
        Some(notices) => {
            state.logout.send(notices);
            Ok(Deleted::Done)
        }
        None => Ok(Deleted::LastAdministrator),
    }
}
