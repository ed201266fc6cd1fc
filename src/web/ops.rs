//! Operations endpoints: `/healthz` (process alive), `/readyz` (database
//! reachable), `/metrics` (Prometheus text format).

use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, web};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::state::AppState;

/// `GET /healthz`
pub async fn get_healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// `GET /readyz`
pub async fn get_readyz(state: web::Data<AppState>) -> HttpResponse {
    let reachable = state
        .db
        .run(|conn| Ok(conn.batch_execute("SELECT 1")?))
        .await;
    match reachable {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready", "database": "ok"})),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            HttpResponse::ServiceUnavailable()
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
