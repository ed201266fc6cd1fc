//! The JSON admin API under `/api/v1` (S8): thin handlers over the same
//! services as the CLI. Every handler takes a [`caller::Caller`] (API key
//! or administrator session) and asks it for a scope; errors are
//! [`problem::Problem`]s; lists page with [`page`].

pub mod alerts;
pub mod api_key_ops;
pub mod audit;
pub mod audit_checkpoint;
pub mod audit_export;
pub mod body;
pub mod branding;
pub mod caller;
pub mod client_schema;
pub mod clients;
pub mod mfa_policies;
pub mod openapi;
pub mod organization_writes;
pub mod organizations;
pub mod page;
pub mod problem;
pub mod provider_saml;
pub mod providers;
pub mod registration_tokens;
pub mod session;
pub mod signing_keys;
pub mod user_actions;
pub mod user_sessions;
pub mod users;
pub mod webhook_deliveries;
pub mod webhooks;
pub mod whole;

use actix_web::web::{self, ServiceConfig};

use problem::Problem;

/// Declares every operation once: the routes are registered from this
/// table and [`OPERATIONS`] lists it, which a test compares with the
/// OpenAPI document.
macro_rules! operations {
    ($($method:ident $path:literal => $handler:path),* $(,)?) => {
        /// Every operation: (method, path under `/api/v1`).
        pub const OPERATIONS: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        fn register(cfg: &mut ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
        }
    };
}

operations! {
    get "/openapi.json" => openapi::json,
    get "/api-keys" => api_key_ops::list,
    post "/api-keys" => api_key_ops::create,
    get "/api-keys/{id}" => api_key_ops::show,
    post "/api-keys/{id}/rotate" => api_key_ops::rotate,
    post "/api-keys/{id}/revoke" => api_key_ops::revoke,
    get "/audit-events" => audit::list,
    get "/audit-events/export" => audit_export::export,
    post "/audit-checkpoints" => audit_checkpoint::create,
    get "/audit-events/{id}" => audit::show,
    get "/clients" => clients::list,
    post "/clients" => clients::create,
    get "/clients/{id}" => clients::show,
    patch "/clients/{id}" => clients::update,
    delete "/clients/{id}" => clients::delete,
    post "/clients/{id}/rotate-secret" => clients::rotate_secret,
    post "/clients/{id}/restore" => clients::restore,
    get "/registration-tokens" => registration_tokens::list,
    post "/registration-tokens" => registration_tokens::create,
    delete "/registration-tokens/{id}" => registration_tokens::revoke,
    get "/organizations" => organizations::list,
    post "/organizations" => organization_writes::create,
    get "/organizations/{id}" => organizations::show,
    get "/organizations/{id}/branding" => branding::show,
    put "/organizations/{id}/branding" => branding::set_look,
    put "/organizations/{id}/branding/logo" => branding::set_logo,
    delete "/organizations/{id}/branding/logo" => branding::remove_logo,
    patch "/organizations/{id}" => organization_writes::update,
    get "/organizations/{id}/members" => organizations::members,
    put "/organizations/{id}/members/{user_id}" => organization_writes::set_member,
    delete "/organizations/{id}/members/{user_id}" => organization_writes::remove_member,
    post "/organizations/{id}/invitations" => organization_writes::invite,
    delete "/organizations/{id}/invitations/{invitation_id}" => organization_writes::revoke_invitation,
    get "/mfa-policies" => mfa_policies::list,
    post "/mfa-policies/acknowledge-upstream" => mfa_policies::acknowledge_upstream,
    put "/mfa-policies/{scope}/{subject}" => mfa_policies::set,
    delete "/mfa-policies/{scope}/{subject}" => mfa_policies::remove,
    get "/providers" => providers::list,
    post "/providers" => providers::create,
    get "/providers/{id}" => providers::show,
    patch "/providers/{id}" => providers::update,
    delete "/providers/{id}" => providers::delete,
    post "/providers/{id}/restore" => providers::restore,
    post "/providers/{id}/test" => providers::test,
    post "/providers/{id}/refresh-metadata" => provider_saml::refresh_metadata,
    get "/session" => session::show,
    get "/signing-keys" => signing_keys::list,
    post "/signing-keys/rotate" => signing_keys::rotate,
    get "/users" => users::list,
    post "/users" => users::create,
    get "/users/{id}" => users::show,
    patch "/users/{id}" => users::update,
    delete "/users/{id}" => users::delete,
    post "/users/{id}/restore" => users::restore,
    post "/users/{id}/disable" => user_actions::disable,
    post "/users/{id}/enable" => user_actions::enable,
    post "/users/{id}/revoke-sessions" => user_actions::revoke_sessions,
    post "/users/{id}/unlock" => user_actions::unlock,
    post "/users/{id}/verify-email" => user_actions::verify_email,
    post "/users/{id}/reset-mfa" => user_actions::reset_mfa,
    get "/users/{id}/sessions" => user_sessions::list,
    delete "/users/{id}/sessions/{session_id}" => user_sessions::revoke,
    get "/webhooks" => webhooks::list,
    post "/webhooks" => webhooks::create,
    get "/webhooks/{id}" => webhooks::show,
    patch "/webhooks/{id}" => webhooks::update,
    delete "/webhooks/{id}" => webhooks::delete,
    post "/webhooks/{id}/rotate-secret" => webhooks::rotate_secret,
    get "/webhooks/{id}/deliveries" => webhooks::deliveries,
    get "/webhook-deliveries" => webhook_deliveries::list,
    post "/webhook-deliveries/{id}/replay" => webhook_deliveries::replay,
    get "/alert-rules" => alerts::list,
    patch "/alert-rules/{id}" => alerts::update,
    get "/alert-firings" => alerts::firings,
}

/// The routes under `/api/v1` (mounted by `routes`).
pub fn configure(cfg: &mut ServiceConfig) {
    register(cfg);
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
    .default_service(web::to(fallback));
}

/// Whether `path` (under `/api/v1`) fits the route `pattern`, whose
/// `{name}` segments match any one segment.
fn fits(pattern: &str, path: &str) -> bool {
    let (mut p, mut q) = (pattern.split('/'), path.split('/'));
    loop {
        match (p.next(), q.next()) {
            (None, None) => return true,
            (Some(want), Some(got)) if want == got => {}
            (Some(want), Some(got)) if want.starts_with('{') && !got.is_empty() => {}
            _ => return false,
        }
    }
}

/// No route took the request: 405 with `Allow` when the path exists with
/// other methods, else 404.
async fn fallback(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, Problem> {
    let local = req.path().strip_prefix("/api/v1").unwrap_or(req.path());
    let methods: Vec<String> = OPERATIONS
        .iter()
        .filter(|(_, pattern)| fits(pattern, local))
        .map(|(method, _)| method.to_ascii_uppercase())
        .collect();
    if methods.is_empty() {
        return Err(Problem::new(
            actix_web::http::StatusCode::NOT_FOUND,
            "no such API operation",
        ));
    }
    let mut problem = Problem::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        format!("{} is not allowed here", req.method()),
    );
    problem.allow = Some(methods.join(", "));
    Err(problem)
}

#[cfg(test)]
mod tests {
    use super::fits;

    #[test]
    fn paths_fit_their_patterns() {
        assert!(fits("/users/{id}", "/users/abc"));
        assert!(!fits("/users/{id}", "/users/"));
        assert!(!fits("/users/{id}", "/users/a/b"));
        assert!(fits("/users", "/users"));
        assert!(!fits("/users", "/users/x"));
    }
}
