//! Accepting an upstream's own MFA from the provider wizard or a
//! provider's page (S5): the acknowledgment `ostiary mfa
//! acknowledge-upstream` and `/api/v1/mfa-policies/acknowledge-upstream`
//! make, through the same service — for callers of global reach only,
//! audited. It covers every provider of the kind's upstream type.

use actix_web::HttpResponse;

use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::mfa::admin::{self, OutOfReach};
use crate::error::AppError;
use crate::federation::Kind;
use crate::state::AppState;

/// Accept `kind`'s upstream MFA, then `303` to `back` with `notice` (or
/// the refusal).
pub async fn accept(
    console: &Console,
    state: &AppState,
    kind: Kind,
    back: &str,
    notice: &str,
) -> Result<HttpResponse, AppError> {
    if console.caller.require(Scope::write("policies")).is_err() {
        return Ok(respond::refused(back, "mfa_global_only"));
    }
    let (actor, reach, now) = (
        console.caller.actor.clone(),
        console.caller.reach.organization_ids(),
        state.now(),
    );
    let upstream = kind.upstream_type();
    let answer = state
        .db
        .run(move |conn| admin::acknowledge_upstream(conn, &actor, reach.as_deref(), upstream, now))
        .await?;
    Ok(match answer {
        Ok(_) => respond::done(back, notice),
        Err(OutOfReach::GlobalOnly) => respond::refused(back, "mfa_global_only"),
        Err(OutOfReach::NotFound) => return Err(AppError::NotFound),
    })
}
