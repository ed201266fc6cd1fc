//! `/login/email` and `/login/email/code`: "Sign in with email" (S6).
//! Asking for a code answers the same way whether or not the address has
//! an account (SR-85); the code form only works in the browser that asked
//! (binding cookie). See [`crate::auth::email_code`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::login::{after_first_factor, to_provider};
use super::pages::{EmailFormPage, NoticePage, notice};
use crate::auth::email_code::{self, BINDING_COOKIE, RequestOutcome, VerifyOutcome};
use crate::auth::guard::Checked;
use crate::auth::{MaybeSession, csrf, session};
use crate::domain::Email;
use crate::error::AppError;
use crate::federation::realm;
use crate::flow::app_context::{self, AppContext};
use crate::flow::safe_return_to;
use crate::i18n::Tr;
use crate::mail::Locale;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// The code entry form.
#[derive(Template)]
#[template(path = "flow/email_code.html")]
pub struct CodePage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub error: Option<String>,
    pub return_to: Option<String>,
    pub minutes: i64,
    /// The application the user signs in to, if any.
    pub app: Option<AppContext>,
}

/// Query of the GET pages.
#[derive(Debug, Deserialize)]
pub struct ReturnQuery {
    return_to: Option<String>,
}

/// `POST /login/email`
#[derive(Debug, Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    return_to: Option<String>,
}

crate::csrf_field!(RequestForm);

/// `POST /login/email/code`
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
    return_to: Option<String>,
}

crate::csrf_field!(CodeForm);

async fn request_page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    email: &str,
    error: Option<String>,
    return_to: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session).cookies();
    let t = Tr::for_return_to(return_to.as_deref());
    let return_to = return_to.map(|r| safe_return_to(Some(&r)));
    let page = EmailFormPage {
        t,
        heading: t.text("email_login.heading"),
        lead: t.text("email_login.lead"),
        action: "/login/email",
        button: t.text("login.email_code"),
        csrf_token,
        email: email.chars().take(254).collect(),
        error,
        app: AppContext::from_return_to(state, return_to.as_deref()).await?,
        return_to,
    };
    let res = html(status, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

async fn code_page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    error: Option<String>,
    return_to: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session).cookies();
    let return_to = return_to.map(|r| safe_return_to(Some(&r)));
    let page = CodePage {
        t: Tr::for_return_to(return_to.as_deref()),
        csrf_token,
        error,
        app: AppContext::from_return_to(state, return_to.as_deref()).await?,
        return_to,
        minutes: state.config.mail.code_ttl_secs / 60,
    };
    let res = html(status, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

fn code_path(return_to: Option<&str>) -> String {
    match return_to {
        Some(r) => format!(
            "/login/email/code?return_to={}",
            url::form_urlencoded::byte_serialize(safe_return_to(Some(r)).as_bytes())
                .collect::<String>()
        ),
        None => "/login/email/code".into(),
    }
}

/// `GET /login/email`
pub async fn get_request(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<ReturnQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    request_page(
        &req,
        &state,
        session.0.as_deref(),
        StatusCode::OK,
        "",
        None,
        query.return_to,
    )
    .await
}

/// `POST /login/email`
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
                form.return_to,
            )
            .await;
        }
    };
    // Identifier-first: addresses of a claimed domain sign in at their
    // provider unless it lets local methods in.
    if let Some(realm) = realm::sends_to_provider(&state, email.as_str(), true).await? {
        // A directory (LDAP) signs its addresses in with their directory
        // password on the sign-in page.
        if realm.password {
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("login_hint", email.as_str())
                .append_pair("return_to", &safe_return_to(form.return_to.as_deref()))
                .finish();
            return Ok(see_other(&format!("/login?{q}"), vec![]));
        }
        return to_provider(&realm.provider_id, form.return_to.as_deref());
    }
    let locale = Locale::from_request(&req);
    match email_code::request(&state, ctx.actor(), &email, locale).await? {
        RequestOutcome::Issued { cookie } => Ok(see_other(
            &code_path(form.return_to.as_deref()),
            vec![cookie],
        )),
        RequestOutcome::Limited => notice(
            StatusCode::TOO_MANY_REQUESTS,
            "email_login.limited",
            "email_login.limited.message",
            Some(("/login", "common.back_to_sign_in")),
        ),
    }
}

/// `GET /login/email/code`
pub async fn get_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<ReturnQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    code_page(
        &req,
        &state,
        session.0.as_deref(),
        StatusCode::OK,
        None,
        query.return_to,
    )
    .await
}

/// `POST /login/email/code`
pub async fn post_code(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    let binding = req.cookie(BINDING_COOKIE).map(|c| c.value().to_owned());
    let replaces = current.map(|c| c.session.id.clone());
    match email_code::verify(
        &state,
        ctx.actor(),
        binding.as_deref(),
        &form.code,
        replaces,
    )
    .await?
    {
        VerifyOutcome::Success(next) => {
            let mut response = after_first_factor(next, form.return_to.as_deref());
            response
                .add_cookie(&email_code::binding_removal())
                .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
            Ok(response)
        }
        VerifyOutcome::Wrong { remaining } => {
            code_page(
                &req,
                &state,
                current,
                StatusCode::UNAUTHORIZED,
                Some(Tr::for_return_to(form.return_to.as_deref()).fill(
                    if remaining == 1 {
                        "email_login.wrong_one"
                    } else {
                        "email_login.wrong_many"
                    },
                    remaining,
                )),
                form.return_to,
            )
            .await
        }
        VerifyOutcome::Expired => html(
            StatusCode::BAD_REQUEST,
            &NoticePage {
                t: Tr::current(),
                heading: Tr::current().text("email_login.expired"),
                message: Tr::current().text("email_login.expired.message").into(),
                link: Some((
                    "/login/email".into(),
                    Tr::current().text("email_code.resend"),
                )),
            },
            vec![email_code::binding_removal()],
        ),
    }
}
