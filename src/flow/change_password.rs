//! `/account/password`: change the password while signed in (SR-82,
//! SR-65). The current password is asked for (an account without one needs
//! a recent sign-in instead); other devices are signed out; the account's
//! address is told. See [`crate::auth::password_change`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::confirm_password::Confirmation;
use crate::auth::guard::{Checked, Page, SignedIn};
use crate::auth::password_change::{self, Changed};
use crate::auth::recent::reauthenticate_redirect;
use crate::auth::{CurrentSession, csrf};
use crate::domain::Password;
use crate::error::AppError;
use crate::flow::pages::refused_confirmation;
use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

const PAGE: &str = "/account/password";

/// The change-password form.
#[derive(Template)]
#[template(path = "flow/change_password.html")]
pub struct ChangePasswordPage {
    /// The messages of the page language.
    pub t: Tr,
    pub csrf_token: String,
    pub email: String,
    /// Whether the account has a password to confirm.
    pub has_password: bool,
    pub min_length: usize,
    pub error: Option<String>,
}

/// Fields of the form.
#[derive(Debug, Deserialize)]
pub struct ChangePasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

crate::csrf_field!(ChangePasswordForm);

fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let page = ChangePasswordPage {
        t: Tr::current(),
        csrf_token: csrf::issue(req, state, Some(current)).token,
        email: current.user.email.clone(),
        has_password: current.user.password_hash.is_some(),
        min_length: state.config.password.min_length,
        error,
    };
    html(status, &page, vec![])
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/account/password";
    const FORCE: bool = true;
}

/// `GET /account/password`
pub async fn get_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &current, StatusCode::OK, None)
}

/// `POST /account/password`
pub async fn post_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<ChangePasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let t = Tr::current();
    let new = Password::new(form.password);
    if !new.matches(&Password::new(form.password_confirm)) {
        let error = Some(t.text("form.passwords_differ").to_owned());
        return page(&req, &state, &current, StatusCode::BAD_REQUEST, error);
    }
    let changed = password_change::change(
        &state,
        &current.actor(&ctx),
        &current,
        &Password::new(form.current_password),
        &new,
        Locale::from_request(&req),
    )
    .await?;
    match changed {
        Changed::Done => Ok(see_other(
            "/account/security?notice=password-changed",
            vec![],
        )),
        Changed::Refused(rule) => page(&req, &state, &current, StatusCode::BAD_REQUEST, Some(rule)),
        Changed::NotConfirmed(Confirmation::SignInAgain) => Ok(reauthenticate_redirect(PAGE)),
        Changed::NotConfirmed(refusal) => {
            let (status, message) = refused_confirmation(refusal, t);
            page(&req, &state, &current, status, Some(message))
        }
    }
}
