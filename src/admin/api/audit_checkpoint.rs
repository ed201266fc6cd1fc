//! `POST /api/v1/audit-checkpoints` (S9, SR-151): a signed checkpoint of
//! the audit chain head, to keep outside the database and check later with
//! `ostiary audit verify --checkpoint FILE`. The chain spans every
//! organization: global reach only. Making one is recorded
//! (`audit.checkpointed`). The console's "Download checkpoint" calls
//! [`make`].

use actix_web::{HttpResponse, web};

use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::audit::checkpoint::{self, Checkpoint};
use crate::audit::{self, Action, Event, Outcome};
use crate::state::AppState;

/// A checkpoint for `caller` (`audit:read`, global reach), recorded.
pub async fn make(state: &AppState, caller: &Caller) -> Result<Checkpoint, Problem> {
    caller.require(Scope::read("audit"))?;
    if caller.reach.organization_ids().is_some() {
        return Err(Problem::forbidden(
            "the audit chain spans the whole deployment: checkpoints need global reach",
        ));
    }
    let made = checkpoint::issue(
        &state.db,
        &state.keys.snapshot(),
        state.config.public_base(),
        state.now(),
    )
    .await?;
    let event = Event::new(Action::AuditCheckpointed, Outcome::Success)
        .details(serde_json::json!({ "audit_seq": made.audit_seq, "audit_hash": made.audit_hash }));
    audit::record_alone(&state.db, caller.actor.clone(), event, state.now()).await?;
    Ok(made)
}

/// `POST /api/v1/audit-checkpoints`
#[utoipa::path(
    post,
    path = "/api/v1/audit-checkpoints",
    tag = "audit",
    responses(
        (status = 201, description = "A signed checkpoint of the chain head", body = Checkpoint),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    let made = make(&state, &caller).await?;
    Ok(HttpResponse::Created().json(made))
}
