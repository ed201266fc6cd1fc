//! `/device` (RFC 8628 §3.3): a signed-in user enters the code shown on a
//! device (prefilled from `verification_uri_complete`), sees which client
//! asks for which scopes, and allows or denies. Anonymous visitors go to
//! `/login` first. Looking codes up (throttled per address), the MFA rule
//! and the answer are [`crate::oidc::device_approval`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::guard::{Checked, Page, SignedIn};
use crate::auth::mfa::pending;
use crate::auth::{CurrentSession, csrf};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::device_approval::{self, NOT_FOUND, lookup};
use crate::oidc::user_code::{display_user_code, normalize_user_code};
use crate::state::AppState;
use crate::store::device_codes::DeviceCode;
use crate::web::RequestContext;
use crate::web::render::html;

/// The code entry form (and the final message).
#[derive(Template)]
#[template(path = "flow/device.html")]
pub struct DevicePage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub user_code: String,
    pub error: Option<String>,
    pub notice: Option<String>,
}

/// "Allow <client> to …?"
#[derive(Template)]
#[template(path = "flow/device_confirm.html")]
pub struct DeviceConfirmPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub user_code: String,
    pub client_name: String,
    pub scopes: Vec<crate::flow::consent::ScopeView>,
    pub email: String,
    /// "Not you?": sign in as someone else and come back to this code.
    pub switch_url: String,
}

/// Query of `GET /device`.
#[derive(Debug, Deserialize)]
pub struct DeviceQuery {
    user_code: Option<String>,
}

/// Fields of both device forms.
#[derive(Debug, Deserialize)]
pub struct DeviceForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_code: String,
    decision: Option<String>,
}

crate::csrf_field!(DeviceForm);

fn entry(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    status: StatusCode,
    user_code: &str,
    error: Option<&str>,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    // `error` and `notice` are message keys.
    let t = Tr::current();
    let page = DevicePage {
        t,
        csrf_token: csrf::issue(req, state, Some(current)).token,
        user_code: user_code.chars().take(16).collect(),
        error: error.map(|key| t.text(key).to_owned()),
        notice: notice.map(|key| t.text(key).to_owned()),
    };
    html(status, &page, vec![])
}

/// This page, for the sign-in guard: back to `/device`, with the code a
/// link prefilled (`verification_uri_complete`) when there is one.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = "/device";
    fn back(req: &HttpRequest) -> String {
        let code = web::Query::<DeviceQuery>::from_query(req.query_string())
            .ok()
            .and_then(|q| q.into_inner().user_code)
            .and_then(|c| normalize_user_code(&c));
        match code {
            Some(c) => format!("/device?user_code={}", display_user_code(&c)),
            None => Self::PATH.to_owned(),
        }
    }
}

/// `GET /device`
pub async fn get_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    query: web::Query<DeviceQuery>,
) -> Result<HttpResponse, AppError> {
    let prefill = query.user_code.as_deref().unwrap_or_default();
    entry(&req, &state, &current, StatusCode::OK, prefill, None, None)
}

/// `POST /device`: check the typed code, then ask for confirmation.
pub async fn post_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<DeviceForm>,
) -> Result<HttpResponse, AppError> {
    let row = match lookup(&state, &ctx.ip, &form.user_code).await? {
        Ok(row) => row,
        Err(msg) => {
            return entry(
                &req,
                &state,
                &current,
                StatusCode::BAD_REQUEST,
                &form.user_code,
                Some(msg),
                None,
            );
        }
    };
    let client = device_approval::client(&state, &row).await?;
    // A client rule requiring MFA steps a single-factor session up first (S5).
    if let Some(step_up) = step_up_if_required(&state, &ctx, &current, &row).await? {
        return Ok(step_up);
    }
    let t = crate::i18n::Tr::current();
    let scopes: Vec<String> = row
        .scope
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let user_code = display_user_code(&row.user_code);
    let back = format!(
        "/device?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user_code", &user_code)
            .finish()
    );
    let page = DeviceConfirmPage {
        t,
        csrf_token: csrf::issue(&req, &state, Some(&current)).token,
        switch_url: crate::flow::login::switch_account_url(&back),
        user_code,
        client_name: client.name,
        scopes: crate::flow::consent::scope_views(&scopes, t),
        email: current.user.email.clone(),
    };
    html(StatusCode::OK, &page, vec![])
}

/// When a client rule requires MFA the session lacks: the response that
/// sends the user through the second step and back to this code.
async fn step_up_if_required(
    state: &AppState,
    ctx: &RequestContext,
    current: &CurrentSession,
    row: &DeviceCode,
) -> Result<Option<HttpResponse>, AppError> {
    if !device_approval::needs_step_up(state, &current.session, row).await? {
        return Ok(None);
    }
    let back = format!(
        "/device?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("user_code", &display_user_code(&row.user_code))
            .finish()
    );
    Ok(Some(
        match pending::step_up(state, current.actor(ctx), current).await? {
            Some(next) => crate::flow::login::after_first_factor(next, Some(&back)),
            // No factor yet and an old sign-in: sign in again first (SR-82).
            None => crate::auth::recent::reauthenticate_redirect(&back),
        },
    ))
}

/// `POST /device/confirm`: allow or deny.
pub async fn post_device_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    form: Checked<DeviceForm>,
) -> Result<HttpResponse, AppError> {
    let allow = match form.decision.as_deref() {
        Some("allow") => true,
        Some("deny") => false,
        _ => {
            return Err(AppError::BadRequest(
                Tr::current().text("device.choose").into(),
            ));
        }
    };
    let row = match lookup(&state, &ctx.ip, &form.user_code).await? {
        Ok(row) => row,
        Err(msg) => {
            return entry(
                &req,
                &state,
                &current,
                StatusCode::BAD_REQUEST,
                &form.user_code,
                Some(msg),
                None,
            );
        }
    };
    if allow && let Some(step_up) = step_up_if_required(&state, &ctx, &current, &row).await? {
        return Ok(step_up);
    }
    let decided =
        device_approval::decide(&state, current.actor(&ctx), &current.session, row, allow).await?;
    let notice = match (decided, allow) {
        (false, _) => {
            return entry(
                &req,
                &state,
                &current,
                StatusCode::BAD_REQUEST,
                "",
                Some(NOT_FOUND),
                None,
            );
        }
        (true, true) => "device.approved",
        (true, false) => "device.denied",
    };
    entry(
        &req,
        &state,
        &current,
        StatusCode::OK,
        "",
        None,
        Some(notice),
    )
}
