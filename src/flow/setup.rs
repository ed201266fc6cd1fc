//! `/setup`: creates the first administrator on an empty store, race-free
//! (see [`crate::users::setup::complete_setup`]), then signs them in. Once done,
//! the page no longer offers the form.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::csrf;
use crate::auth::guard::Checked;
use crate::auth::session::{self, NewSession};
use crate::crypto::token::constant_time_eq;
use crate::domain::{Email, Password, Role};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::users::accounts::UserSpec;
use crate::users::{password_rules, setup};
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// The setup form.
#[derive(Template)]
#[template(path = "flow/setup.html")]
pub struct SetupPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub display_name: String,
    pub error: Option<String>,
    /// The setup token from the link printed in the log (prefilled).
    pub token: String,
    pub token_required: bool,
    pub min_length: usize,
}

/// Shown once setup is done.
#[derive(Template)]
#[template(path = "flow/setup_done.html")]
pub struct SetupDonePage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
}

/// Fields posted by the setup form.
#[derive(Debug, Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    #[serde(default)]
    setup_token: String,
}

crate::csrf_field!(SetupForm);

fn form_page(
    req: &HttpRequest,
    state: &AppState,
    status: StatusCode,
    email: &str,
    name: &str,
    token: &str,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (csrf_token, cookies) = csrf::issue(req, state, None).cookies();
    let page = SetupPage {
        t: crate::i18n::Tr::current(),
        csrf_token,
        email: email.to_owned(),
        display_name: name.to_owned(),
        error,
        token: token.chars().take(128).collect(),
        token_required: setup::setup_token(state).is_some(),
        min_length: state.config.password.min_length,
    };
    html(status, &page, cookies)
}

/// Query of `GET /setup` (the link printed at start carries the token).
#[derive(Debug, Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    token: String,
}

/// `GET /setup`
pub async fn get_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SetupQuery>,
) -> Result<HttpResponse, AppError> {
    if !state.db.run(setup::setup_open).await? {
        return html(
            StatusCode::OK,
            &SetupDonePage {
                t: crate::i18n::Tr::current(),
            },
            vec![],
        );
    }
    form_page(&req, &state, StatusCode::OK, "", "", &query.token, None)
}

/// `POST /setup`
pub async fn post_setup(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    form: Checked<SetupForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    if !state.db.run(setup::setup_open).await? {
        return Err(AppError::Conflict(
            Tr::current().text("setup.already").into(),
        ));
    }
    let invalid = |msg: String| {
        form_page(
            &req,
            &state,
            StatusCode::BAD_REQUEST,
            &form.email,
            &form.display_name,
            &form.setup_token,
            Some(msg),
        )
    };
    if let Some(expected) = setup::setup_token(&state)
        && !constant_time_eq(expected.as_bytes(), form.setup_token.as_bytes())
    {
        return invalid(Tr::current().text("setup.bad_token").into());
    }
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(msg) => return invalid(msg),
    };
    if form.display_name.chars().count() > 200 {
        return invalid(Tr::current().text("form.name_too_long").into());
    }
    let password = Password::new(form.password);
    if let Err(rule) =
        password_rules::check_new_password(&state.config, &password, email.as_str(), &[])
    {
        return invalid(Tr::current().fill(rule.key(), rule.arg()));
    }
    if !password.matches(&Password::new(form.password_confirm)) {
        return invalid(Tr::current().text("form.passwords_differ").into());
    }
    let hash = state.hasher.hash(&password).await?;
    let spec = UserSpec {
        email,
        display_name: form.display_name,
        password_hash: Some(hash),
        superuser: true,
        email_verified: true,
        organization: Some((state.config.default_organization.clone(), Role::Owner)),
    };
    let now = state.now();
    let actor = ctx.actor();
    let st = state.clone();
    let (_, token) = state
        .db
        .run(move |conn| {
            setup::complete_setup(conn, &actor, &spec, now, |conn, user| {
                let new = NewSession {
                    user_id: &user.id,
                    amr: &["pwd"],
                    ip: &ctx.ip,
                    user_agent: &ctx.user_agent,
                };
                session::create(conn, &st, &new, now).map(|(_, token)| token)
            })
        })
        .await?;
    tracing::info!("initial setup completed");
    Ok(see_other("/account", vec![session::cookie(token)]))
}
