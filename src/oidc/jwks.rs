//! `/jwks`: the public signing keys (current, next and still-valid retired
//! ones), pre-rendered when the key set loads.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};

use crate::state::AppState;

/// `GET /jwks`
pub async fn get_jwks(state: web::Data<AppState>) -> HttpResponse {
    let jwks = state.keys.snapshot().jwks();
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/jwk-set+json"))
        .insert_header((CACHE_CONTROL, "public, max-age=60"))
        .body(jwks)
}
