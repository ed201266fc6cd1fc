//! How console handlers answer: a page with `200`, a `303` back to a page
//! with a flash key, and the admin API's refusals as HTML errors.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use askama::Template;

use crate::admin::api::problem::Problem;
use crate::error::AppError;
use crate::web::render::{html, see_other};

/// The page, `200`.
pub fn page<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    html(StatusCode::OK, page, vec![])
}

/// `303` to `path` with `?notice=KEY` (`admin.notice.KEY` is shown).
pub fn done(path: &str, notice: &str) -> HttpResponse {
    see_other(&with_flash(path, "notice", notice), vec![])
}

/// `303` to `path` with `?error=KEY` (`admin.error.KEY` is shown).
pub fn refused(path: &str, error: &str) -> HttpResponse {
    see_other(&with_flash(path, "error", error), vec![])
}

fn with_flash(path: &str, name: &str, key: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let key: String = url::form_urlencoded::byte_serialize(key.as_bytes()).collect();
    format!("{path}{sep}{name}={key}")
}

/// An admin-API refusal as the console's HTML error: 404 stays 404,
/// other refusals show their (English, non-internal) detail; internal
/// errors stay generic (the cause went to the log).
pub fn problem(p: Problem) -> AppError {
    match p.status {
        StatusCode::NOT_FOUND => AppError::NotFound,
        StatusCode::FORBIDDEN | StatusCode::UNAUTHORIZED => AppError::Forbidden(p.detail),
        StatusCode::CONFLICT => AppError::Conflict(p.detail),
        s if s.is_client_error() => AppError::BadRequest(p.detail),
        _ => AppError::Internal(p.detail),
    }
}
