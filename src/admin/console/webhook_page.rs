//! One webhook subscription in the console (S9): its settings, the edit
//! form (URL, name, event patterns, enabled), rotating its secret (shown
//! once), deleting it after a confirmation, and its recent deliveries
//! (status, attempts, last error, next attempt). Everything goes through
//! `webhooks::admin`, the admin API's service, with the caller's reach:
//! another organization's subscription is not found (404).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::webhook_form::{self, WebhookForm};
use crate::admin::console::webhook_new::refused_field;
use crate::admin::console::webhook_secret;
use crate::admin::console::webhooks::{self, DeliveryRow, HookRow, PAGE, SECTION};
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;
use crate::webhooks::admin::{self, Refusal, WebhookPatch};

#[derive(Template)]
#[template(path = "admin/webhooks/show.html")]
pub struct WebhookPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub hook: HookRow,
    pub form: WebhookForm,
    pub groups: Vec<String>,
    pub deliveries: Vec<DeliveryRow>,
    /// The field at fault in the edit form, if any.
    pub invalid: Option<&'static str>,
}

impl WebhookPage {
    /// The message for `field` when it is the one at fault.
    pub fn error_for(&self, field: &str) -> Option<&'static str> {
        (self.invalid == Some(field)).then(|| self.t.text(webhook_form::error_key(field)))
    }
}

fn page_of(id: &str) -> String {
    format!("{PAGE}/{id}")
}

/// The page of subscription `id` (404 out of reach), with `form` shown in
/// the edit form when given.
async fn render(
    console: &Console,
    state: &AppState,
    id: String,
    form: Option<WebhookForm>,
    invalid: Option<&'static str>,
) -> Result<WebhookPage, AppError> {
    let reach = console.caller.reach.organization_ids();
    let view = admin::show(state, reach.clone(), id.clone())
        .await?
        .ok_or(AppError::NotFound)?;
    let deliveries = admin::deliveries(state, reach, id, None, admin::LIST_LIMIT)
        .await?
        .ok_or(AppError::NotFound)?
        .items;
    let orgs = webhooks::organizations(state, console).await?;
    let hook = HookRow::of(view, &orgs);
    let form =
        form.unwrap_or_else(|| WebhookForm::of(&hook.name, &hook.url, &hook.events, hook.enabled));
    Ok(WebhookPage {
        t: console.chrome.t,
        chrome: console.chrome(SECTION),
        hook,
        form,
        groups: webhook_form::groups(),
        deliveries: deliveries.into_iter().map(DeliveryRow::of).collect(),
        invalid,
    })
}

/// `GET /admin/webhooks/{id}`
pub async fn get_webhook(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("webhooks"))
        .map_err(respond::problem)?;
    respond::page(&render(&console, &state, path.into_inner(), None, None).await?)
}

fn may_write(console: &Console) -> Result<(), AppError> {
    console
        .caller
        .require(Scope::write("webhooks"))
        .map_err(respond::problem)
}

/// `POST /admin/webhooks/{id}`: save the edit form.
pub async fn post_update(
    console: Console,
    form: Checked<WebhookForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    may_write(&console)?;
    let (id, form) = (path.into_inner(), form.into_inner());
    let patch = WebhookPatch {
        name: Some(form.name.clone()),
        url: Some(form.url.trim().to_owned()),
        events: Some(form.events()),
        enabled: Some(form.enabled),
    };
    let reach = console.caller.reach.organization_ids();
    match admin::update(&state, &console.caller.actor, reach, id.clone(), patch).await? {
        Ok(_) => Ok(respond::done(&page_of(&id), "webhook_saved")),
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(refusal) => {
            let field = refused_field(&refusal);
            let page = render(&console, &state, id, Some(form), Some(field)).await?;
            html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
        }
    }
}

/// `POST /admin/webhooks/{id}/rotate-secret`: a new secret, shown once;
/// the old one no longer verifies.
pub async fn post_rotate(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    if let Some(again) = webhook_secret::may_see_secrets(&console, &page_of(&id))? {
        return Ok(again);
    }
    let reach = console.caller.reach.organization_ids();
    match admin::rotate_secret(&state, &console.caller.actor, reach, id).await? {
        Ok(rotated) => {
            let orgs = webhooks::organizations(&state, &console).await?;
            let hook = HookRow::of(rotated.webhook, &orgs);
            webhook_secret::show(&console, rotated.secret, hook, true)
        }
        Err(_) => Err(AppError::NotFound),
    }
}

/// `POST /admin/webhooks/{id}/delete`: gone, with its deliveries.
pub async fn post_delete(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    may_write(&console)?;
    let reach = console.caller.reach.organization_ids();
    match admin::delete(&state, &console.caller.actor, reach, path.into_inner()).await? {
        Ok(()) => Ok(respond::done(PAGE, "webhook_deleted")),
        Err(_) => Err(AppError::NotFound),
    }
}
