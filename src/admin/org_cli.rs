//! `ostiary org …` (S1, S2): create and rename organizations, list them,
//! and set or remove a member's role — through `users::organizations`, the
//! service the admin API and the console use, with an operator's reach.
//! Prints JSON.

use clap::Subcommand;
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::domain::{Role, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{orgs, users};
use crate::users::admin::Reach;
use crate::users::organizations::{self, MemberChange, check_name};

/// `ostiary org …`
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organization; prints `{"id", "name"}`.
    Create {
        #[arg(long)]
        name: String,
    },
    /// Every organization.
    List,
    /// Give a user (ID or email) a role in an organization (adding them).
    SetRole {
        /// The organization's name.
        #[arg(long)]
        org: String,
        #[arg(long)]
        user: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// Remove a user (ID or email) from an organization.
    RemoveMember {
        #[arg(long)]
        org: String,
        #[arg(long)]
        user: String,
    },
}

fn refused(refusal: organizations::Refusal) -> AppError {
    AppError::BadRequest(refusal.message().to_owned())
}

/// The organization's id and the user's id, or a precise error.
async fn member(
    state: &AppState,
    org: String,
    user: String,
) -> Result<(crate::domain::OrganizationId, UserId), AppError> {
    state
        .db
        .run(move |conn| {
            let found = orgs::find_by_name(conn, org.trim())?
                .ok_or_else(|| AppError::BadRequest(format!("no organization named {org:?}")))?;
            let wanted = user.trim();
            let who = if wanted.contains('@') {
                users::find_by_email(conn, &wanted.to_lowercase())?
            } else {
                users::find(conn, &UserId::from(wanted))?
            };
            let who = who.ok_or_else(|| AppError::BadRequest(format!("no user {user:?}")))?;
            Ok((found.id, who.id))
        })
        .await
}

/// Run the command; returns the JSON to print.
pub async fn run(state: &AppState, command: OrgCommand) -> Result<Value, AppError> {
    let (actor, reach) = (
        Actor::system("cli"),
        Reach {
            organizations: None,
        },
    );
    match command {
        OrgCommand::Create { name } => {
            let name =
                check_name(&name).map_err(|e| AppError::BadRequest(format!("--name {e}")))?;
            let org = organizations::create(state, &actor, &reach, name)
                .await?
                .map_err(refused)?;
            Ok(json!({ "id": org.id, "name": org.name }))
        }
        OrgCommand::List => {
            let all = state
                .db
                .run(|conn| orgs::page(conn, None, None, None, i64::MAX))
                .await?;
            Ok(Value::Array(
                all.into_iter()
                    .map(|o| json!({ "id": o.id, "name": o.name, "created_at": o.created_at.and_utc() }))
                    .collect(),
            ))
        }
        OrgCommand::SetRole { org, user, role } => {
            let (org, user) = member(state, org, user).await?;
            organizations::set_member(state, &actor, &reach, &org, &user, MemberChange::Set(role))
                .await?
                .map_err(refused)?;
            Ok(json!({ "organization_id": org, "user_id": user, "role": role }))
        }
        OrgCommand::RemoveMember { org, user } => {
            let (org, user) = member(state, org, user).await?;
            organizations::set_member(state, &actor, &reach, &org, &user, MemberChange::Remove)
                .await?
                .map_err(refused)?;
            Ok(json!({ "organization_id": org, "user_id": user, "removed": true }))
        }
    }
}
