//! `POST /api/v1/users/{id}/…` (S8): one-step actions on a user in the
//! caller's reach — disable, enable, revoke sessions, unlock, verify the
//! address, reset MFA — each through `users::admin` (`users:write`).

use actix_web::{HttpResponse, web};

use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Conflicting, Missing, Problem, Refusals};
use crate::admin::api::users::{change, changed};
use crate::state::AppState;
use crate::users::admin::Change;

/// `POST /api/v1/users/{id}/disable`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/disable",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Disabled: the account signs in no more, its sessions and grants are gone", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn disable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Disable).await?)
}

/// `POST /api/v1/users/{id}/enable`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/enable",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Enabled again", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn enable(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Enable).await?)
}

/// `POST /api/v1/users/{id}/revoke-sessions`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/revoke-sessions",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Every session and grant of the user ended", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::RevokeSessions).await?)
}

/// `POST /api/v1/users/{id}/unlock`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/unlock",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The sign-in throttle's counters on the account are forgotten", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn unlock(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Unlock).await?)
}

/// `POST /api/v1/users/{id}/verify-email`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/verify-email",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The address counts as verified", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn verify_email(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::VerifyEmail).await?)
}

/// `POST /api/v1/users/{id}/reset-mfa`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/reset-mfa",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Every second factor (TOTP, backup codes, passkeys) removed and the sessions ended: the user enrols again", body = crate::users::accounts::UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn reset_mfa(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::ResetMfa).await?)
}
