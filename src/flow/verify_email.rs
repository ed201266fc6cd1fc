//! Email verification pages: `/verify-email` (a sign-in stopped by
//! `require_verified_email`: no session, a button to send a link),
//! `/verify-email/confirm` (the emailed link; a button, so link scanners
//! do not consume it).

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::pages::{ConfirmPage, invalid_link, notice};
use crate::auth::email_gate::{self, TICKET_COOKIE};
use crate::auth::email_links::{self, Purpose};
use crate::auth::guard::Checked;
use crate::auth::{MaybeSession, csrf};
use crate::domain::Email;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::mail::Locale;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// Form of the two POSTs.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub token: String,
}

crate::csrf_field!(TokenForm);

/// Query of `GET /verify-email/confirm`.
#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    pub token: String,
}

fn ticket_cookie(value: String) -> Cookie<'static> {
    Cookie::build(TICKET_COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// Where a sign-in stopped by the gate goes (see
/// `login::after_first_factor`).
pub fn gate_redirect(ticket: String) -> HttpResponse {
    see_other("/verify-email", vec![ticket_cookie(ticket)])
}

/// `GET /verify-email`
pub async fn get_gate(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(&req, &state, session.0.as_deref()).cookies();
    html(
        StatusCode::OK,
        &ConfirmPage {
            t: Tr::current(),
            heading: Tr::current().text("verify.heading"),
            message: Tr::current().text("verify.gate").into(),
            action: "/verify-email/send",
            button: Tr::current().text("verify.send"),
            csrf_token,
            token: None,
        },
        cookies,
    )
}

/// `POST /verify-email/send`
pub async fn post_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    _csrf: Checked<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let ticket = req.cookie(TICKET_COOKIE).map(|c| c.value().to_owned());
    let Some(user_id) = ticket.and_then(|t| email_gate::open_ticket(&state, &t, state.now()))
    else {
        return Err(AppError::BadRequest(
            Tr::current().text("verify.page_expired").into(),
        ));
    };
    let user = email_gate::ticket_holder(&state, &user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let email = Email::parse(&user.email).map_err(AppError::BadRequest)?;
    let actor = ctx.actor().as_user(&user.id, None);
    email_links::request(
        &state,
        &actor,
        Purpose::Verify,
        &email,
        Locale::from_request(&req),
    )
    .await?;
    notice(
        StatusCode::OK,
        "email_code.heading",
        "verify.sent",
        Some(("/login", "common.back_to_sign_in")),
    )
}

/// `GET /verify-email/confirm?token=…`
pub async fn get_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token;
    if token.len() > 128
        || email_links::peek(&state, Purpose::Verify, &token)
            .await?
            .is_none()
    {
        return invalid_link("link.invalid.verify", "/login");
    }
    let (csrf_token, cookies) = csrf::issue(&req, &state, session.0.as_deref()).cookies();
    html(
        StatusCode::OK,
        &ConfirmPage {
            t: Tr::current(),
            heading: Tr::current().text("verify.heading"),
            message: Tr::current().text("verify.confirm").into(),
            action: "/verify-email/confirm",
            button: Tr::current().text("verify.confirm.button"),
            csrf_token,
            token: Some(token),
        },
        cookies,
    )
}

/// `POST /verify-email/confirm`
pub async fn post_confirm(
    state: web::Data<AppState>,
    ctx: RequestContext,
    form: Checked<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if form.token.len() > 128 || !email_links::verify(&state, &ctx.actor(), &form.token).await? {
        return invalid_link("link.invalid.verify", "/login");
    }
    notice(
        StatusCode::OK,
        "verify.done",
        "verify.done.message",
        Some(("/login", "common.sign_in")),
    )
}
