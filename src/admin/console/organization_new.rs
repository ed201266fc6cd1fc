//! `GET /admin/organizations/new` and `POST /admin/organizations` (S8):
//! a new organization, through `users::organizations::create` (global
//! reach only, audited) as `POST /api/v1/organizations` does.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use serde::Deserialize;

use crate::admin::api::users::reach_of;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::organizations::{self, Refusal, check_name};
use crate::web::render::html;

/// The posted name (create and rename).
#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub name: String,
}

crate::csrf_field!(NameForm);

#[derive(Template)]
#[template(path = "admin/organizations/new.html")]
pub struct NewPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub name: String,
    /// The message key of what is wrong with the name.
    pub error: Option<&'static str>,
}

fn page(
    console: &Console,
    status: StatusCode,
    name: String,
    error: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    html(
        status,
        &NewPage {
            t: console.chrome.t,
            chrome: console.chrome("organizations"),
            name,
            error,
        },
        vec![],
    )
}

/// Whether the caller may create organizations at all: the form is only
/// offered to them (the service decides on the post).
fn offered(console: &Console) -> Result<(), AppError> {
    console
        .caller
        .require(Scope::write("organizations"))
        .map_err(respond::problem)?;
    if console.global() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            console.chrome.t.text("admin.error.org_needs_global").into(),
        ))
    }
}

/// `GET /admin/organizations/new`
pub async fn form(console: Console) -> Result<HttpResponse, AppError> {
    offered(&console)?;
    page(&console, StatusCode::OK, String::new(), None)
}

/// `POST /admin/organizations`
pub async fn create(
    console: Console,
    state: web::Data<AppState>,
    form: Checked<NameForm>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("organizations"))
        .map_err(respond::problem)?;
    let raw = form.into_inner().name;
    let Ok(name) = check_name(&raw) else {
        let error = Some("admin.organizations.name_invalid");
        return page(&console, StatusCode::UNPROCESSABLE_ENTITY, raw, error);
    };
    let reach = reach_of(&console.caller);
    match organizations::create(&state, &console.caller.actor, &reach, name).await? {
        Ok(org) => Ok(respond::done(
            &format!("/admin/organizations/{}", org.id),
            "org_created",
        )),
        Err(Refusal::NameTaken) => page(
            &console,
            StatusCode::CONFLICT,
            raw,
            Some("admin.error.org_name_taken"),
        ),
        Err(other) => refused("/admin/organizations", other),
    }
}

/// A service refusal as the console's answer: back to `back` with the
/// refusal's message (`admin.error.org_*`); an organization out of reach
/// is not found (checked before the service is called).
pub fn refused(back: &str, refusal: Refusal) -> Result<HttpResponse, AppError> {
    let key = match refusal {
        Refusal::NotFound => "org_member_not_found",
        Refusal::NeedsGlobal => "org_needs_global",
        Refusal::NameTaken => "org_name_taken",
        Refusal::Itself => "org_itself",
    };
    Ok(respond::refused(back, key))
}
