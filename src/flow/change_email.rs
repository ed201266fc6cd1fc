//! `/account/email…`: move the account to a new address (SR-96, SR-82).
//! The form asks for the new address and the current password; the
//! address changes only when the link mailed there is opened (a confirm
//! page, so mail scanners cannot use it up), and the old address can undo
//! it. See [`crate::auth::email_change`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::confirm_password::Confirmation;
use crate::auth::email_change::{self, Opened, Requested};
use crate::auth::guard::{Checked, Page, SignedIn};
use crate::auth::recent::reauthenticate_redirect;
use crate::auth::{CurrentSession, MaybeSession, csrf, session};
use crate::domain::Password;
use crate::error::AppError;
use crate::flow::pages::{ConfirmPage, invalid_link, notice, notice_text, refused_confirmation};
use crate::flow::verify_email::{TokenForm, TokenQuery};
use crate::i18n::{Locale, Tr};
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

const PAGE: &str = "/account/email";

/// The change-email form.
#[derive(Template)]
#[template(path = "flow/change_email.html")]
pub struct ChangeEmailPage {
    /// The messages of the page language.
    pub t: Tr,
    pub csrf_token: String,
    pub current_email: String,
    pub new_email: String,
    pub has_password: bool,
    pub error: Option<String>,
}

/// Fields of the form.
#[derive(Debug, Deserialize)]
pub struct ChangeEmailForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    current_password: String,
}

crate::csrf_field!(ChangeEmailForm);

fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    status: StatusCode,
    new_email: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let page = ChangeEmailPage {
        t: Tr::current(),
        csrf_token: csrf::issue(req, state, Some(current)).token,
        current_email: current.user.email.clone(),
        new_email: new_email.trim().chars().take(254).collect(),
        has_password: current.user.password_hash.is_some(),
        error,
    };
    html(status, &page, vec![])
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/account/email";
    const FORCE: bool = true;
}

/// `GET /account/email`
pub async fn get_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, &current, StatusCode::OK, "", None)
}

/// `POST /account/email`
pub async fn post_change(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<ChangeEmailForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let requested = email_change::request(
        &state,
        &current.actor(&ctx),
        &current,
        &Password::new(form.current_password),
        &form.email,
        Locale::from_request(&req),
    )
    .await?;
    let t = Tr::current();
    match requested {
        Requested::Sent { to } => notice_text(
            StatusCode::OK,
            "email_code.heading",
            t.fill2("email_change.sent", to, &current.user.email),
            Some(("/account", "common.your_account")),
        ),
        Requested::Refused(message) => page(
            &req,
            &state,
            &current,
            StatusCode::BAD_REQUEST,
            &form.email,
            Some(message),
        ),
        Requested::NotConfirmed(Confirmation::SignInAgain) => Ok(reauthenticate_redirect(PAGE)),
        Requested::NotConfirmed(refusal) => {
            let (status, message) = refused_confirmation(refusal, t);
            page(&req, &state, &current, status, &form.email, Some(message))
        }
    }
}

/// The confirm page of a link (`undo`: the old address's undo link).
async fn link_page(
    req: &HttpRequest,
    state: &AppState,
    session: &MaybeSession,
    token: String,
    undo: bool,
) -> Result<HttpResponse, AppError> {
    let t = Tr::current();
    let Some(row) = (if token.len() > 128 {
        None
    } else {
        email_change::peek(state, undo, &token).await?
    }) else {
        return invalid_link("link.invalid.email_change", "/account/email");
    };
    let (csrf_token, cookies) = csrf::issue(req, state, session.0.as_deref()).cookies();
    let (heading, message, action, button) = if undo {
        (
            "email_change.undo.heading",
            t.fill("email_change.undo.confirm", &row.email),
            "/account/email/undo",
            "email_change.undo.button",
        )
    } else {
        (
            "email_change.confirm.heading",
            t.fill("email_change.confirm", &row.email),
            "/account/email/confirm",
            "email_change.confirm.button",
        )
    };
    html(
        StatusCode::OK,
        &ConfirmPage {
            t,
            heading: t.text(heading),
            message,
            action,
            button: t.text(button),
            csrf_token,
            token: Some(token),
        },
        cookies,
    )
}

/// `GET /account/email/confirm?token=…`
pub async fn get_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_page(&req, &state, &session, query.into_inner().token, false).await
}

/// `GET /account/email/undo?token=…`
pub async fn get_undo(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    link_page(&req, &state, &session, query.into_inner().token, true).await
}

/// `POST /account/email/confirm`: the account moves to the new address.
pub async fn post_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    form: Checked<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.token.len() > 128 {
        return invalid_link("link.invalid.email_change", "/account/email");
    }
    let locale = Locale::from_request(&req);
    match email_change::confirm(&state, &ctx.actor(), &form.token, locale).await? {
        Opened::Done { email } => notice_text(
            StatusCode::OK,
            "email_change.done",
            Tr::current().fill("email_change.done.message", email),
            Some(("/account", "common.your_account")),
        ),
        Opened::Taken => notice(
            StatusCode::CONFLICT,
            "email_change.taken",
            "email_change.taken.message",
            Some(("/account/email", "email_change.again")),
        ),
        Opened::Invalid => invalid_link("link.invalid.email_change", "/account/email"),
    }
}

/// `POST /account/email/undo`: the old address reports the change.
pub async fn post_undo(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    form: Checked<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.token.len() > 128 {
        return invalid_link("link.invalid.email_change", "/login");
    }
    let locale = Locale::from_request(&req);
    let outcome = email_change::undo(&state, &ctx.actor(), &form.token, locale).await?;
    let mut res = match outcome {
        Opened::Done { email } => notice_text(
            StatusCode::OK,
            "email_change.undone",
            Tr::current().fill("email_change.undone.message", email),
            Some(("/login", "common.sign_in")),
        )?,
        Opened::Taken => notice(
            StatusCode::CONFLICT,
            "email_change.undone",
            "email_change.undone.taken",
            Some(("/login", "common.sign_in")),
        )?,
        Opened::Invalid => return invalid_link("link.invalid.email_change", "/login"),
    };
    // Every session ended, this browser's too.
    res.add_cookie(&session::removal())
        .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
    Ok(res)
}
