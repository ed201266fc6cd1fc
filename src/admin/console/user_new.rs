//! `GET|POST /admin/users/new` (S8): create an account in the caller's
//! reach through `users::admin_create::create`, the admin API's service
//! (which keeps the superuser flag and the owner role to superusers and an
//! organization's admin to its organizations). Bad input and refusals are
//! shown next to their field (422); success opens the new user's page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::admin::api::users::reach_of;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::user_form::{self, FieldErrors, OrgChoice, RoleChoice};
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::admin;
use crate::users::admin_create::{self, NewAccount, Refusal};
use crate::web::render::html;

/// The posted form.
#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    superuser: Option<String>,
    #[serde(default)]
    email_verified: Option<String>,
}

crate::csrf_field!(NewForm);

#[derive(Template)]
#[template(path = "admin/users/new.html")]
pub struct NewPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub organizations: Vec<OrgChoice>,
    pub roles: Vec<RoleChoice>,
    pub email: String,
    pub name: String,
    pub organization: String,
    pub role: String,
    pub superuser: bool,
    pub email_verified: bool,
    pub errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    console: &Console,
    form: &NewForm,
    fresh: bool,
    errors: FieldErrors,
) -> Result<NewPage, AppError> {
    let organizations = user_form::organizations(state, &reach_of(&console.caller)).await?;
    // An organization's admin of one organization creates into it.
    let organization = match (fresh, console.global(), organizations.as_slice()) {
        (true, false, [only]) => only.id.clone(),
        _ => form.organization.clone(),
    };
    Ok(NewPage {
        t: console.chrome.t,
        chrome: console.chrome("users"),
        roles: user_form::roles(console.global()),
        organizations,
        email: form.email.trim().to_owned(),
        name: form.name.trim().to_owned(),
        organization,
        role: form.role.clone(),
        superuser: form.superuser.is_some(),
        email_verified: fresh || form.email_verified.is_some(),
        errors,
    })
}

/// `GET /admin/users/new`
pub async fn get_new(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    let page = form_page(
        &state,
        &console,
        &NewForm::default(),
        true,
        FieldErrors::default(),
    )
    .await?;
    respond::page(&page)
}

/// The service's refusal next to its field.
fn refusal(t: Tr, errors: &mut FieldErrors, refusal: Refusal) {
    match refusal {
        Refusal::NeedsGlobal(field) => {
            let field = if field == "role" { "role" } else { "superuser" };
            errors.add(field, t.text("admin.users.error.needs_global"));
        }
        Refusal::Organization(_) => {
            errors.add("organization", t.text("admin.users.error.organization"));
        }
        Refusal::EmailTaken => errors.add("email", t.text("admin.error.user_email_taken")),
        Refusal::Password(rule) => errors.add("password", t.fill(rule.key(), rule.arg())),
    }
}

/// `POST /admin/users/new`
pub async fn post_new(
    console: Console,
    form: Checked<NewForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    let form = form.into_inner();
    let t = console.chrome.t;
    let mut errors = FieldErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|_| errors.add("email", t.text("admin.users.error.email")))
        .ok();
    let name = form.name.trim().to_owned();
    if admin::check_display_name(&name).is_err() {
        errors.add("name", t.text("admin.users.error.name"));
    }
    let role = user_form::role(&form.role);
    if role.is_none() {
        errors.add("role", t.text("admin.users.error.role"));
    }
    if let (Some(email), Some(role), true) = (email, role, errors.is_empty()) {
        let spec = NewAccount {
            email,
            display_name: name,
            password: (!form.password.is_empty()).then(|| Password::new(form.password.clone())),
            superuser: form.superuser.is_some(),
            email_verified: form.email_verified.is_some(),
            organization: user_form::organization(&form.organization),
            role: Some(role),
        };
        let caller = &console.caller;
        match admin_create::create(&state, &caller.actor, &reach_of(caller), spec).await? {
            Ok(created) => {
                let path = format!("/admin/users/{}", created.id);
                return Ok(respond::done(&path, "user_created"));
            }
            Err(refused) => refusal(t, &mut errors, refused),
        }
    }
    let page = form_page(&state, &console, &form, false, errors).await?;
    html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
}
