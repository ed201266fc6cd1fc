//! `/login`: the email + password form. Unknown email, wrong password,
//! locked account and throttled attempts all get the same page (SR-85).
//! `force=1` (from `/authorize` with `prompt=login` or an exceeded
//! `max_age`) shows the form to a signed-in user too; signing in then
//! replaces the session with a new one (SR-60, SR-63).

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::guard::Checked;
use crate::auth::mfa::pending;
use crate::auth::password_login::{self, LoginOutcome};
use crate::auth::sign_in::Next;
use crate::auth::{MaybeSession, csrf, session};
use crate::domain::Password;
use crate::error::AppError;
use crate::federation::realm;
use crate::flow::app_context::{self, AppContext};
use crate::flow::pages::continue_to;
use crate::flow::safe_return_to;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// The key of the one message for every failed sign-in.
pub const FAILED: &str = "login.failed";

/// The login form.
#[derive(Template)]
#[template(path = "flow/login.html")]
pub struct LoginPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub error: Option<String>,
    pub return_to: Option<String>,
    /// The application the user signs in to, if any.
    pub app: Option<AppContext>,
    /// Upstream identity providers to sign in with (S7).
    pub providers: Vec<crate::federation::registry::Button>,
    /// LDAP directories, each with its own form (`/login/directory/{id}`).
    pub directories: Vec<crate::federation::registry::Button>,
}

/// Query of `GET /login`.
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    return_to: Option<String>,
    /// `1`: re-authenticate even when signed in.
    force: Option<String>,
    /// Prefills the email field (`login_hint` of an authorization request).
    login_hint: Option<String>,
}

/// Fields posted by the login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    return_to: Option<String>,
}

crate::csrf_field!(LoginForm);

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("email", &self.email)
            .field("password", &"***")
            .field("return_to", &self.return_to)
            .finish_non_exhaustive()
    }
}

/// The form, for the application of `return_to` if there is one; its CSP
/// lets the form lead on to that application (see [`AppContext`]).
#[allow(clippy::too_many_arguments)]
pub async fn page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    return_to: Option<String>,
    extra_cookies: Vec<Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    // Bound to the session a forced re-authentication starts from, which is
    // what `post_login` verifies against.
    let (csrf_token, mut cookies) = csrf::issue(req, state, session).cookies();
    cookies.extend(extra_cookies);
    let return_to = return_to.map(|r| safe_return_to(Some(&r)));
    let app = AppContext::from_return_to(state, return_to.as_deref()).await?;
    let t = crate::i18n::Tr::for_return_to(return_to.as_deref());
    let page = LoginPage {
        t,
        csrf_token,
        email: email.trim().chars().take(254).collect(),
        error,
        return_to,
        app,
        providers: crate::federation::registry::buttons(state).await?,
        directories: crate::federation::registry::directory_buttons(state).await?,
    };
    let res = html(status, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

/// On to sign in at `provider` (identifier-first), from a form: a page that
/// leads on, since a redirect would carry the form post to the provider's
/// origin, which `form-action` blocks.
pub fn to_provider(provider: &str, return_to: Option<&str>) -> Result<HttpResponse, AppError> {
    let start = format!("/login/providers/{provider}");
    continue_to(&with_return_to(&start, return_to), vec![])
}

/// The browser's next step after any first factor (password, email code,
/// passkey, upstream): every login method answers through this.
pub fn after_first_factor(next: Next, return_to: Option<&str>) -> HttpResponse {
    match next {
        Next::SignedIn { token } => see_other(
            &safe_return_to(return_to),
            vec![session::cookie(token), pending::removal()],
        ),
        Next::SecondFactor { token } => see_other(
            &with_return_to("/login/mfa", return_to),
            vec![pending::cookie(token)],
        ),
        Next::EnrollFactor { token } => see_other(
            &with_return_to("/login/mfa/enroll", return_to),
            vec![pending::cookie(token)],
        ),
        Next::VerifyEmail { ticket } => crate::flow::verify_email::gate_redirect(ticket),
    }
}

/// `path?return_to=…` with a safe local return target.
pub fn with_return_to(path: &str, return_to: Option<&str>) -> String {
    let q = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("return_to", &safe_return_to(return_to))
        .finish();
    format!("{path}?{q}")
}

/// Status, message and `Retry-After` seconds for a refused sign-in (S5):
/// a paused address says how long and what else works, without telling
/// whether an account exists (the pause is counted per address either way).
fn refusal(outcome: LoginOutcome, t: crate::i18n::Tr) -> (StatusCode, String, Option<i64>) {
    match outcome {
        LoginOutcome::Throttled { wait_secs } => {
            let text = if wait_secs >= 60 {
                t.fill("login.throttled_minutes", (wait_secs + 59) / 60)
            } else {
                t.fill("login.throttled_seconds", wait_secs)
            };
            (StatusCode::TOO_MANY_REQUESTS, text, Some(wait_secs))
        }
        LoginOutcome::Disabled => (StatusCode::FORBIDDEN, t.text("login.disabled").into(), None),
        _ => (StatusCode::UNAUTHORIZED, t.text(FAILED).into(), None),
    }
}

/// "Not you?": the account chooser for the same request (other accounts
/// of this browser, or "use another account").
pub fn switch_account_url(return_to: &str) -> String {
    with_return_to("/login/select", Some(return_to))
}

/// `GET /login`
pub async fn get_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let force = query.force.as_deref() == Some("1");
    if session.0.is_some() && !force {
        return Ok(see_other(
            &safe_return_to(query.return_to.as_deref()),
            vec![],
        ));
    }
    page(
        &req,
        &state,
        session.0.as_deref(),
        StatusCode::OK,
        query.login_hint.as_deref().unwrap_or_default(),
        None,
        query.return_to,
        vec![],
    )
    .await
}

/// `POST /login`
pub async fn post_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    // Identifier-first (S7): an address of a domain a provider claims goes
    // there — its password is never checked here, unless the provider
    // lets local passwords in and one was typed. A directory's addresses
    // (LDAP) always type the directory password here
    // (`--allow-local-passwords` leaves them the emailed code).
    let wants_local = !form.password.is_empty();
    if let Some(realm) = realm::of_email(&state, &form.email).await? {
        if realm.password {
            return directory_login(req, state, ctx, session, form, &realm.provider_id).await;
        }
        if !(realm.allow_local_passwords && wants_local) {
            return to_provider(&realm.provider_id, form.return_to.as_deref());
        }
    }
    // The first step of an identifier-first sign-in for anyone else: ask
    // for the password (not a failed attempt).
    if form.password.is_empty() {
        let t = crate::i18n::Tr::for_return_to(form.return_to.as_deref());
        let message = t.text("login.password_needed").to_owned();
        return page(
            &req,
            &state,
            current,
            StatusCode::OK,
            &form.email,
            Some(message),
            form.return_to,
            vec![],
        )
        .await;
    }
    let password = Password::new(form.password);
    let replaces = current.map(|c| c.session.id.clone());
    match password_login::attempt(&state, ctx.actor(), &form.email, &password, replaces).await? {
        LoginOutcome::Success(next) => Ok(after_first_factor(next, form.return_to.as_deref())),
        // A failed re-authentication leaves the existing session as it
        // was (nothing is merged), so the next try is bound to it.
        outcome => {
            let t = crate::i18n::Tr::for_return_to(form.return_to.as_deref());
            let (status, message, retry) = refusal(outcome, t);
            let mut res = page(
                &req,
                &state,
                current,
                status,
                &form.email,
                Some(message),
                form.return_to,
                vec![],
            )
            .await?;
            if let Some(secs) = retry
                && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&secs.to_string())
            {
                res.headers_mut()
                    .insert(actix_web::http::header::RETRY_AFTER, v);
            }
            Ok(res)
        }
    }
}

/// What a directory sign-in (`federation::ldap::sign_in::attempt`) leads
/// to: the next step, or the status, message and `Retry-After` seconds of
/// the page that refuses it. The login page's identifier-first path and
/// the directory's own page (`/login/directory/{id}`) both answer this way.
pub fn directory_outcome(
    outcome: crate::federation::ldap::sign_in::LdapOutcome,
    t: crate::i18n::Tr,
) -> Result<Next, (StatusCode, String, Option<i64>)> {
    use crate::federation::ldap::sign_in::LdapOutcome;
    Err(match outcome {
        LdapOutcome::Success(next) => return Ok(next),
        LdapOutcome::Throttled { wait_secs } => refusal(LoginOutcome::Throttled { wait_secs }, t),
        LdapOutcome::Failed => refusal(LoginOutcome::Failed, t),
        LdapOutcome::Refused(reason) => (
            StatusCode::FORBIDDEN,
            t.text(&format!("fed.{reason}")).to_owned(),
            None,
        ),
        LdapOutcome::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            t.text("login.directory_unavailable").to_owned(),
            None,
        ),
    })
}

/// `Retry-After: secs` on a refused page, when throttled.
pub fn with_retry_after(mut res: HttpResponse, retry: Option<i64>) -> HttpResponse {
    if let Some(secs) = retry
        && let Ok(v) = actix_web::http::header::HeaderValue::from_str(&secs.to_string())
    {
        res.headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, v);
    }
    res
}

/// The login page again with `message` (and `Retry-After` when throttled).
#[allow(clippy::too_many_arguments)]
async fn refused_page(
    req: &HttpRequest,
    state: &AppState,
    current: Option<&session::CurrentSession>,
    status: StatusCode,
    email: &str,
    message: String,
    return_to: Option<String>,
    retry: Option<i64>,
) -> Result<HttpResponse, AppError> {
    let res = page(
        req,
        state,
        current,
        status,
        email,
        Some(message),
        return_to,
        vec![],
    )
    .await?;
    Ok(with_retry_after(res, retry))
}

/// An address of a domain an LDAP provider claims (S7): the directory
/// password is asked for on this page and checked at the directory,
/// throttled like a local password before any bind (SR-84).
async fn directory_login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: LoginForm,
    provider_id: &str,
) -> Result<HttpResponse, AppError> {
    use crate::federation::ldap::sign_in as ldap;
    let current = session.0.as_deref();
    let t = crate::i18n::Tr::for_return_to(form.return_to.as_deref());
    if form.password.is_empty() {
        let message = t.text("login.directory_password_needed").to_owned();
        return page(
            &req,
            &state,
            current,
            StatusCode::OK,
            &form.email,
            Some(message),
            form.return_to,
            vec![],
        )
        .await;
    }
    let replaces = current.map(|c| c.session.id.clone());
    let password = zeroize::Zeroizing::new(form.password);
    let outcome = ldap::attempt(
        &state,
        ctx.actor(),
        provider_id,
        &form.email,
        password,
        replaces,
    )
    .await?;
    let (status, message, retry) = match directory_outcome(outcome, t) {
        Ok(next) => return Ok(after_first_factor(next, form.return_to.as_deref())),
        Err(refused) => refused,
    };
    refused_page(
        &req,
        &state,
        current,
        status,
        &form.email,
        message,
        form.return_to,
        retry,
    )
    .await
}
