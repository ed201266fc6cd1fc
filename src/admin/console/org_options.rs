//! The organizations a console caller reaches, as a form's choices (the
//! organization of a new API key, the organizations to brand). The reach
//! is applied in the query, so other organizations never appear.

use crate::admin::api::caller::Caller;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs;

/// At most this many organizations are offered in one choice.
pub const MAX_CHOICES: i64 = 500;

/// An organization to choose.
#[derive(Debug, Clone)]
pub struct OrgOption {
    pub id: String,
    pub name: String,
}

/// The organizations in `caller`'s reach, by name.
pub async fn in_reach(state: &AppState, caller: &Caller) -> Result<Vec<OrgOption>, AppError> {
    let ids = caller.reach.organization_ids();
    let mut found: Vec<OrgOption> = state
        .db
        .run(move |conn| orgs::page(conn, ids.as_deref(), None, None, MAX_CHOICES))
        .await?
        .into_iter()
        .map(|o| OrgOption {
            id: o.id.to_string(),
            name: o.name,
        })
        .collect();
    found.sort_by_key(|o| o.name.to_lowercase());
    Ok(found)
}
