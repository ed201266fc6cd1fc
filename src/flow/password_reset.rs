//! `/password/reset` (ask for a link; the same answer for every address,
//! SR-85) and `/password/reset/confirm` (choose a new password with the
//! emailed token). Completing a reset ends every session and grant of the
//! user and signs no one in (SR-95, SR-96).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::pages::{EmailFormPage, NewPasswordPage, NoticePage, invalid_link, notice};
use crate::auth::email_links::{self, Purpose};
use crate::auth::guard::Checked;
use crate::auth::password_reset::{self, ResetOutcome};
use crate::auth::{MaybeSession, csrf, session};
use crate::domain::{Email, Password};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mail::Locale;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

/// `POST /password/reset`
#[derive(Debug, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
}

crate::csrf_field!(RequestForm);

/// `GET /password/reset/confirm`
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// `POST /password/reset/confirm`
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

crate::csrf_field!(ConfirmForm);

fn request_page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    email: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session).cookies();
    let page = EmailFormPage {
        t: Tr::current(),
        heading: Tr::current().text("reset.heading"),
        lead: Tr::current().text("reset.lead"),
        action: "/password/reset",
        button: Tr::current().text("reset.button"),
        csrf_token,
        email: email.chars().take(254).collect(),
        error,
        return_to: None,
        app: None,
    };
    html(status, &page, cookies)
}

fn password_page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    token: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session).cookies();
    let page = NewPasswordPage {
        t: Tr::current(),
        heading: Tr::current().text("reset.choose"),
        lead: Tr::current().text("reset.choose.lead").into(),
        action: "/password/reset/confirm",
        button: Tr::current().text("reset.choose.button"),
        csrf_token,
        token: token.to_owned(),
        with_name: false,
        display_name: String::new(),
        error,
        min_length: state.config.password.min_length,
    };
    html(status, &page, cookies)
}

/// `GET /password/reset`
pub async fn get_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
) -> Result<HttpResponse, AppError> {
    request_page(&req, &state, session.0.as_deref(), StatusCode::OK, "", None)
}

/// `POST /password/reset`
pub async fn post_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<RequestForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(msg) => {
            return request_page(
                &req,
                &state,
                current,
                StatusCode::BAD_REQUEST,
                &form.email,
                Some(msg),
            );
        }
    };
    let locale = Locale::from_request(&req);
    email_links::request(&state, &ctx.actor(), Purpose::Reset, &email, locale).await?;
    notice(
        StatusCode::OK,
        "email_code.heading",
        "reset.sent",
        Some(("/login", "common.back_to_sign_in")),
    )
}

/// `GET /password/reset/confirm?token=…`
pub async fn get_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    if token.len() > 128
        || email_links::peek(&state, Purpose::Reset, &token)
            .await?
            .is_none()
    {
        return invalid_link("link.invalid.reset", "/password/reset");
    }
    password_page(
        &req,
        &state,
        session.0.as_deref(),
        StatusCode::OK,
        &token,
        None,
    )
}

/// `POST /password/reset/confirm`
pub async fn post_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    let link = if form.token.len() > 128 {
        None
    } else {
        email_links::peek(&state, Purpose::Reset, &form.token).await?
    };
    let Some(link) = link else {
        return invalid_link("link.invalid.reset", "/password/reset");
    };
    let password = Password::new(form.password);
    let problem = crate::users::password_rules::check_new_password(
        &state.config,
        &password,
        &link.email,
        &[],
    )
    .err()
    .map(|rule| Tr::current().fill(rule.key(), rule.arg()))
    .or_else(|| {
        (!password.matches(&Password::new(form.password_confirm)))
            .then(|| Tr::current().text("form.passwords_differ").to_owned())
    });
    if let Some(msg) = problem {
        return password_page(
            &req,
            &state,
            current,
            StatusCode::BAD_REQUEST,
            &form.token,
            Some(msg),
        );
    }
    let hash = state.hasher.hash(&password).await?;
    let actor = match current {
        Some(c) => c.actor(&ctx),
        None => ctx.actor(),
    };
    match password_reset::complete(&state, &actor, &form.token, hash).await? {
        ResetOutcome::InvalidLink => invalid_link("link.invalid.reset", "/password/reset"),
        ResetOutcome::Done => html(
            StatusCode::OK,
            &NoticePage {
                t: Tr::current(),
                heading: Tr::current().text("reset.done"),
                message: Tr::current().text("reset.done.message").into(),
                link: Some(("/login".into(), Tr::current().text("common.sign_in"))),
            },
            vec![session::removal()],
        ),
    }
}
