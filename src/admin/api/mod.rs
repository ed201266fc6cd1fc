//! The JSON admin API under `/api/v1` (S8): thin handlers over the same
//! services as the CLI. Every handler takes a [`caller::Caller`] (API key
//! or administrator session) and asks it for a scope; errors are
//! [`problem::Problem`]s; lists page with [`page`].

pub mod caller;
pub mod page;
pub mod problem;
pub mod session;
pub mod users;

use actix_web::web::{self, ServiceConfig};

use problem::Problem;

/// The routes under `/api/v1` (mounted by `routes`).
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(web::QueryConfig::default().error_handler(|err, _| {
        Problem::new(
            actix_web::http::StatusCode::BAD_REQUEST,
            format!("query: {err}"),
        )
        .into()
    }))
    .app_data(
        web::JsonConfig::default()
            .limit(64 * 1024)
            .error_handler(|err, _| {
                Problem::new(
                    actix_web::http::StatusCode::BAD_REQUEST,
                    format!("body: {err}"),
                )
                .into()
            }),
    )
    .app_data(web::PathConfig::default().error_handler(|_, _| Problem::not_found().into()))
    .route("/session", web::get().to(session::show))
    .route("/users", web::get().to(users::list))
    .route("/users/{id}", web::get().to(users::show))
    .default_service(web::to(|| async {
        Err::<actix_web::HttpResponse, Problem>(Problem::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "no such API operation",
        ))
    }));
}
