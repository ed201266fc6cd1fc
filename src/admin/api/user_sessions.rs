//! `/api/v1/users/{id}/sessions` (S8): a user's live browser sessions
//! (`sessions:read`) and ending one of them with the grants made in it
//! (`sessions:write`, through `users::admin` like every change to a user).

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Missing, Problem, Refusals};
use crate::admin::api::users::reach_of;
use crate::admin::scopes::Scope;
use crate::domain::{SessionId, UserId};
use crate::state::AppState;
use crate::store::{naive, sessions, users, utc};
use crate::users::admin::{self, Change};

/// A live session, without anything that would let one use it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserSessionView {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub auth_time: DateTime<Utc>,
    /// How the user signed in (`pwd`, `otp`, `hwk`, …).
    pub amr: Vec<String>,
    pub ip: String,
    pub user_agent: String,
    pub device: String,
}

/// A user's live sessions, newest first (at most 100).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionList {
    pub items: Vec<UserSessionView>,
}

/// `GET /api/v1/users/{id}/sessions`
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}/sessions",
    tag = "sessions",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The user's live sessions, most recently seen first", body = SessionList),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("sessions"))?;
    let id = UserId::from(path.into_inner());
    let orgs = caller.reach.organization_ids();
    let now = state.now();
    let idle_cutoff = naive(now - Duration::seconds(state.config.session.idle_timeout_secs));
    let found = state
        .db
        .run(move |conn| {
            if users::find_in_reach(conn, orgs.as_deref(), false, &id)?.is_none() {
                return Ok(None);
            }
            sessions::list_live(conn, &id, naive(now), idle_cutoff).map(Some)
        })
        .await?
        .ok_or_else(Problem::not_found)?;
    let items = found
        .into_iter()
        .map(|s| UserSessionView {
            id: s.id.to_string(),
            created_at: utc(s.created_at),
            last_seen_at: utc(s.last_seen_at),
            expires_at: utc(s.expires_at),
            auth_time: utc(s.auth_time),
            amr: s.amr.into_vec(),
            ip: s.ip,
            user_agent: s.user_agent,
            device: s.device_label,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SessionList { items }))
}

/// `DELETE /api/v1/users/{id}/sessions/{session_id}`
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}/sessions/{session_id}",
    tag = "sessions",
    params(
        ("id" = String, Path, description = "The user's id"),
        ("session_id" = String, Path, description = "The session's id"),
    ),
    responses(
        (status = 204, description = "The session and the grants made in it ended"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("sessions"))?;
    let (user, session) = path.into_inner();
    let change = Change::RevokeSession(SessionId::from(session));
    admin::apply(
        &state,
        &caller.actor,
        reach_of(&caller),
        &UserId::from(user),
        change,
    )
    .await?
    .map_err(crate::admin::api::users::refused)?;
    Ok(HttpResponse::NoContent().finish())
}
