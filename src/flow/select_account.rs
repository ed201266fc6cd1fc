//! `/login/select`: the account chooser (`prompt=select_account`, and
//! "Not you?"). It lists the account signed in on this browser and the
//! others kept by [`browser_accounts`]; choosing one makes it the current
//! session (the previous one is set aside, not ended), "use another
//! account" sets the current one aside and opens the login form. Then the
//! browser goes on to `return_to`, usually the authorization request, so
//! the page's CSP names that application's origin (SR-73).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::browser_accounts::{self, Other};
use crate::auth::guard::Checked;
use crate::auth::{MaybeSession, csrf, session};
use crate::domain::SessionId;
use crate::error::AppError;
use crate::flow::app_context::{self, AppContext};
use crate::flow::login::with_return_to;
use crate::flow::safe_return_to;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// The value of the "use another account" button.
const ANOTHER: &str = "another";

/// One account to choose.
#[derive(Debug)]
pub struct Choice {
    pub session_id: SessionId,
    pub email: String,
    pub name: String,
    pub initial: String,
    pub current: bool,
}

/// "Choose an account"
#[derive(Template)]
#[template(path = "flow/select_account.html")]
pub struct SelectAccountPage {
    /// The messages of the page language.
    pub t: Tr,
    pub csrf_token: String,
    pub return_to: String,
    pub accounts: Vec<Choice>,
    pub app: Option<AppContext>,
}

/// Query of `GET /login/select`.
#[derive(Debug, Deserialize)]
pub struct SelectQuery {
    return_to: Option<String>,
}

/// Fields of the chooser form.
#[derive(Debug, Deserialize)]
pub struct SelectForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    choice: String,
    return_to: Option<String>,
}

crate::csrf_field!(SelectForm);

fn choice(s: &session::CurrentSession, current: bool) -> Choice {
    let label = if s.user.display_name.trim().is_empty() {
        &s.user.email
    } else {
        &s.user.display_name
    };
    Choice {
        session_id: s.session.id.clone(),
        email: s.user.email.clone(),
        name: s.user.display_name.clone(),
        initial: label
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default(),
        current,
    }
}

/// `GET /login/select`
pub async fn get_select(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
    query: web::Query<SelectQuery>,
) -> Result<HttpResponse, AppError> {
    let return_to = safe_return_to(query.return_to.as_deref());
    let current = session.0.as_deref();
    let others =
        browser_accounts::others(&state, &req, current.map(|c| c.user.id.as_str())).await?;
    if current.is_none() && others.is_empty() {
        return Ok(see_other(
            &with_return_to("/login", Some(&return_to)),
            vec![],
        ));
    }
    let mut accounts: Vec<Choice> = current.map(|c| choice(c, true)).into_iter().collect();
    accounts.extend(others.iter().map(|o| choice(&o.session, false)));
    let (csrf_token, cookies) = csrf::issue(&req, &state, current).cookies();
    let page = SelectAccountPage {
        t: Tr::for_return_to(Some(&return_to)),
        csrf_token,
        app: AppContext::from_return_to(&state, Some(&return_to)).await?,
        return_to,
        accounts,
    };
    let res = html(StatusCode::OK, &page, cookies)?;
    Ok(app_context::apply(page.app.as_ref(), res))
}

/// `POST /login/select`
pub async fn post_select(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: Checked<SelectForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let current = session.0.as_deref();
    let return_to = safe_return_to(form.return_to.as_deref());
    let others =
        browser_accounts::others(&state, &req, current.map(|c| c.user.id.as_str())).await?;
    // The current session's token, if the browser has a live one.
    let current_token =
        current.and_then(|_| req.cookie(session::COOKIE).map(|c| c.value().to_owned()));
    if form.choice == ANOTHER {
        let mut cookies = vec![session::removal()];
        if let Some(token) = &current_token {
            cookies.push(browser_accounts::with_first(token, &others));
        }
        return Ok(see_other(
            &with_return_to("/login", Some(&return_to)),
            cookies,
        ));
    }
    if current.is_some_and(|c| c.session.id == form.choice) {
        return Ok(see_other(&return_to, vec![]));
    }
    let Some(chosen) = others.iter().find(|o| o.session.session.id == form.choice) else {
        // Gone meanwhile (signed out, expired): choose again.
        return Ok(see_other(
            &with_return_to("/login/select", Some(&return_to)),
            vec![],
        ));
    };
    let rest: Vec<Other> = others
        .iter()
        .filter(|o| o.session.session.id != chosen.session.session.id)
        .cloned()
        .collect();
    let accounts = match &current_token {
        Some(token) => browser_accounts::with_first(token, &rest),
        None => browser_accounts::cookie(&rest.iter().map(|o| o.token.clone()).collect::<Vec<_>>()),
    };
    audit_switch(&state, &ctx, current, chosen).await?;
    Ok(see_other(
        &return_to,
        vec![session::cookie(chosen.token.clone()), accounts],
    ))
}

async fn audit_switch(
    state: &AppState,
    ctx: &RequestContext,
    from: Option<&session::CurrentSession>,
    to: &Other,
) -> Result<(), AppError> {
    let actor = to.session.actor(ctx);
    let from_user = from.map(|c| c.user.id.as_str());
    browser_accounts::record_switch(state, actor, &to.session.user.id, from_user).await
}
