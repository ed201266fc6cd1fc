//! `GET|POST /admin/users/invite` (S8, S6): invite someone by email into
//! an organization of the caller's reach with a role, through
//! `users::admin_create::invite` like the admin API. The link carries a
//! secret and is shown once, so the page needs a recent sign-in (SR-101);
//! when no email could be sent the page says so and the link is there to
//! pass on.

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
use crate::auth::recent::reauthenticate_redirect;
use crate::domain::Email;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::admin_create::{self, NewInvitation, Refusal};
use crate::web::render::html;

const PAGE: &str = "/admin/users/invite";

/// The posted form.
#[derive(Debug, Default, Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    organization: String,
    #[serde(default)]
    role: String,
}

crate::csrf_field!(InviteForm);

#[derive(Template)]
#[template(path = "admin/users/invite.html")]
pub struct InvitePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub organizations: Vec<OrgChoice>,
    pub roles: Vec<RoleChoice>,
    pub email: String,
    pub organization: String,
    pub role: String,
    pub errors: FieldErrors,
}

/// The invitation made: its link, shown only now.
#[derive(Template)]
#[template(path = "admin/users/invited.html")]
pub struct InvitedPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub email: String,
    pub organization: String,
    /// The message key of the role's name.
    pub role: &'static str,
    pub expires: String,
    pub accept_url: String,
    pub email_sent: bool,
}

async fn form_page(
    state: &AppState,
    console: &Console,
    form: &InviteForm,
    errors: FieldErrors,
) -> Result<InvitePage, AppError> {
    let organizations = user_form::organizations(state, &reach_of(&console.caller)).await?;
    let organization = match organizations.as_slice() {
        [only] if form.organization.is_empty() => only.id.clone(),
        _ => form.organization.clone(),
    };
    Ok(InvitePage {
        t: console.chrome.t,
        chrome: console.chrome("users"),
        roles: user_form::roles(console.global()),
        organizations,
        email: form.email.trim().to_owned(),
        organization,
        role: form.role.clone(),
        errors,
    })
}

/// `GET /admin/users/invite`
pub async fn get_invite(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    if !console.caller.recent {
        return Ok(reauthenticate_redirect(PAGE));
    }
    let page = form_page(
        &state,
        &console,
        &InviteForm::default(),
        FieldErrors::default(),
    )
    .await?;
    respond::page(&page)
}

/// `POST /admin/users/invite`
pub async fn post_invite(
    console: Console,
    form: Checked<InviteForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::write("users"))
        .map_err(respond::problem)?;
    if !caller.recent {
        return Ok(reauthenticate_redirect(PAGE));
    }
    let form = form.into_inner();
    let t = console.chrome.t;
    let mut errors = FieldErrors::default();
    let email = Email::parse(&form.email)
        .map_err(|_| errors.add("email", t.text("admin.users.error.email")))
        .ok();
    let organization = user_form::organization(&form.organization);
    if organization.is_none() {
        errors.add("organization", t.text("admin.users.error.organization"));
    }
    let role = user_form::role(&form.role);
    if role.is_none() {
        errors.add("role", t.text("admin.users.error.role"));
    }
    if let (Some(email), Some(organization), Some(role)) = (email, organization, role) {
        let spec = NewInvitation {
            organization,
            email,
            role,
            ttl_hours: state.config.mail.invitation_ttl_hours,
        };
        let made = admin_create::invite(&state, &caller.actor, &reach_of(caller), spec, t.locale())
            .await?;
        match made {
            Some(Ok(created)) => {
                return html(
                    StatusCode::OK,
                    &InvitedPage {
                        t,
                        chrome: console.chrome("users"),
                        email: created.email,
                        organization: created.organization,
                        role: user_form::role_label(created.role.as_str()),
                        expires: created.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                        accept_url: created.accept_url,
                        email_sent: created.email_sent,
                    },
                    vec![],
                );
            }
            None | Some(Err(Refusal::Organization(_))) => {
                errors.add("organization", t.text("admin.users.error.organization"));
            }
            Some(Err(Refusal::NeedsGlobal(_))) => {
                errors.add("role", t.text("admin.users.error.needs_global"));
            }
            Some(Err(Refusal::EmailTaken)) => {
                errors.add("email", t.text("admin.error.user_email_taken"));
            }
            Some(Err(Refusal::Password(rule))) => {
                errors.add("email", t.fill(rule.key(), rule.arg()));
            }
        }
    }
    let page = form_page(&state, &console, &form, errors).await?;
    html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
}
