//! `ostiary webhook …` (S9): list, create, show, update, delete and
//! rotate the secret of webhook subscriptions, list deliveries (one
//! subscription's, or the dead-letter queue with `--dead`) and replay a
//! dead one — through [`crate::webhooks::admin`], the service the admin
//! API and the console call, as the built-in `cli` system actor with
//! global reach. Prints JSON; the secret only on `create` and
//! `rotate-secret`.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs;
use crate::store::webhooks::DEAD;
use crate::webhooks::admin::{self, NewWebhook, Refusal, WebhookPatch};

/// `ostiary webhook …`
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Every subscription (secrets masked).
    List,
    /// Subscribe; prints the subscription with its `secret` (only this once).
    Create(CreateArgs),
    /// One subscription (its secret masked).
    Show { id: String },
    /// Change a subscription; flags left out stay as they are.
    Update(UpdateArgs),
    /// Delete a subscription and its deliveries.
    Delete { id: String },
    /// A new secret replaces the old one at once; printed only this once.
    RotateSecret { id: String },
    /// A subscription's newest deliveries, or with --dead the dead letters.
    Deliveries {
        /// The subscription (all of them with --dead).
        id: Option<String>,
        /// Only deliveries that failed every attempt (the dead-letter queue).
        #[arg(long)]
        dead: bool,
    },
    /// Put a dead delivery back in line (pending, due now).
    Replay {
        /// The delivery id (its webhook-id header).
        id: String,
    },
}

/// Flags of `ostiary webhook create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    name: String,
    /// The https endpoint.
    #[arg(long)]
    url: String,
    /// An event pattern (repeatable): an audit action (user.created), a
    /// prefix (user.*) or *.
    #[arg(long = "event", value_name = "PATTERN", required = true)]
    events: Vec<String>,
    /// Only this organization's events (its name or id; default: every event).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    /// Create it disabled.
    #[arg(long)]
    disabled: bool,
}

/// Flags of `ostiary webhook update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    id: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    url: Option<String>,
    /// Replace the event patterns (repeatable).
    #[arg(long = "event", value_name = "PATTERN")]
    events: Vec<String>,
    #[arg(long, conflicts_with = "disable")]
    enable: bool,
    #[arg(long)]
    disable: bool,
}

/// A refusal as the CLI's error (the service's own, precise words).
fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotFound => AppError::BadRequest("no such webhook or delivery".into()),
        Refusal::Invalid(i) => {
            let flag = if i.field == "events" {
                "event"
            } else {
                i.field
            };
            AppError::BadRequest(format!("--{flag}: {}", i.message))
        }
        Refusal::NoOrganization => AppError::BadRequest("--org: no such organization".into()),
        Refusal::NotDead => AppError::BadRequest("only a dead delivery can be replayed".into()),
        Refusal::NotGlobal => {
            AppError::BadRequest("the dead-letter queue needs global reach".into())
        }
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// The id of the organization named `org` (by name, else taken as an id,
/// which the service checks).
async fn organization(state: &AppState, org: String) -> Result<String, AppError> {
    state
        .db
        .run(move |conn| {
            Ok(orgs::find_by_name(conn, org.trim())?
                .map_or_else(|| org.trim().to_owned(), |o| o.id.to_string()))
        })
        .await
}

/// Run the command; returns the JSON to print.
pub async fn run(state: &AppState, command: WebhookCommand) -> Result<Value, AppError> {
    let actor = Actor::system("cli");
    match command {
        WebhookCommand::List => {
            // Every subscription, page by page.
            let (mut all, mut after) = (Vec::new(), None);
            loop {
                let page = admin::list(state, None, after, admin::LIST_LIMIT).await?;
                all.extend(page.items);
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            to_json(&all)
        }
        WebhookCommand::Create(args) => {
            let organization_id = match args.org {
                Some(org) => Some(organization(state, org).await?),
                None => None,
            };
            let new = NewWebhook {
                organization_id,
                name: args.name,
                url: args.url,
                events: args.events,
                enabled: !args.disabled,
            };
            to_json(
                &admin::create(state, &actor, None, new)
                    .await?
                    .map_err(refused)?,
            )
        }
        WebhookCommand::Show { id } => {
            let found = admin::show(state, None, id).await?;
            to_json(&found.ok_or_else(|| refused(Refusal::NotFound))?)
        }
        WebhookCommand::Update(args) => {
            let patch = WebhookPatch {
                name: args.name,
                url: args.url,
                events: (!args.events.is_empty()).then_some(args.events),
                enabled: match (args.enable, args.disable) {
                    (true, _) => Some(true),
                    (_, true) => Some(false),
                    _ => None,
                },
            };
            let view = admin::update(state, &actor, None, args.id, patch).await?;
            to_json(&view.map_err(refused)?)
        }
        WebhookCommand::Delete { id } => {
            admin::delete(state, &actor, None, id.clone())
                .await?
                .map_err(refused)?;
            Ok(json!({ "deleted": id }))
        }
        WebhookCommand::RotateSecret { id } => {
            let rotated = admin::rotate_secret(state, &actor, None, id).await?;
            to_json(&rotated.map_err(refused)?)
        }
        WebhookCommand::Deliveries { id, dead } => {
            let items = match (id, dead) {
                (None, false) => {
                    return Err(AppError::BadRequest(
                        "name a webhook, or use --dead for the dead letters".into(),
                    ));
                }
                (None, true) => {
                    admin::with_status(state, &None, DEAD, None, admin::LIST_LIMIT)
                        .await?
                        .map_err(refused)?
                        .items
                }
                (Some(id), dead) => admin::deliveries(state, None, id, None, admin::LIST_LIMIT)
                    .await?
                    .ok_or_else(|| refused(Refusal::NotFound))?
                    .items
                    .into_iter()
                    .filter(|d| !dead || d.status == DEAD)
                    .collect(),
            };
            to_json(&items)
        }
        WebhookCommand::Replay { id } => {
            let view = admin::replay(state, &actor, &None, id).await?;
            to_json(&view.map_err(refused)?)
        }
    }
}
