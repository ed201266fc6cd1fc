//! `GET|POST /admin/users/{id}/edit` (S8): change a user's name and
//! address (a new address starts unverified) and, for superusers, the
//! superuser flag — through `users::admin` (`Change::Update`) like the
//! admin API's `PATCH`. Bad input is shown next to its field (422).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::admin::api::users::reach_of;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::user_actions::refusal_key;
use crate::admin::console::user_form::FieldErrors;
use crate::admin::console::users::user_path;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::domain::{Email, UserId};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::users;
use crate::users::admin::{self, Change, Profile, Refusal};
use crate::web::render::html;

/// The posted form.
#[derive(Debug, Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    /// The superuser checkbox (`on` when ticked).
    #[serde(default)]
    superuser: Option<String>,
    /// Present when the form showed the checkbox (an unticked box sends
    /// nothing).
    #[serde(default)]
    superuser_shown: Option<String>,
}

crate::csrf_field!(EditForm);

impl EditForm {
    /// The superuser flag to set: the checkbox when shown; a posted flag
    /// without it is still passed on (and refused unless global).
    fn superuser(&self) -> Option<bool> {
        match (&self.superuser_shown, &self.superuser) {
            (Some(_), ticked) => Some(ticked.is_some()),
            (None, Some(_)) => Some(true),
            (None, None) => None,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users/edit.html")]
pub struct EditPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub id: String,
    /// The account as it is (the heading).
    pub current_email: String,
    pub name: String,
    pub email: String,
    pub email_verified: bool,
    /// Offer the superuser flag (a superuser, not on their own account).
    pub show_superuser: bool,
    pub superuser: bool,
    pub errors: FieldErrors,
}

/// The user to edit, in reach and live; 404 otherwise.
async fn find(state: &AppState, console: &Console, id: &str) -> Result<users::User, AppError> {
    let orgs = console.caller.reach.organization_ids();
    let id = UserId::from(id.to_owned());
    state
        .db
        .run(move |conn| users::find_in_reach(conn, orgs.as_deref(), false, &id))
        .await?
        .ok_or(AppError::NotFound)
}

fn form_page(console: &Console, user: &users::User, errors: FieldErrors) -> EditPage {
    EditPage {
        t: console.chrome.t,
        chrome: console.chrome("users"),
        id: user.id.to_string(),
        current_email: user.email.clone(),
        name: user.display_name.clone(),
        email: user.email.clone(),
        email_verified: user.email_verified,
        show_superuser: console.global() && user.id != console.current.user.id,
        superuser: user.superuser,
        errors,
    }
}

/// `GET /admin/users/{id}/edit`
pub async fn get_edit(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    user_path(&id)?;
    console
        .caller
        .require(Scope::read("users"))
        .map_err(respond::problem)?;
    let user = find(&state, &console, &id).await?;
    respond::page(&form_page(&console, &user, FieldErrors::default()))
}

/// `POST /admin/users/{id}/edit`
pub async fn post_edit(
    console: Console,
    form: Checked<EditForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    let back = user_path(&id)?;
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    let form = form.into_inner();
    let t = console.chrome.t;
    let mut errors = FieldErrors::default();
    let name = form.name.trim().to_owned();
    if admin::check_display_name(&name).is_err() {
        errors.add("name", t.text("admin.users.error.name"));
    }
    let email = match Email::parse(&form.email) {
        Ok(email) => Some(email),
        Err(_) => {
            errors.add("email", t.text("admin.users.error.email"));
            None
        }
    };
    if !errors.is_empty() {
        return invalid(&state, &console, &id, &form, errors).await;
    }
    let profile = Profile {
        display_name: Some(name),
        email,
        superuser: form.superuser(),
        contact: None,
    };
    let outcome = admin::apply(
        &state,
        &console.caller.actor,
        reach_of(&console.caller),
        &UserId::from(id.clone()),
        Change::Update(profile),
    )
    .await?;
    match outcome {
        Ok(_) => Ok(respond::done(&back, "user_updated")),
        Err(Refusal::EmailTaken) => {
            errors.add("email", t.text("admin.error.user_email_taken"));
            invalid(&state, &console, &id, &form, errors).await
        }
        Err(refusal) => match refusal_key(refusal) {
            Some(key) => Ok(respond::refused(&back, key)),
            None => Err(AppError::NotFound),
        },
    }
}

/// The form again with what was posted and why not (422).
async fn invalid(
    state: &AppState,
    console: &Console,
    id: &str,
    form: &EditForm,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let user = find(state, console, id).await?;
    let mut page = form_page(console, &user, errors);
    page.name = form.name.trim().to_owned();
    page.email = form.email.trim().to_owned();
    page.superuser = form.superuser().unwrap_or(user.superuser);
    html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
}
