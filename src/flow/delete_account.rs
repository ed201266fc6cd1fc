//! `/account/delete`: a user deletes their own account (S2, SR-65). The
//! page says what goes away, asks for the current password (or a recent
//! sign-in for accounts without one) and an explicit tick; the account is
//! then soft-deleted with every session and grant ended. See
//! [`crate::auth::account_delete`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::account_delete::{self, Deleted};
use crate::auth::confirm_password::Confirmation;
use crate::auth::guard::{Checked, Page, SignedIn};
use crate::auth::recent::reauthenticate_redirect;
use crate::auth::{CurrentSession, csrf, session};
use crate::domain::Password;
use crate::error::AppError;
use crate::flow::pages::{notice, refused_confirmation};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

const PAGE: &str = "/account/delete";

/// "Delete your account?"
#[derive(Template)]
#[template(path = "flow/delete_account.html")]
pub struct DeleteAccountPage {
    /// The messages of the page language.
    pub t: Tr,
    pub csrf_token: String,
    pub email: String,
    pub has_password: bool,
    pub error: Option<String>,
}

/// Fields of the form.
#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    /// The "I understand" checkbox.
    confirm: Option<String>,
}

crate::csrf_field!(DeleteForm);

fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    status: StatusCode,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let page = DeleteAccountPage {
        t: Tr::current(),
        csrf_token: csrf::issue(req, state, Some(current)).token,
        email: current.user.email.clone(),
        has_password: current.user.password_hash.is_some(),
        error,
    };
    html(status, &page, vec![])
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/account/delete";
    const FORCE: bool = true;
}

/// `GET /account/delete`
pub async fn get_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &current, StatusCode::OK, None)
}

/// `POST /account/delete`
pub async fn post_delete(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<DeleteForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let t = Tr::current();
    if form.confirm.as_deref() != Some("yes") {
        let error = Some(t.text("delete.tick").to_owned());
        return page(&req, &state, &current, StatusCode::BAD_REQUEST, error);
    }
    let password = Password::new(form.current_password);
    match account_delete::delete_own(&state, &current.actor(&ctx), &current, &password).await? {
        Deleted::Done => {
            let mut res = notice(
                StatusCode::OK,
                "delete.done",
                "delete.done.message",
                Some(("/", "error.back")),
            )?;
            res.add_cookie(&session::removal())
                .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
            Ok(res)
        }
        Deleted::LastAdministrator => {
            let error = Some(t.text("delete.last_admin").to_owned());
            page(&req, &state, &current, StatusCode::CONFLICT, error)
        }
        Deleted::NotConfirmed(Confirmation::SignInAgain) => Ok(reauthenticate_redirect(PAGE)),
        Deleted::NotConfirmed(refusal) => {
            let (status, message) = refused_confirmation(refusal, t);
            page(&req, &state, &current, status, Some(message))
        }
    }
}
