//! The admin console (S8): server-rendered pages under `/admin` for
//! superusers, organization admins and auditors. Every handler takes the
//! [`guard::Console`] guard (sign-in, a second factor, an admin role) and
//! acts through the same services and reach as the admin API, so a rule
//! holds in the console because it holds in the API. Forms post with a
//! CSRF token (`auth::guard::Checked`) and answer `303` to a page showing
//! the outcome (`?notice=` / `?error=`, catalogue text only).

pub mod alerts;
pub mod api_key_new;
pub mod api_keys;
pub mod application_form;
pub mod application_kind;
pub mod application_new;
pub mod application_page;
pub mod application_secret;
pub mod applications;
pub mod area_routes;
pub mod audit_event;
pub mod audit_log;
pub mod branding;
pub mod charts;
pub mod chrome;
pub mod dashboard;
pub mod guard;
pub mod mfa_policies;
pub mod mfa_policy_wizard;
pub mod org_options;
pub mod organization_invite;
pub mod organization_new;
pub mod organization_page;
pub mod organization_writes;
pub mod organizations;
pub mod provider_fields;
pub mod provider_form;
pub mod provider_kinds;
pub mod provider_mfa;
pub mod provider_page;
pub mod provider_saml;
pub mod provider_wizard;
pub mod providers;
pub mod respond;
pub mod signing_keys;
pub mod user_actions;
pub mod user_edit;
pub mod user_form;
pub mod user_invite;
pub mod user_new;
pub mod user_page;
pub mod users;
pub mod webhook_deliveries;
pub mod webhook_form;
pub mod webhook_new;
pub mod webhook_page;
pub mod webhook_secret;
pub mod webhooks;

use actix_web::web::ServiceConfig;

/// Register the console's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.configure(dashboard::routes)
        .configure(area_routes::organizations)
        .configure(area_routes::applications)
        .configure(signing_keys::routes)
        .configure(api_key_new::routes)
        .configure(api_keys::routes)
        .configure(branding::routes)
        .configure(audit_log::routes)
        .configure(alerts::routes)
        .configure(area_routes::users)
        .configure(area_routes::webhooks)
        .configure(providers::routes);
}
