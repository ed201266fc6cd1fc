//! Operations endpoints: `/healthz` (process alive), `/readyz` (database
//! reachable), `/metrics` (Prometheus text format).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER};
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`
pub async fn get_healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// `GET /readyz`: 200 when the database answers `SELECT 1` within
/// `database.readiness_timeout_ms`, else 503 (no cause in the body).
pub async fn get_readyz(state: web::Data<AppState>) -> HttpResponse {
    match state.db.ping().await {
        Ok(()) => HttpResponse::Ok()
            .insert_header((CACHE_CONTROL, "no-store"))
            .json(json!({"status": "ready", "database": "ok"})),
        Err(e) => {
            tracing::warn!(request_id = %crate::request_id::current(), error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header((CACHE_CONTROL, "no-store"))
                .insert_header((RETRY_AFTER, crate::error::UNAVAILABLE_RETRY_AFTER))
                .json(json!({"status": "unavailable", "database": "unreachable"}))
        }
    }
}

/// `GET /metrics`
pub async fn get_metrics(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.db.state();
    metrics::gauge!("ostiary_db_pool_connections").set(f64::from(pool.connections));
    metrics::gauge!("ostiary_db_pool_idle_connections").set(f64::from(pool.idle));
    metrics::gauge!("ostiary_db_pool_max_connections").set(f64::from(pool.max));
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
        .body(state.metrics.render())
}
