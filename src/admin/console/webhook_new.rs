//! Subscribing a webhook in the console (S9): the form (name, URL, the
//! owning organization — a superuser may leave it global —, event groups
//! or typed patterns, enabled) and its post, which goes through
//! `webhooks::admin::create`, the admin API's service, and answers with
//! the secret shown once.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::org_options::OrgOption;
use crate::admin::console::webhook_form::{self, WebhookForm};
use crate::admin::console::webhook_secret;
use crate::admin::console::webhooks::{self, HookRow, SECTION};
use crate::auth::guard::Checked;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;
use crate::webhooks::admin::{self, NewWebhook, Refusal};

pub const NEW: &str = "/admin/webhooks/new";

#[derive(Template)]
#[template(path = "admin/webhooks/new.html")]
pub struct NewWebhookPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub form: WebhookForm,
    pub organizations: Vec<OrgOption>,
    pub groups: Vec<String>,
    /// The field at fault, if any.
    pub invalid: Option<&'static str>,
}

impl NewWebhookPage {
    /// The message for `field` when it is the one at fault.
    pub fn error_for(&self, field: &str) -> Option<&'static str> {
        (self.invalid == Some(field)).then(|| self.t.text(webhook_form::error_key(field)))
    }
}

/// The field a refusal names, for the form.
pub fn refused_field(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::Invalid(i) => match i.field {
            "name" => "name",
            "url" => "url",
            "events" => "events",
            _ => "form",
        },
        Refusal::NoOrganization => "organization_id",
        Refusal::NotFound | Refusal::NotDead | Refusal::NotGlobal => "form",
    }
}

async fn form_page(
    console: &Console,
    state: &AppState,
    form: WebhookForm,
    invalid: Option<&'static str>,
) -> Result<NewWebhookPage, AppError> {
    Ok(NewWebhookPage {
        t: console.chrome.t,
        chrome: console.chrome(SECTION),
        form,
        organizations: webhooks::organizations(state, console).await?,
        groups: webhook_form::groups(),
        invalid,
    })
}

/// `GET /admin/webhooks/new`
pub async fn get_new(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(again) = webhook_secret::may_see_secrets(&console, NEW)? {
        return Ok(again);
    }
    let form = WebhookForm {
        enabled: true,
        ..WebhookForm::default()
    };
    let mut page = form_page(&console, &state, form, None).await?;
    if !console.global()
        && let Some(first) = page.organizations.first()
    {
        page.form.organization_id = first.id.clone();
    }
    crate::admin::console::respond::page(&page)
}

/// `POST /admin/webhooks`: subscribe and show the secret, this once.
pub async fn post_create(
    console: Console,
    form: Checked<WebhookForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(again) = webhook_secret::may_see_secrets(&console, NEW)? {
        return Ok(again);
    }
    let form = form.into_inner();
    let new = NewWebhook {
        organization_id: form.organization(),
        name: form.name.clone(),
        url: form.url.trim().to_owned(),
        events: form.events(),
        enabled: form.enabled,
    };
    let reach = console.caller.reach.organization_ids();
    match admin::create(&state, &console.caller.actor, reach, new).await? {
        Ok(created) => {
            let orgs = webhooks::organizations(&state, &console).await?;
            let hook = HookRow::of(created.webhook, &orgs);
            webhook_secret::show(&console, created.secret, hook, false)
        }
        Err(refusal) => {
            let field = refused_field(&refusal);
            let page = form_page(&console, &state, form, Some(field)).await?;
            html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
        }
    }
}
