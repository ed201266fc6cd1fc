//! Static assets, compiled into the binary so a deployment is one file.

use actix_web::HttpResponse;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};

const STYLESHEET: &str = include_str!("../../static/css/ostiary.css");
const WEBAUTHN_JS: &str = include_str!("../../static/js/webauthn.js");

/// `GET /static/css/ostiary.css`
pub async fn get_stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// `GET /static/js/webauthn.js`: the only script (passkey ceremonies).
pub async fn get_webauthn_js() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((CACHE_CONTROL, "public, max-age=3600"))
        .body(WEBAUTHN_JS)
}
