//! `AppError`: the internal error type, mapped to HTTP in exactly one place.
//! 4xx answers explain the problem to the user; a 5xx shows a generic page
//! with the request id while the cause goes to the log with that id.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::i18n::Tr;
use crate::request_id;

/// Everything that can go wrong inside Ostiary.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("database connection error: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error("configuration error: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The page or object does not exist (or is not the caller's).
    #[error("not found")]
    NotFound,
    /// The request is well-formed but conflicts with the current state; the
    /// message is shown to the user.
    #[error("{0}")]
    Conflict(String),
    /// The input is invalid; the message is shown to the user.
    #[error("{0}")]
    BadRequest(String),
    /// The signed-in user may not do this; the message is shown.
    #[error("{0}")]
    Forbidden(String),
    /// Missing or wrong CSRF token, or a cross-site request.
    #[error("the form was not submitted from this site or has expired")]
    Csrf,
    /// Password hashing is saturated: try again shortly.
    #[error("the service is busy")]
    Overloaded,
    /// An email could not be handed to the SMTP server.
    #[error("the email could not be sent")]
    MailUnavailable,
    /// The database cannot serve now (unreachable, connection lost,
    /// statement timeout, SQLite busy): 503 with `Retry-After`. The cause
    /// is for the log only.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl AppError {
    /// Whether this is "the service is temporarily unavailable" (503), as
    /// protocol and API errors map it too. `Db::run` turns database errors
    /// that mean "unavailable" into [`Self::Unavailable`]; a pool timeout
    /// counts even when it did not pass through it.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::Pool(_))
    }
}

impl AppError {
    /// The heading of the error page, in the language of the request.
    fn title(&self) -> &'static str {
        Tr::current().text(match self {
            Self::NotFound => "error.not_found",
            Self::Conflict(_) => "error.conflict",
            Self::BadRequest(_) => "error.bad_request",
            Self::Csrf => "error.csrf",
            Self::Forbidden(_) => "error.forbidden",
            Self::Overloaded => "error.overloaded",
            Self::MailUnavailable => "error.mail",
            e if e.is_unavailable() => "error.unavailable",
            _ => "error.internal",
        })
    }

    /// The text a user may see, in the language of the request. Internal
    /// causes are never included; a conflict or bad request shows its own
    /// message.
    fn public_message(&self) -> String {
        let t = Tr::current();
        match self {
            Self::Conflict(m) | Self::BadRequest(m) | Self::Forbidden(m) => m.clone(),
            Self::NotFound => t.text("error.not_found.message").into(),
            Self::Csrf => t.text("error.csrf.message").into(),
            Self::Overloaded => t.text("error.overloaded.message").into(),
            Self::MailUnavailable => t.text("error.mail.message").into(),
            e if e.is_unavailable() => t.text("error.unavailable.message").into(),
            _ => t.text("error.internal.message").into(),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Csrf | Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Overloaded | Self::MailUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            e if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let request_id = request_id::current();
        if self.is_unavailable() {
            tracing::warn!(%request_id, error = %self, "request failed: database unavailable");
        } else if status.is_server_error()
            && !matches!(self, Self::Overloaded | Self::MailUnavailable)
        {
            tracing::error!(%request_id, error = %self, "request failed");
        } else {
            tracing::info!(%request_id, status = status.as_u16(), error = %self, "request refused");
        }
        let body = error_page(status, self.title(), &self.public_message(), &request_id);
        let mut response = HttpResponse::build(status).body(body);
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if matches!(self, Self::Overloaded) {
            headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.is_unavailable() {
            headers.insert(
                RETRY_AFTER,
                HeaderValue::from_static(UNAVAILABLE_RETRY_AFTER),
            );
        }
        response
    }
}

/// `Retry-After` (seconds) of a 503 while the database is unavailable.
pub const UNAVAILABLE_RETRY_AFTER: &str = "5";

/// The error page (`templates/error/error.html`).
#[derive(Template)]
#[template(path = "error/error.html")]
pub struct ErrorPage<'a> {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub status: u16,
    pub title: &'a str,
    pub message: &'a str,
    pub request_id: &'a str,
}

/// The error page as HTML text; plain text if the template itself fails.
pub fn error_page(status: StatusCode, title: &str, message: &str, request_id: &str) -> String {
    let page = ErrorPage {
        t: crate::i18n::Tr::current(),
        status: status.as_u16(),
        title,
        message,
        request_id,
    };
    page.render()
        .unwrap_or_else(|_| format!("{title}\n\n{message}\n\nRequest ID: {request_id}\n"))
}
