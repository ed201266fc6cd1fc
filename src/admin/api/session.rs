//! `GET /api/v1/session`: who is calling, what they reach, and for a
//! signed-in administrator the `X-CSRF-Token` their unsafe requests send.

use actix_web::HttpResponse;
use serde::Serialize;

use crate::admin::api::caller::{Caller, Reach};
use crate::admin::api::problem::{Problem, Refusals};

/// A support key's declared purpose.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct VendorView {
    pub actor_user_id: String,
    pub ticket_reference: String,
}

/// The caller.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    /// `user` (a session) or `api_key`.
    pub actor_type: String,
    /// The user's or the key's id.
    pub actor_id: Option<String>,
    pub scopes: Vec<String>,
    /// `null` for everything, else the organizations' ids.
    pub organizations: Option<Vec<String>>,
    /// For a session: the `X-CSRF-Token` of unsafe requests.
    pub csrf_token: Option<String>,
    pub vendor: Option<VendorView>,
}

/// `GET /api/v1/session`
#[utoipa::path(
    get,
    path = "/api/v1/session",
    tag = "session",
    responses(
        (status = 200, description = "The caller", body = SessionView),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(caller: Caller) -> Result<HttpResponse, Problem> {
    let organizations = match &caller.reach {
        Reach::Global => None,
        Reach::Organizations(list) => Some(list.iter().map(ToString::to_string).collect()),
    };
    let view = SessionView {
        actor_type: caller.actor.kind.as_str().to_owned(),
        actor_id: caller.actor.id.clone(),
        scopes: caller.scopes().to_vec(),
        organizations,
        csrf_token: caller.csrf_token.clone(),
        vendor: caller.vendor.as_ref().map(|v| VendorView {
            actor_user_id: v.actor_user_id.to_string(),
            ticket_reference: v.ticket_reference.clone(),
        }),
    };
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(view))
}
