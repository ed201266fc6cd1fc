//! `ostiary client registration-token create|list|revoke`: initial access
//! tokens for dynamic client registration through [`super::tokens`] (the
//! service the admin API uses), with global reach; prints JSON, the token
//! once.

use clap::Subcommand;
use serde_json::Value;

use crate::audit::Actor;
use crate::error::AppError;
use crate::oidc::clients::admin::Refusal;
use crate::oidc::registration::tokens::{self, NewToken};
use crate::state::AppState;
use crate::store::orgs;

/// `ostiary client registration-token …`
#[derive(Debug, Subcommand)]
pub enum RegistrationTokenCommand {
    /// Issue an initial access token; prints {"token", "id", …} (the token only now).
    Create {
        /// Lifetime: 30s, 15m, 12h or 30d (default: no expiry).
        #[arg(long, value_name = "D")]
        expires_in: Option<String>,
        /// How many clients it may register (default: no limit).
        #[arg(long, value_name = "N")]
        max_uses: Option<i32>,
        /// The organization the registered clients belong to (by name).
        #[arg(long, value_name = "NAME")]
        organization: Option<String>,
    },
    /// Every initial access token (never the tokens themselves).
    List,
    /// Revoke one: it registers no more clients.
    Revoke { id: String },
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotFound => AppError::BadRequest("no such registration token".into()),
        Refusal::Invalid(invalid) => AppError::BadRequest(invalid.to_string()),
        Refusal::NoOrganization => {
            AppError::BadRequest("--organization: no such organization".into())
        }
        other => AppError::BadRequest(format!("refused: {other:?}")),
    }
}

/// Run the command with global reach; returns the JSON to print.
pub async fn run(state: &AppState, command: RegistrationTokenCommand) -> Result<Value, AppError> {
    let actor = Actor::system("cli");
    match command {
        RegistrationTokenCommand::Create {
            expires_in,
            max_uses,
            organization,
        } => {
            let organization_id = match organization {
                None => None,
                Some(name) => {
                    let lookup = name.clone();
                    let found = state
                        .db
                        .run(move |conn| orgs::find_by_name(conn, lookup.trim()))
                        .await?;
                    Some(
                        found
                            .ok_or_else(|| {
                                AppError::BadRequest(format!(
                                    "--organization: no organization named {name:?}"
                                ))
                            })?
                            .id,
                    )
                }
            };
            let new = NewToken {
                expires_in: expires_in
                    .as_deref()
                    .map(crate::domain::parse_duration)
                    .transpose()
                    .map_err(|why| AppError::BadRequest(format!("--expires-in {why}")))?,
                max_uses,
                organization_id,
            };
            to_json(
                &tokens::create(state, &actor, None, new)
                    .await?
                    .map_err(refused)?,
            )
        }
        RegistrationTokenCommand::List => to_json(&tokens::list(state, None).await?),
        RegistrationTokenCommand::Revoke { id } => to_json(
            &tokens::revoke(state, &actor, None, id)
                .await?
                .map_err(refused)?,
        ),
    }
}
