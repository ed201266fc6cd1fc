//! Static assets, compiled into the binary so a deployment is one file.
//! GET and HEAD, cached for an hour; anything else under `/static` is 404.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpRequest, HttpResponse};

use crate::error::AppError;

/// Path → (content type, bytes).
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "/static/css/ostiary.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/css/ostiary.css"),
    ),
    (
        "/static/css/console.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/css/console.css"),
    ),
    (
        "/static/js/console.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/js/console.js"),
    ),
    (
        "/static/js/webauthn.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/js/webauthn.js"),
    ),
    (
        "/static/js/form_post.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/js/form_post.js"),
    ),
    (
        "/static/js/copy.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/js/copy.js"),
    ),
    (
        "/static/img/favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/img/favicon.svg"),
    ),
];

/// The asset at `path`, if any.
fn lookup(path: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS
        .iter()
        .find(|(p, _, _)| *p == path)
        .map(|(_, t, b)| (*t, *b))
}

/// The asset; for HEAD actix sends the same headers (with the length) and
/// no body (RFC 9110 9.3.2).
fn respond(content_type: &'static str, body: &'static [u8]) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, content_type))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// `GET|HEAD /static/…`.
pub async fn get_asset(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let (content_type, body) = lookup(req.path()).ok_or(AppError::NotFound)?;
    Ok(respond(content_type, body))
}

/// `GET|HEAD /favicon.ico`: the SVG icon (browsers that ask here accept it).
pub async fn get_favicon() -> Result<HttpResponse, AppError> {
    let (content_type, body) = lookup("/static/img/favicon.svg").ok_or(AppError::NotFound)?;
    Ok(respond(content_type, body))
}
