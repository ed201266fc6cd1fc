//! The admin console (S8): server-rendered pages under `/admin` for
//! superusers, organization admins and auditors. Every handler takes the
//! [`guard::Console`] guard (sign-in, a second factor, an admin role) and
//! acts through the same services and reach as the admin API, so a rule
//! holds in the console because it holds in the API. Forms post with a
//! CSRF token (`auth::guard::Checked`) and answer `303` to a page showing
//! the outcome (`?notice=` / `?error=`, catalogue text only).

pub mod api_key_new;
pub mod api_keys;
pub mod branding;
pub mod chrome;
pub mod dashboard;
pub mod guard;
pub mod org_options;
pub mod respond;
pub mod signing_keys;

use actix_web::web::ServiceConfig;

/// Register the console's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(dashboard::routes)
        .configure(signing_keys::routes)
        .configure(api_key_new::routes)
        .configure(api_keys::routes)
        .configure(branding::routes);
}
