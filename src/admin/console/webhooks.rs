//! `/admin/webhooks` (S9, issue 16): the webhook subscriptions in the
//! caller's reach — organization admins see their organizations', a
//! superuser all — through `webhooks::admin::list`, the service the admin
//! API calls; and the rows the webhook pages share (a subscription, a
//! delivery, times as the console shows them).

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::org_options::{self, OrgOption};
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::webhooks::admin::{self, DeliveryView, WebhookView};

pub const PAGE: &str = "/admin/webhooks";
/// The navigation section of every webhook page.
pub const SECTION: &str = "webhooks";

/// A subscription as the pages show it.
pub struct HookRow {
    pub id: String,
    pub name: String,
    pub url: String,
    /// The organization's name (none: a global subscription).
    pub organization: Option<String>,
    pub organization_id: Option<String>,
    pub events: Vec<String>,
    pub enabled: bool,
    pub secret_hint: String,
    pub created_at: String,
    pub updated_at: String,
}

impl HookRow {
    pub fn of(view: WebhookView, orgs: &[OrgOption]) -> Self {
        let organization = view.organization_id.as_ref().map(|id| {
            orgs.iter()
                .find(|o| &o.id == id)
                .map_or_else(|| id.clone(), |o| o.name.clone())
        });
        Self {
            id: view.id,
            name: view.name,
            url: view.url,
            organization,
            organization_id: view.organization_id,
            events: view.events,
            enabled: view.enabled,
            secret_hint: view.secret_hint,
            created_at: shown(&view.created_at),
            updated_at: shown(&view.updated_at),
        }
    }
}

/// A delivery as the pages show it (never its payload).
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: String,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

impl DeliveryRow {
    pub fn of(d: DeliveryView) -> Self {
        Self {
            id: d.id,
            webhook_id: d.webhook_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            next_attempt_at: shown(&d.next_attempt_at),
            last_status: d.last_status,
            last_error: d.last_error,
            created_at: shown(&d.created_at),
            delivered_at: d.delivered_at.as_deref().map(shown),
        }
    }

    /// The message key of its status.
    pub fn status_key(&self) -> &'static str {
        match self.status.as_str() {
            "delivered" => "admin.webhooks.status.delivered",
            "dead" => "admin.webhooks.status.dead",
            _ => "admin.webhooks.status.pending",
        }
    }
}

/// An RFC 3339 time as the console shows it (`2026-12-01 14:05 UTC`).
pub fn shown(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339).map_or_else(
        |_| rfc3339.to_owned(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// The organizations the caller reaches (to name subscriptions' owners).
pub async fn organizations(
    state: &AppState,
    console: &Console,
) -> Result<Vec<OrgOption>, AppError> {
    org_options::in_reach(state, &console.caller).await
}

#[derive(Template)]
#[template(path = "admin/webhooks/list.html")]
pub struct WebhooksPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub hooks: Vec<HookRow>,
}

/// `GET /admin/webhooks`
pub async fn get_list(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("webhooks"))
        .map_err(respond::problem)?;
    let orgs = organizations(&state, &console).await?;
    let hooks = admin::list(
        &state,
        console.caller.reach.organization_ids(),
        None,
        admin::LIST_LIMIT,
    )
    .await?
    .items;
    respond::page(&WebhooksPage {
        t: console.chrome.t,
        chrome: console.chrome(SECTION),
        hooks: hooks.into_iter().map(|h| HookRow::of(h, &orgs)).collect(),
    })
}
