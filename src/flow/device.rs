//! `/device` (RFC 8628 §3.3): a signed-in user enters the code shown on a
//! device (prefilled from `verification_uri_complete`), sees which client
//! asks for which scopes, and allows or denies. Anonymous visitors go to
//! `/login` first. Wrong codes count against `device:<ip>` in the shared
//! throttle, so user codes cannot be guessed at speed (RFC 8628 §5.1).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::audit::{self, Action, Event, Outcome};
use crate::auth::mfa::{acr, pending, policy};
use crate::auth::throttle::{self, Kind};
use crate::auth::{CurrentSession, MaybeSession, csrf};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::device::{display_user_code, normalize_user_code};
use crate::state::AppState;
use crate::store::clients;
use crate::store::device_codes::{self, Approval, DeviceCode, PENDING};
use crate::store::throttle as counters;
use crate::store::{utc, write_tx};
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

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

const NOT_FOUND: &str = "device.not_found";

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

fn to_login(user_code: Option<&str>) -> HttpResponse {
    let back = match user_code.and_then(normalize_user_code) {
        Some(c) => format!("/device?user_code={}", display_user_code(&c)),
        None => "/device".to_owned(),
    };
    let encoded: String = url::form_urlencoded::byte_serialize(back.as_bytes()).collect();
    see_other(&format!("/login?return_to={encoded}"), vec![])
}

/// `GET /device`
pub async fn get_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<DeviceQuery>,
) -> Result<HttpResponse, AppError> {
    let Some(current) = session.0 else {
        return Ok(to_login(query.user_code.as_deref()));
    };
    let prefill = query.user_code.as_deref().unwrap_or_default();
    entry(&req, &state, &current, StatusCode::OK, prefill, None, None)
}

/// A pending, unexpired request for a typed code, counting a miss against
/// the caller's address; `Err` message key when throttled or not found.
async fn lookup(
    state: &AppState,
    ip: &str,
    typed: &str,
) -> Result<Result<DeviceCode, &'static str>, AppError> {
    let key = format!("device:{ip}");
    let now = state.now();
    let cfg = state.config.throttle.clone();
    let code = normalize_user_code(typed);
    state
        .db
        .run(move |conn| {
            // Check and count in one serialized transaction, so parallel
            // guesses cannot all pass the check (SR-84).
            write_tx(conn, |conn| {
                if throttle::is_blocked(counters::get(conn, &key)?.as_ref(), now) {
                    return Ok(Err("device.too_many"));
                }
                let found = match &code {
                    Some(c) => device_codes::find_by_user_code(conn, c)?
                        .filter(|r| r.status == PENDING && utc(r.expires_at) > now),
                    None => None,
                };
                if let Some(row) = found {
                    return Ok(Ok(row));
                }
                let (row, _) =
                    throttle::after_failure(counters::get(conn, &key)?, &key, Kind::Ip, now, &cfg);
                counters::put(conn, &row)?;
                Ok(Err(NOT_FOUND))
            })
        })
        .await
}

/// `POST /device`: check the typed code, then ask for confirmation.
pub async fn post_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<DeviceForm>,
) -> Result<HttpResponse, AppError> {
    let Some(current) = session.0 else {
        return Ok(to_login(None));
    };
    csrf::verify(&req, &state, Some(&current), &form.csrf_token)?;
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
    let client_id = row.client_id.clone();
    let client = state
        .db
        .run(move |conn| clients::find(conn, &client_id))
        .await?
        .ok_or(AppError::NotFound)?;
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
    let amr: Vec<String> = serde_json::from_str(&current.session.amr).unwrap_or_default();
    if acr::is_multi_factor(&amr) {
        return Ok(None);
    }
    let (user_id, client_id) = (current.user.id.clone(), row.client_id.clone());
    let required = state
        .db
        .run(move |conn| policy::required_for_client(conn, &user_id, &client_id))
        .await?;
    if !required {
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
    session: MaybeSession,
    form: web::Form<DeviceForm>,
) -> Result<HttpResponse, AppError> {
    let Some(current) = session.0 else {
        return Ok(to_login(None));
    };
    csrf::verify(&req, &state, Some(&current), &form.csrf_token)?;
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
    let now = state.now();
    let actor = current.actor(&ctx);
    let session = current.session.clone();
    let decided = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let changed = if allow {
                    device_codes::approve(
                        conn,
                        &row.user_code,
                        &Approval {
                            user_id: &session.user_id,
                            session_id: &session.id,
                            auth_time: session.auth_time,
                            amr: &session.amr,
                        },
                    )?
                } else {
                    device_codes::deny(conn, &row.user_code)?
                };
                if changed {
                    let action = if allow {
                        Action::DeviceCodeApproved
                    } else {
                        Action::ConsentDenied
                    };
                    audit::record(
                        conn,
                        &actor,
                        Event::new(action, Outcome::Success)
                            .target("client", row.client_id.as_str())
                            .details(serde_json::json!({ "scope": row.scope, "flow": "device" })),
                        now,
                    )?;
                }
                Ok(changed)
            })
        })
        .await?;
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
