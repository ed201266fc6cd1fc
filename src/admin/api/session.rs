//! `GET /api/v1/session`: who is calling, what they reach, and for a
//! signed-in administrator the `X-CSRF-Token` their unsafe requests send.

use actix_web::HttpResponse;
use serde_json::json;

use crate::admin::api::caller::{Caller, Reach};
use crate::admin::api::problem::Problem;

/// `GET /api/v1/session`
pub async fn show(caller: Caller) -> Result<HttpResponse, Problem> {
    let reach = match &caller.reach {
        Reach::Global => json!("global"),
        Reach::Organizations(list) => json!({ "organizations": list }),
    };
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(json!({
            "actor_type": caller.actor.kind.as_str(),
            "actor_id": caller.actor.id,
            "scopes": caller.scopes(),
            "reach": reach,
            "csrf_token": caller.csrf_token,
            "vendor": caller.vendor.as_ref().map(|v| json!({
                "actor_user_id": v.actor_user_id,
                "ticket_reference": v.ticket_reference,
            })),
        })))
}
