//! `/logout`: a confirmation page (GET never changes state) and the POST
//! that ends the server-side session (and those of the other accounts of
//! this browser, see [`browser_accounts`]) and clears the cookies.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{MaybeSession, browser_accounts, csrf, session};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::html;

/// "Sign out of Ostiary?"
#[derive(Template)]
#[template(path = "flow/logout.html")]
pub struct LogoutPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
}

/// "You have been signed out."
#[derive(Template)]
#[template(path = "flow/logged_out.html")]
pub struct LoggedOutPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
}

/// Fields posted by the logout form.
#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// `GET /logout`
pub async fn get_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    session: MaybeSession,
) -> Result<HttpResponse, AppError> {
    let current = session.0.as_deref();
    let others =
        browser_accounts::others(&state, &req, current.map(|c| c.user.id.as_str())).await?;
    if current.is_none() && others.is_empty() {
        return html(
            StatusCode::OK,
            &LoggedOutPage {
                t: crate::i18n::Tr::current(),
            },
            vec![],
        );
    }
    let (csrf_token, cookies) = csrf::issue(&req, &state, current).cookies();
    html(
        StatusCode::OK,
        &LogoutPage {
            t: crate::i18n::Tr::current(),
            csrf_token,
        },
        cookies,
    )
}

/// `POST /logout`
pub async fn post_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    let current = session.0.as_deref();
    // Signing out of Ostiary signs out every account of this browser.
    let others = browser_accounts::held(&state, &req).await?;
    if current.is_some() || !others.is_empty() {
        csrf::verify(&req, &state, current, &form.csrf_token)?;
    }
    if let Some(current) = current {
        session::logout(&state, current.actor(&ctx), current).await?;
    }
    for other in others
        .iter()
        .filter(|o| current.is_none_or(|c| c.session.id != o.session.session.id))
    {
        session::logout(&state, other.session.actor(&ctx), &other.session).await?;
    }
    let cookies = vec![session::removal(), browser_accounts::cookie(&[])];
    // A session from a SAML IdP with single logout: on to the IdP (ours
    // is already ended).
    #[cfg(feature = "saml")]
    if let Some(current) = current
        && let Some(res) = crate::flow::saml::single_logout(
            &state,
            &ctx,
            current.session.id.as_str(),
            None,
            cookies.clone(),
        )
        .await
    {
        return Ok(res);
    }
    html(
        StatusCode::OK,
        &LoggedOutPage {
            t: crate::i18n::Tr::current(),
        },
        cookies,
    )
}
