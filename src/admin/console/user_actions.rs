//! `POST /admin/users/{id}/…` (S8): the one-step actions of a user's page
//! — disable, enable, unlock, verify the address, reset MFA, end all
//! sessions or one, soft delete, restore — each through `users::admin`
//! like the admin API (`users:write`; one session: `sessions:write`).
//! Each answers `303` to the user's page with what happened; a refusal
//! shows its reason, another organization's user is not found (404).

use actix_web::{HttpResponse, web};

use crate::admin::api::users::reach_of;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::users::user_path;
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::domain::{SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::users::admin::{self, Change, Refusal};

/// The flash key (`admin.error.KEY`) of a refusal; `None`: not found.
pub fn refusal_key(refusal: Refusal) -> Option<&'static str> {
    match refusal {
        Refusal::NotFound => None,
        Refusal::Protected => Some("user_protected"),
        Refusal::NeedsGlobal => Some("user_needs_global"),
        Refusal::Itself => Some("user_itself"),
        Refusal::EmailTaken => Some("user_email_taken"),
        Refusal::LastSuperuser => Some("user_last_superuser"),
    }
}

/// Make `change` to user `id` as the console's caller: `303` to `back`
/// (the user's page) with `notice`, or with the refusal.
pub async fn apply(
    state: &AppState,
    console: &Console,
    id: &str,
    change: Change,
    notice: &str,
    back: &str,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    let outcome = admin::apply(
        state,
        &caller.actor,
        reach_of(caller),
        &UserId::from(id.to_owned()),
        change,
    )
    .await?;
    match outcome {
        Ok(_) => Ok(respond::done(back, notice)),
        Err(refusal) => match refusal_key(refusal) {
            Some(key) => Ok(respond::refused(back, key)),
            None => Err(AppError::NotFound),
        },
    }
}

/// An action's change and the notice of its success.
fn action(name: &str) -> Option<(Change, &'static str)> {
    Some(match name {
        "disable" => (Change::Disable, "user_disabled"),
        "enable" => (Change::Enable, "user_enabled"),
        "unlock" => (Change::Unlock, "user_unlocked"),
        "verify-email" => (Change::VerifyEmail, "user_email_verified"),
        "reset-mfa" => (Change::ResetMfa, "user_mfa_reset"),
        "revoke-sessions" => (Change::RevokeSessions, "user_sessions_revoked"),
        "delete" => (Change::Delete, "user_deleted"),
        "restore" => (Change::Restore, "user_restored"),
        _ => return None,
    })
}

/// `POST /admin/users/{id}/{action}`
pub async fn post_action(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, name) = path.into_inner();
    let page = user_path(&id)?;
    let (change, notice) = action(&name).ok_or(AppError::NotFound)?;
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    // A deleted account's page is for superusers; others go to the list.
    let back = if change == Change::Delete && !console.global() {
        "/admin/users".to_owned()
    } else {
        page
    };
    apply(&state, &console, &id, change, notice, &back).await
}

/// `POST /admin/users/{id}/sessions/{session}/end`
pub async fn post_end_session(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, session) = path.into_inner();
    let page = user_path(&id)?;
    console
        .caller
        .require(Scope::write("sessions"))
        .map_err(respond::problem)?;
    let change = Change::RevokeSession(SessionId::from(session));
    apply(&state, &console, &id, change, "user_session_ended", &page).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_change_and_unknown_ones_none() {
        for name in [
            "disable",
            "enable",
            "unlock",
            "verify-email",
            "reset-mfa",
            "revoke-sessions",
            "delete",
            "restore",
        ] {
            assert!(action(name).is_some(), "{name}");
        }
        assert!(action("edit").is_none());
        assert!(action("").is_none());
        assert_eq!(refusal_key(Refusal::NotFound), None);
    }
}
