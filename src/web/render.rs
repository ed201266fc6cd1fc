//! Rendering askama pages into responses.

use actix_web::HttpResponse;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use askama::Template;

use crate::error::AppError;

/// Render `page` with `status`, `no-store`, and optional cookies to set.
pub fn html<T: Template>(
    status: StatusCode,
    page: &T,
    cookies: Vec<Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    let body = page.render()?;
    let mut builder = HttpResponse::build(status);
    builder
        .insert_header((CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "no-store"));
    for cookie in cookies {
        builder.cookie(cookie);
    }
    Ok(builder.body(body))
}

/// `303 See Other` to `location` (never 307/308 after a POST, SR-05).
pub fn see_other(location: &str, cookies: Vec<Cookie<'static>>) -> HttpResponse {
    let mut builder = HttpResponse::SeeOther();
    builder.insert_header(("location", location));
    for cookie in cookies {
        builder.cookie(cookie);
    }
    builder.finish()
}
