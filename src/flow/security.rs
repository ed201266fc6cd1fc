//! `/account/security`: the signed-in user's second sign-in steps
//! (authenticator app, passkeys, backup codes), a pointer to their sessions
//! and their recent security events from the audit log (S5, S4). Adding or
//! removing a factor needs a recent sign-in (SR-82, SR-91, SR-94).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::guard::{Checked, Page, Recent, SignedIn};
use crate::auth::mfa::enroll::{self, NewCodes};
use crate::auth::{CurrentSession, account_overview, csrf};
use crate::error::AppError;
use crate::flow::mfa_pages::{self, TotpEnrollPage, WRONG_CODE};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::audit::AuditRow;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

const PAGE: &str = "/account/security";

/// One line of recent activity.
#[derive(Debug)]
pub struct EventView {
    pub description: &'static str,
    pub success: bool,
    pub when: String,
    pub ip: String,
}

/// The security page.
#[derive(Template)]
#[template(path = "flow/security.html")]
pub struct SecurityPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub totp: bool,
    pub passkeys: i64,
    pub backup_codes_left: i64,
    pub mfa_enabled: bool,
    pub session_count: usize,
    pub events: Vec<EventView>,
    pub reauth_minutes: i64,
    pub notice: Option<&'static str>,
}

/// Query of `GET /account/security`.
#[derive(Debug, Deserialize)]
pub struct SecurityQuery {
    notice: Option<String>,
}

/// A posted button or code.
#[derive(Debug, Deserialize)]
pub struct SecurityForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

crate::csrf_field!(SecurityForm);

/// What an audited event means to the user, in plain words; `None` hides
/// it (events that are not about signing in or the account's security, and
/// mistakes that are not attempts on the account, like a mistyped code
/// while setting up an authenticator app).
fn describe(row: &AuditRow, t: Tr) -> Option<&'static str> {
    let details: serde_json::Value = serde_json::from_str(&row.details).unwrap_or_default();
    let detail = |k: &str| details.get(k).and_then(serde_json::Value::as_str);
    let key = match row.action.as_str() {
        "login.success" => match detail("method") {
            // A step-up is listed as its second step (mfa.verified).
            Some("step_up") => return None,
            Some("email_code") => "event.login.email_code",
            Some("passkey") => "event.login.passkey",
            _ => "event.login.password",
        },
        "login.failure" => match detail("reason") {
            Some("throttled" | "paused") => "event.login.while_paused",
            Some("account_locked") => "event.login.disabled",
            _ => "event.login.failure",
        },
        "login.locked" => "event.login.locked",
        "session.logout" => "event.session.logout",
        "session.revoked" => "event.session.revoked",
        "session.revoke_all"
            if details.get("kept_current") == Some(&serde_json::Value::Bool(true)) =>
        {
            "event.session.revoke_others"
        }
        "session.revoke_all" => "event.session.revoke_all",
        "mfa.verified" => match detail("factor") {
            Some("passkey") => "event.mfa.verified_passkey",
            Some("backup_code") => return None, // listed as mfa.backup_code_used
            _ => "event.mfa.verified",
        },
        "mfa.failed" => match detail("reason") {
            Some("enrolment_code_wrong") => return None,
            _ => "event.mfa.failed",
        },
        "mfa.locked" => "event.mfa.locked",
        "mfa.enrolled" => "event.mfa.enrolled",
        "mfa.removed" => "event.mfa.removed",
        "mfa.backup_codes_generated" => "event.mfa.backup_codes_generated",
        "mfa.backup_code_used" => "event.mfa.backup_code_used",
        "passkey.registered" => "event.passkey.registered",
        "passkey.removed" => "event.passkey.removed",
        "passkey.rejected" => "event.passkey.rejected",
        "email_code.failed" => "event.email_code.failed",
        "password_reset.requested" if row.outcome == "success" => "event.password_reset.requested",
        "password_reset.completed" => "event.password_reset.completed",
        "password.changed" => "event.password.changed",
        "password.confirm_failed" => "event.password.confirm_failed",
        "email_change.requested" => "event.email_change.requested",
        "email_change.completed" => "event.email_change.completed",
        "email_change.reported" => "event.email_change.reported",
        "email_verification.verified" => "event.email.verified",
        "device_code.approved" => "event.device.approved",
        "consent.granted" => "event.consent.granted",
        "consent.revoked" => "event.consent.revoked",
        _ => return None,
    };
    Some(t.text(key))
}

fn event_view(row: AuditRow, t: Tr) -> Option<EventView> {
    Some(EventView {
        description: describe(&row, t)?,
        success: row.outcome == "success",
        when: row.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ip: row.ip.unwrap_or_default(),
    })
}

/// This page, for the sign-in guards.
pub struct ThisPage;

impl Page for ThisPage {
    const PATH: &'static str = PAGE;
}

/// `GET /account/security`
pub async fn get_security(
    req: HttpRequest,
    state: web::Data<AppState>,
    SignedIn { current, .. }: SignedIn<ThisPage>,
    query: web::Query<SecurityQuery>,
) -> Result<HttpResponse, AppError> {
    let overview = account_overview::security(&state, &current.user.id).await?;
    let factors = &overview.factors;
    let t = Tr::current();
    let notice = match query.notice.as_deref() {
        Some("totp-enabled") => Some(t.text("security.totp_enabled")),
        Some("totp-removed") => Some(t.text("security.totp_removed")),
        Some("others-signed-out") => Some(t.text("security.others_signed_out")),
        Some("password-changed") => Some(t.text("security.password_changed")),
        _ => None,
    };
    let page = SecurityPage {
        t,
        csrf_token: csrf::issue(&req, &state, Some(&current)).token,
        totp: factors.totp,
        passkeys: factors.passkeys,
        backup_codes_left: factors.backup_codes_left,
        mfa_enabled: factors.any(),
        session_count: overview.live_sessions,
        events: overview
            .events
            .into_iter()
            .filter_map(|row| event_view(row, t))
            .take(20)
            .collect(),
        reauth_minutes: state.config.session.reauth_window_secs / 60,
        notice,
    };
    html(StatusCode::OK, &page, vec![])
}

fn enrol_page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    enrolment: &crate::auth::mfa::totp::Enrolment,
    error: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let token = csrf::issue(req, state, Some(current)).token;
    let mut page = TotpEnrollPage::new(
        enrolment,
        token,
        "/account/security/totp/confirm",
        PAGE.into(),
        PAGE.into(),
    );
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    page.error = error.map(|key| page.t.text(key).to_owned());
    html(status, &page, vec![])
}

/// `POST /account/security/totp`: start setting up an authenticator app.
pub async fn post_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    Recent { current, .. }: Recent<ThisPage>,
    _csrf: Checked<SecurityForm>,
) -> Result<HttpResponse, AppError> {
    match enroll::start_totp(&state, &current.user.id, &current.user.email).await? {
        Some(enrolment) => enrol_page(&req, &state, &current, &enrolment, None),
        None => Ok(see_other(PAGE, vec![])),
    }
}

/// `POST /account/security/totp/confirm`: the first valid code turns it on.
pub async fn post_totp_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    form: Checked<SecurityForm>,
) -> Result<HttpResponse, AppError> {
    let code: String = form.code.chars().take(64).collect();
    let actor = current.actor(&ctx);
    match enroll::confirm_totp(&state, actor, &current.user.id, code).await? {
        Some(confirmed) => match confirmed.backup_codes {
            Some(codes) => {
                mfa_pages::backup_codes(codes, format!("{PAGE}?notice=totp-enabled"), vec![])
            }
            None => Ok(see_other(&format!("{PAGE}?notice=totp-enabled"), vec![])),
        },
        None => match enroll::pending_totp(&state, &current.user.id, &current.user.email).await? {
            Some(enrolment) => enrol_page(&req, &state, &current, &enrolment, Some(WRONG_CODE)),
            None => Ok(see_other(PAGE, vec![])),
        },
    }
}

/// `POST /account/security/totp/remove`
pub async fn post_totp_remove(
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    _csrf: Checked<SecurityForm>,
) -> Result<HttpResponse, AppError> {
    enroll::remove_totp(&state, current.actor(&ctx), &current.user.id).await?;
    Ok(see_other(&format!("{PAGE}?notice=totp-removed"), vec![]))
}

/// `POST /account/security/backup-codes`: a new set, shown once.
pub async fn post_backup_codes(
    state: web::Data<AppState>,
    ctx: RequestContext,
    Recent { current, .. }: Recent<ThisPage>,
    _csrf: Checked<SecurityForm>,
) -> Result<HttpResponse, AppError> {
    match enroll::backup_codes_for(
        &state,
        current.actor(&ctx),
        &current.user.id,
        NewCodes::Replace,
    )
    .await?
    {
        Some(codes) => mfa_pages::backup_codes(codes, PAGE.into(), vec![]),
        None => Ok(see_other(PAGE, vec![])),
    }
}
