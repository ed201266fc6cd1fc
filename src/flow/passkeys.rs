//! Passkey pages (S4, S5): `/account/passkeys` lists, adds and removes the
//! signed-in user's passkeys (adding and removing need a recent sign-in,
//! SR-94); `/login/passkey` signs in passwordless with a discoverable
//! passkey. The `…/start` endpoints answer JSON for `static/js/webauthn.js`
//! and take the CSRF token in the `X-CSRF-Token` header (SR-70).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::guard::{Checked, CheckedHeader, CsrfOnly, Page, Recent, SignedIn, header_token};
use crate::auth::mfa::enroll::{self, NewCodes};
use crate::auth::passkey_login::{self, PasskeyOutcome};
use crate::auth::webauthn::Removal;
use crate::auth::{CurrentSession, MaybeSession, csrf, recent, webauthn};
use crate::error::AppError;
use crate::flow::login::after_first_factor;
use crate::flow::mfa_pages;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// Header carrying the CSRF token of JSON requests.
/// The page's own path (return target of re-authentication).
const PAGE: &str = "/account/passkeys";
/// The one message for every failed passkey sign-in (SR-85).
pub const FAILED: &str = "login.passkey_failed";

/// One passkey row on the page.
#[derive(Debug)]
pub struct PasskeyView {
    pub id: String,
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

/// `/account/passkeys`.
#[derive(Template)]
#[template(path = "flow/passkeys.html")]
pub struct PasskeysPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub passkeys: Vec<PasskeyView>,
    /// Whether the sign-in is recent enough to add or remove passkeys.
    pub recent: bool,
    /// Whether the server can use passkeys at all (issuer with a domain).
    pub available: bool,
    pub reauth_url: String,
    pub notice: Option<String>,
}

/// Query of `GET /account/passkeys`.
#[derive(Debug, Deserialize)]
pub struct PasskeysQuery {
    notice: Option<String>,
}

/// Fields posted by the registration form.
#[derive(Debug, Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credential: String,
}

crate::csrf_field!(RegisterForm);

/// Fields posted by the passkey sign-in form.
#[derive(Debug, Deserialize)]
pub struct PasskeyLoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    credential: String,
    return_to: Option<String>,
}

crate::csrf_field!(PasskeyLoginForm);

fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn reauth_url() -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("force", "1")
        .append_pair("return_to", PAGE)
        .finish();
    format!("/login?{query}")
}

/// A JSON error for the script: `status` with `{"error": code}` and, where
/// the browser should go next, `location`.
fn json_error(status: StatusCode, code: &str, location: Option<&str>) -> HttpResponse {
    let mut body = serde_json::json!({ "error": code });
    if let Some(location) = location {
        body["location"] = location.into();
    }
    HttpResponse::build(status).json(body)
}

fn json_options(
    options: serde_json::Value,
    cookie: actix_web::cookie::Cookie<'static>,
) -> HttpResponse {
    HttpResponse::Ok().cookie(cookie).json(options)
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/account/passkeys";
}

/// `GET /account/passkeys`
pub async fn get_passkeys(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    query: web::Query<PasskeysQuery>,
) -> Result<HttpResponse, AppError> {
    let rows = webauthn::list(&state, &current.user.id).await?;
    let t = crate::i18n::Tr::current();
    let notice = match query.notice.as_deref() {
        Some("added") => Some(t.text("passkeys.added_notice").to_owned()),
        Some("removed") => Some(t.text("passkeys.removed_notice").to_owned()),
        Some("last-method") => Some(t.text("account.passkey_last_method").to_owned()),
        _ => None,
    };
    let page = PasskeysPage {
        t,
        csrf_token: csrf::issue(&req, &state, Some(&current)).token,
        passkeys: rows
            .into_iter()
            .map(|r| PasskeyView {
                id: r.id,
                name: r.name,
                created: when(r.created_at),
                last_used: r.last_used_at.map(when),
            })
            .collect(),
        recent: recent::is_recent(&state, &current),
        available: state.webauthn.is_some(),
        reauth_url: reauth_url(),
        notice,
    };
    html(StatusCode::OK, &page, vec![])
}

/// Session, CSRF header and recent sign-in for the JSON start endpoint.
fn registration_gate<'a>(
    req: &HttpRequest,
    state: &AppState,
    session: &'a MaybeSession,
) -> Result<Result<&'a CurrentSession, HttpResponse>, AppError> {
    let Some(current) = session.0.as_deref() else {
        return Ok(Err(json_error(
            StatusCode::UNAUTHORIZED,
            "login_required",
            Some("/login?return_to=%2Faccount%2Fpasskeys"),
        )));
    };
    csrf::verify(req, state, Some(current), header_token(req))?;
    if !recent::is_recent(state, current) {
        return Ok(Err(json_error(
            StatusCode::FORBIDDEN,
            "reauthentication_required",
            Some(&reauth_url()),
        )));
    }
    Ok(Ok(current))
}

/// `POST /account/passkeys/register/start`: creation options (JSON).
pub async fn post_register_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
) -> Result<HttpResponse, AppError> {
    let current = match registration_gate(&req, &state, &session)? {
        Ok(current) => current,
        Err(response) => return Ok(response),
    };
    let (options, cookie) = webauthn::start_registration(&state, &current.user).await?;
    Ok(json_options(options, cookie))
}

/// `POST /account/passkeys/register`: the credential created by the browser.
pub async fn post_register(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    form: Checked<RegisterForm>,
) -> Result<HttpResponse, AppError> {
    webauthn::finish_registration(
        &state,
        &req,
        current.actor(&ctx),
        &current.user.id,
        &form.name,
        &form.credential,
    )
    .await?;
    // The first factor of an account comes with its backup codes (S5).
    if let Some(codes) = enroll::backup_codes_for(
        &state,
        current.actor(&ctx),
        &current.user.id,
        NewCodes::IfNone,
    )
    .await?
    {
        return mfa_pages::backup_codes(
            codes,
            "/account/passkeys?notice=added".into(),
            vec![webauthn::clear_cookie()],
        );
    }
    Ok(see_other(
        "/account/passkeys?notice=added",
        vec![webauthn::clear_cookie()],
    ))
}

/// `POST /account/passkeys/{id}/delete`
pub async fn post_delete(
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    path: web::Path<String>,
    _csrf: Checked<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match webauthn::remove(&state, current.actor(&ctx), &current.user.id, &id).await? {
        Removal::Removed => {}
        Removal::NotFound => return Err(AppError::NotFound),
        Removal::LastMethod => {
            return Ok(see_other("/account/passkeys?notice=last-method", vec![]));
        }
    }
    enroll::drop_backup_codes_without_factor(&state, &current.user.id).await?;
    Ok(see_other("/account/passkeys?notice=removed", vec![]))
}

/// `POST /login/passkey/start`: discoverable request options (JSON), the
/// same for everyone.
pub async fn post_login_start(
    state: web::Data<AppState>,
    _csrf: CheckedHeader,
) -> Result<HttpResponse, AppError> {
    let (options, cookie) = webauthn::start_discoverable(&state).await?;
    Ok(json_options(options, cookie))
}

/// `POST /login/passkey`: the assertion; signs in like any first factor.
pub async fn post_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<PasskeyLoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    let replaces = current.map(|c| c.session.id.clone());
    match passkey_login::attempt(&state, &req, ctx.actor(), &form.credential, replaces).await? {
        PasskeyOutcome::Success(next) => {
            let mut response = after_first_factor(next, form.return_to.as_deref());
            response
                .add_cookie(&webauthn::clear_cookie())
                .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
            Ok(response)
        }
        PasskeyOutcome::Failed => {
            crate::flow::login::page(
                &req,
                &state,
                current,
                StatusCode::UNAUTHORIZED,
                "",
                Some(
                    crate::i18n::Tr::for_return_to(form.return_to.as_deref())
                        .text(FAILED)
                        .into(),
                ),
                form.return_to,
                vec![webauthn::clear_cookie()],
            )
            .await
        }
    }
}
