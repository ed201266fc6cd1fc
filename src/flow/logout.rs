//! `/logout`: a confirmation page (GET never changes state) and the POST
//! that ends the server-side session and clears the cookie.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{MaybeSession, csrf, session};
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
    match session.0.as_deref() {
        Some(current) => {
            let csrf_token = csrf::issue(&req, &state, Some(current)).token;
            html(
                StatusCode::OK,
                &LogoutPage {
                    t: crate::i18n::Tr::current(),
                    csrf_token,
                },
                vec![],
            )
        }
        None => html(
            StatusCode::OK,
            &LoggedOutPage {
                t: crate::i18n::Tr::current(),
            },
            vec![],
        ),
    }
}

/// `POST /logout`
pub async fn post_logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(current) = session.0.as_deref() {
        csrf::verify(&req, &state, Some(current), &form.csrf_token)?;
        session::logout(&state, current.actor(&ctx), current).await?;
    }
    html(
        StatusCode::OK,
        &LoggedOutPage {
            t: crate::i18n::Tr::current(),
        },
        vec![session::removal()],
    )
}
