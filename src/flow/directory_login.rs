//! `/login/directory/{id}`: "choose your directory" (S7). People whose
//! directory name is not an address of a claimed domain (`jdoe`, an
//! Active Directory `sAMAccountName`), or whose directory claims no
//! domain, type their directory user name and password on this page;
//! it goes through the same `federation::ldap::sign_in::attempt` as the
//! login page's identifier-first path (throttled before any bind, SR-84;
//! one failure message, SR-85) and on through `after_first_factor`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::guard::Checked;
use crate::auth::{MaybeSession, csrf, session};
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::ldap::sign_in;
use crate::federation::upstream::usable;
use crate::flow::app_context::{self, AppContext};
use crate::flow::login::{after_first_factor, directory_outcome, with_retry_after};
use crate::flow::safe_return_to;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

/// The form of one directory.
#[derive(Template)]
#[template(path = "flow/directory_login.html")]
pub struct DirectoryPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub provider_id: String,
    /// The provider's button label, or its name.
    pub label: String,
    pub username: String,
    pub error: Option<String>,
    pub return_to: Option<String>,
    /// The application the user signs in to, if any.
    pub app: Option<AppContext>,
}

/// Query of `GET /login/directory/{id}`.
#[derive(Debug, Deserialize)]
pub struct DirectoryQuery {
    return_to: Option<String>,
}

/// Fields posted by the directory form.
#[derive(Deserialize)]
pub struct DirectoryForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    return_to: Option<String>,
}

crate::csrf_field!(DirectoryForm);

impl std::fmt::Debug for DirectoryForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryForm")
            .field("username", &self.username)
            .field("password", &"***")
            .field("return_to", &self.return_to)
            .finish_non_exhaustive()
    }
}

/// The label of an enabled LDAP provider; anything else (unknown,
/// disabled, deleted, another kind) is not found.
async fn directory_label(state: &AppState, provider_id: &str) -> Result<String, AppError> {
    match usable(state, provider_id, |k| k == Kind::Ldap).await {
        Ok((row, _)) => Ok(row.button_label.unwrap_or(row.name)),
        Err(_) => Err(AppError::NotFound),
    }
}

/// The page, with `error` when a try was refused.
#[allow(clippy::too_many_arguments)]
async fn page(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&session::CurrentSession>,
    status: StatusCode,
    provider_id: String,
    label: String,
    username: &str,
    error: Option<String>,
    return_to: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, session).cookies();
    let return_to = return_to.map(|r| safe_return_to(Some(&r)));
    let app = AppContext::from_return_to(state, return_to.as_deref()).await?;
    let page = DirectoryPage {
        t: crate::i18n::Tr::for_return_to(return_to.as_deref()),
        csrf_token,
        provider_id,
        label,
        username: username.trim().chars().take(254).collect(),
        error,
        return_to,
        app,
    };
    let res = html(status, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

/// `GET /login/directory/{id}`
pub async fn get_directory(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    path: web::Path<String>,
    query: web::Query<DirectoryQuery>,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let label = directory_label(&state, &provider_id).await?;
    let return_to = query.into_inner().return_to;
    let current = session.0.as_deref();
    page(
        &req,
        &state,
        current,
        StatusCode::OK,
        provider_id,
        label,
        "",
        None,
        return_to,
    )
    .await
}

/// `POST /login/directory/{id}`
pub async fn post_directory(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    path: web::Path<String>,
    form: Checked<DirectoryForm>,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let label = directory_label(&state, &provider_id).await?;
    let form = form.into_inner();
    let current = session.0.as_deref();
    let t = crate::i18n::Tr::for_return_to(form.return_to.as_deref());
    // Nothing reaches the directory (or the throttle) without a password.
    if form.password.is_empty() || form.username.trim().is_empty() {
        let message = t.text("login.directory_password_needed").to_owned();
        return page(
            &req,
            &state,
            current,
            StatusCode::OK,
            provider_id,
            label,
            &form.username,
            Some(message),
            form.return_to,
        )
        .await;
    }
    let replaces = current.map(|c| c.session.id.clone());
    let password = zeroize::Zeroizing::new(form.password);
    let outcome = sign_in::attempt(
        &state,
        ctx.actor(),
        &provider_id,
        &form.username,
        password,
        replaces,
    )
    .await?;
    let (status, message, retry) = match directory_outcome(outcome, t) {
        Ok(next) => return Ok(after_first_factor(next, form.return_to.as_deref())),
        Err(refused) => refused,
    };
    let res = page(
        &req,
        &state,
        current,
        status,
        provider_id,
        label,
        &form.username,
        Some(message),
        form.return_to,
    )
    .await?;
    Ok(with_retry_after(res, retry))
}
