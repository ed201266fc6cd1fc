//! The admin console (S8): server-rendered pages under `/admin` for
//! superusers, organization admins and auditors. Every handler takes the
//! [`guard::Console`] guard (sign-in, a second factor, an admin role) and
//! acts through the same services and reach as the admin API, so a rule
//! holds in the console because it holds in the API. Forms post with a
//! CSRF token (`auth::guard::Checked`) and answer `303` to a page showing
//! the outcome (`?notice=` / `?error=`, catalogue text only).

pub mod chrome;
pub mod dashboard;
pub mod guard;
pub mod mfa_policies;
pub mod mfa_policy_wizard;
pub mod provider_fields;
pub mod provider_form;
pub mod provider_kinds;
pub mod provider_mfa;
pub mod provider_page;
pub mod provider_wizard;
pub mod providers;
pub mod respond;

use actix_web::web::ServiceConfig;

/// Register the console's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(dashboard::routes);
    cfg.configure(providers::routes);
}
