//! `/login/mfa/enroll…`: a policy requires a second sign-in step the user
//! has not set up (S5). The pending login (purpose `enroll`) lets them set
//! up an authenticator app; its first valid code completes the login and
//! the new backup codes are shown once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::guard::Checked;
use crate::auth::mfa::enroll::{self, EnrolledLogin};
use crate::auth::mfa::pending;
use crate::auth::{MaybeSession, csrf, session};
use crate::error::AppError;
use crate::flow::mfa::{ButtonForm, CodeForm, ReturnQuery, start_over};
use crate::flow::mfa_pages::{self, TotpEnrollPage, WRONG_CODE};
use crate::flow::safe_return_to;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

/// The enrolment choice page.
#[derive(Template)]
#[template(path = "flow/mfa_enroll.html")]
pub struct EnrollPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub return_to: String,
    /// "Not you?": a fresh sign-in for the same request.
    pub switch_url: String,
}

/// `GET /login/mfa/enroll`: a policy requires a second step the user has
/// not set up yet.
pub async fn get_enroll(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<ReturnQuery>,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(query.return_to.as_deref());
    let Some(hash) = pending::token_hash(&req) else {
        return Ok(start_over(&return_to));
    };
    let Some(user) = enroll::pending_enrolment_user(&state, hash).await? else {
        return Ok(start_over(&return_to));
    };
    let (csrf_token, cookies) = csrf::issue(&req, &state, session.0.as_deref()).cookies();
    let page = EnrollPage {
        t: crate::i18n::Tr::current(),
        csrf_token,
        email: user.email,
        switch_url: crate::flow::login::switch_account_url(&return_to),
        return_to,
    };
    html(StatusCode::OK, &page, cookies)
}

/// `POST /login/mfa/enroll/totp`: show a new secret to scan.
pub async fn post_enroll_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    form: Checked<ButtonForm>,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(form.return_to.as_deref());
    let Some(hash) = pending::token_hash(&req) else {
        return Ok(start_over(&return_to));
    };
    let Some(user) = enroll::pending_enrolment_user(&state, hash).await? else {
        return Ok(start_over(&return_to));
    };
    let Some(enrolment) = enroll::start_totp(&state, &user.id, &user.email).await? else {
        return Ok(start_over(&return_to));
    };
    enrol_page(&req, &state, &session, &enrolment, return_to, None)
}

fn enrol_page(
    req: &HttpRequest,
    state: &AppState,
    session: &MaybeSession,
    enrolment: &crate::auth::mfa::totp::Enrolment,
    return_to: String,
    error: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session.0.as_deref()).cookies();
    let cancel = crate::flow::login::with_return_to("/login/mfa/enroll", Some(&return_to));
    let mut page = TotpEnrollPage::new(
        enrolment,
        csrf_token,
        "/login/mfa/enroll/totp/confirm",
        return_to,
        cancel,
    );
    page.required = true;
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page.error = error.map(|key| page.t.text(key).to_owned());
    html(status, &page, cookies)
}

/// `POST /login/mfa/enroll/totp/confirm`: the first code turns the app on
/// and completes the login; the new backup codes are shown once.
pub async fn post_enroll_totp_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let return_to = safe_return_to(form.return_to.as_deref());
    let Some(hash) = pending::token_hash(&req) else {
        return Ok(start_over(&return_to));
    };
    let code: String = form.code.chars().take(64).collect();
    match enroll::confirm_totp_for_login(&state, ctx.actor(), hash.clone(), code).await? {
        EnrolledLogin::SignedIn {
            token,
            backup_codes,
        } => mfa_pages::backup_codes(
            backup_codes,
            return_to,
            vec![session::cookie(token), pending::removal()],
        ),
        EnrolledLogin::Failed => {
            let Some(user) = enroll::pending_enrolment_user(&state, hash).await? else {
                return Ok(start_over(&return_to));
            };
            match enroll::pending_totp(&state, &user.id, &user.email).await? {
                Some(enrolment) => enrol_page(
                    &req,
                    &state,
                    &session,
                    &enrolment,
                    return_to,
                    Some(WRONG_CODE),
                ),
                None => Ok(start_over(&return_to)),
            }
        }
        EnrolledLogin::Expired => Ok(start_over(&return_to)),
    }
}
