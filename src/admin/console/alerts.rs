//! `/admin/alerts` (S9, docs/alerts.md): the alert rules with their
//! settings, a form per rule, and the recent firings. Superusers only
//! (alerts span every organization), through the same service and rules
//! as the admin API (`alerts::rules`).

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use serde::Deserialize;

use crate::admin::api::alerts::global;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::alerts::rules::{self, FiringView, Refusal, RulePatch, RuleView};
use crate::auth::guard::Checked;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

const PAGE: &str = "/admin/alerts";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(PAGE, web::get().to(get_alerts))
        .route("/admin/alerts/{id}", web::post().to(post_rule));
}

/// One rule as the page shows it.
pub struct RuleRow {
    pub rule: RuleView,
    /// `admin.alerts.kind.<kind>`: its name.
    pub name_key: String,
    /// The recipients, one a line.
    pub recipients: String,
}

#[derive(Template)]
#[template(path = "admin/alerts/alerts.html")]
pub struct AlertsPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rules: Vec<RuleRow>,
    pub firings: Vec<FiringView>,
}

/// `GET /admin/alerts`
pub async fn get_alerts(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("alerts"))
        .and_then(|()| global(&console.caller))
        .map_err(respond::problem)?;
    let rules = rules::list(&state)
        .await?
        .into_iter()
        .map(|rule| RuleRow {
            name_key: format!("admin.alerts.kind.{}", rule.kind),
            recipients: rule.recipients.join("\n"),
            rule,
        })
        .collect();
    let firings = rules::firings(&state, None, 50).await?.items;
    respond::page(&AlertsPage {
        t: console.chrome.t,
        chrome: console.chrome("alerts"),
        rules,
        firings,
    })
}

/// A rule's form. Checkboxes are sent only when ticked; counting rules
/// also send `threshold` and `window_minutes`.
#[derive(Debug, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    csrf_token: String,
    enabled: Option<String>,
    notify_webhook: Option<String>,
    threshold: Option<String>,
    window_minutes: Option<String>,
    #[serde(default)]
    recipients: String,
}

crate::csrf_field!(RuleForm);

/// A number field: absent or empty is "unchanged"; anything else must
/// read as a number (out of range is the service's refusal).
fn number(raw: &Option<String>) -> Result<Option<i64>, ()> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| ()),
    }
}

/// `POST /admin/alerts/{id}`: save a rule's settings.
pub async fn post_rule(
    console: Console,
    form: Checked<RuleForm>,
    path: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::write("alerts"))
        .and_then(|()| global(caller))
        .map_err(respond::problem)?;
    let (Ok(threshold), Ok(window_minutes)) =
        (number(&form.threshold), number(&form.window_minutes))
    else {
        return Ok(respond::refused(PAGE, "alert_number"));
    };
    let recipients = form
        .recipients
        .split(['\n', ',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let patch = RulePatch {
        enabled: Some(form.enabled.is_some()),
        threshold,
        window_minutes,
        recipients: Some(recipients),
        notify_webhook: Some(form.notify_webhook.is_some()),
    };
    match rules::update(&state, &caller.actor, path.into_inner(), patch).await? {
        Ok(_) => Ok(respond::done(PAGE, "alert_rule_saved")),
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Invalid { field, .. }) => Ok(respond::refused(
            PAGE,
            match field {
                "recipients" => "alert_recipients",
                _ => "alert_number",
            },
        )),
    }
}
