//! `AppError`: the internal error type, mapped to HTTP in exactly one place.
//! 4xx answers explain the problem to the user; a 5xx shows a generic page
//! with the request id while the cause goes to the log with that id.

use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use actix_web::{HttpResponse, ResponseError};

use crate::web::request_id;

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
    /// Missing or wrong CSRF token, or a cross-site request.
    #[error("the form was not submitted from this site or has expired")]
    Csrf,
    /// Password hashing is saturated: try again shortly.
    #[error("the service is busy")]
    Overloaded,
    /// An email could not be handed to the SMTP server.
    #[error("the email could not be sent")]
    MailUnavailable,
}

impl AppError {
    fn title(&self) -> &'static str {
        match self {
            Self::NotFound => "Page not found",
            Self::Conflict(_) => "That cannot be done now",
            Self::BadRequest(_) => "Invalid request",
            Self::Csrf => "Request refused",
            Self::Overloaded => "Busy, please retry",
            Self::MailUnavailable => "Email could not be sent",
            _ => "Something went wrong",
        }
    }

    /// The text a user may see. Internal causes are never included.
    fn public_message(&self) -> String {
        match self {
            Self::NotFound => "There is nothing at this address.".into(),
            Self::Conflict(m) | Self::BadRequest(m) => m.clone(),
            Self::Csrf => "The form was not submitted from this site or has expired. \
                 Go back, reload the page and try again."
                .into(),
            Self::Overloaded => "Too many sign-ins are being processed right now. \
                 Please try again in a moment."
                .into(),
            Self::MailUnavailable => "We could not send the email. Please try again later.".into(),
            _ => "An unexpected error occurred. Please try again later.".into(),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Csrf => StatusCode::FORBIDDEN,
            Self::Overloaded | Self::MailUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let request_id = request_id::current();
        if status.is_server_error() && !matches!(self, Self::Overloaded | Self::MailUnavailable) {
            tracing::error!(%request_id, error = %self, "request failed");
        } else {
            tracing::info!(%request_id, status = status.as_u16(), error = %self, "request refused");
        }
        let body = crate::web::render::error_page(
            status,
            self.title(),
            &self.public_message(),
            &request_id,
        );
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
        response
    }
}
