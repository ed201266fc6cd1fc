//! `/login/mfa…`: the second sign-in step (S5, SR-95). Every handler needs
//! the browser's pending login (cookie `__Host-ostiary_mfa`, five minutes);
//! without it the user starts again at `/login`. Codes are checked by
//! [`crate::auth::mfa::verify`]; enrolment required by a policy is in
//! `flow::mfa_enroll`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::guard::{Checked, CheckedHeader};
use crate::auth::mfa::verify::{self, Factor, Proof, Verified};
use crate::auth::mfa::{factors, pending};
use crate::auth::webauthn;
use crate::auth::{MaybeSession, csrf, session};
use crate::error::AppError;
use crate::flow::app_context::{self, AppContext};
use crate::flow::login::switch_account_url;
use crate::flow::mfa_pages::WRONG_CODE;
use crate::flow::safe_return_to;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// The challenge page: the factors the user can use.
#[derive(Template)]
#[template(path = "flow/mfa_challenge.html")]
pub struct ChallengePage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub return_to: String,
    pub totp: bool,
    pub passkeys: bool,
    pub backup_codes_left: i64,
    pub error: Option<String>,
    /// The application the user signs in to, if any.
    pub app: Option<AppContext>,
    /// "Not you?": a fresh sign-in for the same request.
    pub switch_url: String,
}

/// Query of the GET pages.
#[derive(Debug, Deserialize)]
pub struct ReturnQuery {
    pub return_to: Option<String>,
}

/// A posted code.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub code: String,
    pub return_to: Option<String>,
}

crate::csrf_field!(CodeForm);

/// A posted button (CSRF only).
#[derive(Debug, Deserialize)]
pub struct ButtonForm {
    #[serde(default)]
    pub csrf_token: String,
    pub return_to: Option<String>,
}

crate::csrf_field!(ButtonForm, PasskeyForm);

/// Back to the start of the login, the pending cookie removed.
pub fn start_over(return_to: &str) -> HttpResponse {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", return_to)
        .finish();
    see_other(&format!("/login?{q}"), vec![pending::removal()])
}

async fn challenge(
    req: &HttpRequest,
    state: &AppState,
    session: &MaybeSession,
    return_to: String,
    status: StatusCode,
    error: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    let Some(row) = pending::lookup(state, req).await? else {
        return Ok(start_over(&return_to));
    };
    if row.purpose != pending::Purpose::Verify {
        return Ok(see_other(
            &crate::flow::login::with_return_to("/login/mfa/enroll", Some(&return_to)),
            vec![],
        ));
    }
    let Some((user, factors)) = factors::user_with_factors(state, &row.user_id).await? else {
        return Ok(start_over(&return_to));
    };
    let (csrf_token, cookies) = csrf::issue(req, state, session.0.as_deref()).cookies();
    let t = crate::i18n::Tr::for_return_to(Some(&return_to));
    let app = AppContext::from_return_to(state, Some(&return_to)).await?;
    let page = ChallengePage {
        t,
        csrf_token,
        email: user.email,
        switch_url: switch_account_url(&return_to),
        return_to,
        totp: factors.totp,
        passkeys: factors.passkeys > 0,
        backup_codes_left: factors.backup_codes_left,
        error: error.map(|key| t.text(key).to_owned()),
        app,
    };
    let res = html(status, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

/// `GET /login/mfa`
pub async fn get_challenge(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<ReturnQuery>,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(query.return_to.as_deref());
    challenge(&req, &state, &session, return_to, StatusCode::OK, None).await
}

async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: CodeForm,
    factor: Factor,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(form.return_to.as_deref());
    let Some(hash) = pending::token_hash(&req) else {
        return Ok(start_over(&return_to));
    };
    let code: String = form.code.chars().take(64).collect();
    let verified = verify::second_factor(
        &state,
        ctx.actor(),
        hash,
        factor,
        Proof::Code(code),
        Locale::from_request(&req),
    )
    .await?;
    answer(&req, &state, &session, verified, return_to, vec![]).await
}

/// The response to a second-factor attempt (plus `extra` cookies).
async fn answer(
    req: &HttpRequest,
    state: &AppState,
    session: &MaybeSession,
    verified: Verified,
    return_to: String,
    extra: Vec<actix_web::cookie::Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    match verified {
        Verified::SignedIn { token } => {
            let mut cookies = vec![session::cookie(token), pending::removal()];
            cookies.extend(extra);
            Ok(see_other(&return_to, cookies))
        }
        Verified::Failed { ended: false, .. } => {
            let mut res = challenge(
                req,
                state,
                session,
                return_to,
                StatusCode::UNAUTHORIZED,
                Some(WRONG_CODE),
            )
            .await?;
            for cookie in extra {
                res.add_cookie(&cookie)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            }
            Ok(res)
        }
        Verified::Failed { ended: true, .. } | Verified::Expired => {
            let mut res = start_over(&return_to);
            for cookie in extra {
                res.add_cookie(&cookie)
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            }
            Ok(res)
        }
    }
}

/// A posted passkey assertion.
#[derive(Debug, Deserialize)]
pub struct PasskeyForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    credential: String,
    return_to: Option<String>,
}

/// `POST /login/mfa/passkey/start`: WebAuthn request options for the
/// pending login's user (JSON; CSRF token in `X-CSRF-Token`).
pub async fn post_passkey_start(
    req: HttpRequest,
    state: web::Data<AppState>,
    _csrf: CheckedHeader,
) -> Result<HttpResponse, AppError> {
    let Some(row) = pending::lookup(&state, &req).await? else {
        return Ok(HttpResponse::Unauthorized()
            .json(serde_json::json!({ "error": "login_required", "location": "/login" })));
    };
    if row.purpose != pending::Purpose::Verify {
        return Ok(HttpResponse::Unauthorized()
            .json(serde_json::json!({ "error": "login_required", "location": "/login" })));
    }
    let (options, cookie) = webauthn::start_authentication(&state, &row.user_id).await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .cookie(cookie)
        .json(options))
}

/// `POST /login/mfa/passkey`: the assertion for the second step.
pub async fn post_passkey(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<PasskeyForm>,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(form.return_to.as_deref());
    let Some(hash) = pending::token_hash(&req) else {
        return Ok(start_over(&return_to));
    };
    let Some(row) = pending::lookup(&state, &req).await? else {
        return Ok(start_over(&return_to));
    };
    let ok = form.credential.len() <= 64 * 1024
        && webauthn::finish_authentication(&state, &req, &row.user_id, &form.credential).await?;
    let verified = verify::second_factor(
        &state,
        ctx.actor(),
        hash,
        Factor::Passkey,
        Proof::Checked(ok),
        Locale::from_request(&req),
    )
    .await?;
    answer(
        &req,
        &state,
        &session,
        verified,
        return_to,
        vec![webauthn::clear_cookie()],
    )
    .await
}

/// `POST /login/mfa/totp`
pub async fn post_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<CodeForm>,
) -> Result<HttpResponse, AppError> {
    submit(req, state, ctx, session, form.into_inner(), Factor::Totp).await
}

/// `POST /login/mfa/backup`
pub async fn post_backup(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<CodeForm>,
) -> Result<HttpResponse, AppError> {
    submit(
        req,
        state,
        ctx,
        session,
        form.into_inner(),
        Factor::BackupCode,
    )
    .await
}
