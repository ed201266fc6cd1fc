//! `ostiary mfa …`: MFA policies and upstream acknowledgments from the
//! command line (until the admin console exists). Prints JSON.

use clap::Subcommand;

use crate::audit::Actor;
use crate::auth::mfa::{admin, policy::Scope};
use crate::error::AppError;
use crate::state::AppState;

/// `ostiary mfa …`
#[derive(Debug, Subcommand)]
pub enum MfaCommand {
    /// MFA policy rules.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Accept an upstream's own MFA for SSO logins through it (audited).
    AcknowledgeUpstream {
        /// Upstream connector type (oidc, google, github, microsoft, okta, jumpcloud, saml, ldap).
        #[arg(long)]
        upstream: String,
    },
}

/// `ostiary mfa policy …`
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Create or change a rule.
    Set {
        /// global, login-method, upstream, organization or client.
        #[arg(long)]
        scope: String,
        /// Login method (password, email_code, passkey), upstream type,
        /// organization name or client id; none for global.
        #[arg(long)]
        subject: Option<String>,
        /// required or optional.
        #[arg(long, default_value = "required")]
        requirement: String,
    },
    /// Delete a rule.
    Remove {
        #[arg(long)]
        scope: String,
        #[arg(long)]
        subject: Option<String>,
    },
    /// Show every rule and acknowledgment.
    List,
}

fn scope(s: &str) -> Result<Scope, AppError> {
    Scope::parse(s).ok_or_else(|| {
        AppError::BadRequest(format!(
            "unknown scope {s:?}; expected global, login-method, upstream, organization or client"
        ))
    })
}

/// Run the command; returns the JSON to print.
pub async fn run(state: &AppState, command: MfaCommand) -> Result<serde_json::Value, AppError> {
    let now = state.now();
    let actor = Actor::system("cli");
    match command {
        MfaCommand::Policy(PolicyCommand::Set {
            scope: s,
            subject,
            requirement,
        }) => {
            let scope = scope(&s)?;
            let row = state
                .db
                .run(move |conn| {
                    admin::set(
                        conn,
                        &actor,
                        None,
                        scope,
                        subject.as_deref(),
                        &requirement,
                        now,
                    )
                })
                .await??;
            Ok(serde_json::to_value(row).unwrap_or_default())
        }
        MfaCommand::Policy(PolicyCommand::Remove { scope: s, subject }) => {
            let scope = scope(&s)?;
            let removed = state
                .db
                .run(move |conn| admin::remove(conn, &actor, None, scope, subject.as_deref(), now))
                .await??;
            Ok(serde_json::json!({ "removed": removed }))
        }
        MfaCommand::Policy(PolicyCommand::List) => {
            let all = state.db.run(|conn| admin::list(conn, None)).await?;
            serde_json::to_value(all).map_err(|e| AppError::Internal(format!("json: {e}")))
        }
        MfaCommand::AcknowledgeUpstream { upstream } => {
            let created = state
                .db
                .run(move |conn| admin::acknowledge_upstream(conn, &actor, None, &upstream, now))
                .await??;
            Ok(serde_json::json!({ "acknowledged": true, "new": created }))
        }
    }
}
