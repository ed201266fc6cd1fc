//! `/admin/webhook-deliveries` (S9, issue 16): the dead-letter queue —
//! deliveries that failed every attempt: event, subscription, last error,
//! attempts — and replaying one (POST with CSRF). Superusers only: the
//! rule is `webhooks::admin::may_inspect_deliveries`, the one the admin
//! API applies, so an organization's admin gets 403 here too.

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::webhooks::{DeliveryRow, SECTION};
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::webhooks::DEAD;
use crate::webhooks::admin::{self, Refusal};

pub const DEAD_LETTERS: &str = "/admin/webhook-deliveries";

/// A dead letter with the name of its subscription.
pub struct DeadRow {
    pub delivery: DeliveryRow,
    /// The subscription's name (its id when it cannot be named).
    pub webhook: String,
}

#[derive(Template)]
#[template(path = "admin/webhooks/dead_letters.html")]
pub struct DeadLettersPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<DeadRow>,
}

fn refused(console: &Console, refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotGlobal => AppError::Forbidden(
            console
                .chrome
                .t
                .text("admin.webhooks.dead_forbidden")
                .into(),
        ),
        _ => AppError::NotFound,
    }
}

/// `GET /admin/webhook-deliveries`: the dead letters, newest first.
pub async fn get_dead(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("webhooks"))
        .map_err(respond::problem)?;
    let reach = console.caller.reach.organization_ids();
    let dead = admin::with_status(&state, &reach, DEAD, None, admin::LIST_LIMIT)
        .await?
        .map_err(|r| refused(&console, r))?
        .items;
    let hooks = admin::list(&state, reach, None, admin::LIST_LIMIT)
        .await?
        .items;
    let rows = dead
        .into_iter()
        .map(|d| {
            let webhook = hooks
                .iter()
                .find(|h| h.id == d.webhook_id)
                .map_or_else(|| d.webhook_id.clone(), |h| h.name.clone());
            DeadRow {
                delivery: DeliveryRow::of(d),
                webhook,
            }
        })
        .collect();
    respond::page(&DeadLettersPage {
        t: console.chrome.t,
        chrome: console.chrome(SECTION),
        rows,
    })
}

/// `POST /admin/webhook-deliveries/{id}/replay`: back in line, due now.
pub async fn post_replay(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("webhooks"))
        .map_err(respond::problem)?;
    let reach = console.caller.reach.organization_ids();
    match admin::replay(&state, &console.caller.actor, &reach, path.into_inner()).await? {
        Ok(_) => Ok(respond::done(DEAD_LETTERS, "webhook_replayed")),
        Err(Refusal::NotDead) => Ok(respond::refused(DEAD_LETTERS, "webhook_not_dead")),
        Err(refusal) => Err(refused(&console, refusal)),
    }
}
