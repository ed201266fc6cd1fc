//! The one route table: every path, its method and handler. Pages needing a
//! signed-in user say so in their arguments (`auth::guard::SignedIn`,
//! `Recent`: signed-out browsers go to `/login` and back); page forms
//! arrive as `auth::guard::Checked`, verified against CSRF before the
//! handler runs.

use actix_web::guard;
use actix_web::web::{self, ServiceConfig};

use crate::error::AppError;
use crate::flow::{
    account, authorize, device, end_session, home, login, logout, mfa, mfa_enroll, passkeys,
    security, setup,
};
use crate::oidc::{discovery, introspect, jwks, registration, revoke, token, userinfo};
use crate::web::{assets, ops};

/// Largest accepted form body.
const FORM_LIMIT: usize = 16 * 1024;

/// Register every route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.app_data(
        web::FormConfig::default()
            .limit(FORM_LIMIT)
            .error_handler(|err, _| {
                // The parser's words stay in the log (issue 10: no echo).
                tracing::info!(error = %err, "unreadable form");
                AppError::BadRequest(crate::i18n::Tr::current().text("error.form").into()).into()
            }),
    )
    .app_data(web::QueryConfig::default().error_handler(|_, _| {
        AppError::BadRequest(crate::i18n::Tr::current().text("error.query").into()).into()
    }))
    .app_data(web::PathConfig::default().error_handler(|_, _| AppError::NotFound.into()))
    // The admin API (S8)
    .service(web::scope("/api/v1").configure(crate::admin::api::configure))
    // The admin console (S8)
    .configure(crate::admin::console::configure)
    // Operations
    .route("/healthz", web::get().to(ops::get_healthz))
    .route("/readyz", web::get().to(ops::get_readyz))
    .route("/static/{tail:.*}", get_or_head().to(assets::get_asset))
    .route("/favicon.ico", get_or_head().to(assets::get_favicon))
    // Organizations' branding on the hosted pages (S8)
    .route(
        "/branding/{org}/logo",
        web::get().to(crate::flow::branding::get_logo),
    )
    .route(
        "/branding/{org}/theme.css",
        web::get().to(crate::flow::branding::get_theme),
    )
    // OpenID Provider
    .route(
        "/.well-known/openid-configuration",
        web::get().to(discovery::get_discovery),
    )
    .route("/jwks", web::get().to(jwks::get_jwks))
    .route("/token", web::post().to(token::post_token))
    .route("/userinfo", web::get().to(userinfo::get_userinfo))
    .route("/userinfo", web::post().to(userinfo::post_userinfo))
    .route("/introspect", web::post().to(introspect::post_introspect))
    .route("/par", web::post().to(crate::oidc::par::post_par))
    // Dynamic client registration (RFC 7591 / 7592), 404 while off
    .route(
        "/register",
        web::post().to(registration::register::post_register),
    )
    .route(
        "/register/{client_id}",
        web::get().to(registration::manage::get_client),
    )
    .route(
        "/register/{client_id}",
        web::put().to(registration::manage::put_client),
    )
    .route(
        "/register/{client_id}",
        web::delete().to(registration::manage::delete_client),
    )
    .route("/revoke", web::post().to(revoke::post_revoke))
    .route(
        "/device_authorization",
        web::post().to(crate::oidc::device::post_device_authorization),
    )
    .route("/authorize", web::get().to(authorize::get_authorize))
    .route("/authorize", web::post().to(authorize::post_authorize))
    .route(
        "/authorize/consent",
        web::post().to(authorize::post_consent),
    )
    .route("/end_session", web::get().to(end_session::get_end_session))
    .route(
        "/end_session",
        web::post().to(end_session::post_end_session),
    )
    .route(
        "/end_session/confirm",
        web::post().to(end_session::post_confirm),
    )
    // Hosted pages
    .route("/", web::get().to(home::get_home))
    .route("/setup", web::get().to(setup::get_setup))
    .route("/setup", web::post().to(setup::post_setup))
    .route("/login", web::get().to(login::get_login))
    .route("/login", web::post().to(login::post_login))
    .route(
        "/login/select",
        web::get().to(crate::flow::select_account::get_select),
    )
    .route(
        "/login/select",
        web::post().to(crate::flow::select_account::post_select),
    )
    .route("/login/mfa", web::get().to(mfa::get_challenge))
    .route("/login/mfa/totp", web::post().to(mfa::post_totp))
    .route("/login/mfa/backup", web::post().to(mfa::post_backup))
    .route(
        "/login/mfa/passkey/start",
        web::post().to(mfa::post_passkey_start),
    )
    .route("/login/mfa/passkey", web::post().to(mfa::post_passkey))
    .route("/login/mfa/enroll", web::get().to(mfa_enroll::get_enroll))
    .route(
        "/login/mfa/enroll/totp",
        web::post().to(mfa_enroll::post_enroll_totp),
    )
    .route(
        "/login/mfa/enroll/totp/confirm",
        web::post().to(mfa_enroll::post_enroll_totp_confirm),
    )
    .configure(email_routes)
    .route("/logout", web::get().to(logout::get_logout))
    .route("/logout", web::post().to(logout::post_logout))
    .route("/device", web::get().to(device::get_device))
    .route("/device", web::post().to(device::post_device))
    .route(
        "/device/confirm",
        web::post().to(device::post_device_confirm),
    )
    .route("/account", web::get().to(account::get_account))
    .configure(account_routes)
    .route("/account/security", web::get().to(security::get_security))
    .route(
        "/account/security/totp",
        web::post().to(security::post_totp),
    )
    .route(
        "/account/security/totp/confirm",
        web::post().to(security::post_totp_confirm),
    )
    .route(
        "/account/security/totp/remove",
        web::post().to(security::post_totp_remove),
    )
    .route(
        "/account/security/backup-codes",
        web::post().to(security::post_backup_codes),
    )
    .route(
        "/account/sessions/revoke-others",
        web::post().to(account::post_revoke_others),
    )
    .route(
        "/account/sessions/revoke-all",
        web::post().to(account::post_revoke_all),
    )
    .route(
        "/account/consents/{client_id}/revoke",
        web::post().to(account::post_revoke_consent),
    )
    .route(
        "/account/sessions/{id}/revoke",
        web::post().to(account::post_revoke_session),
    )
    // Passkeys (S5)
    .route("/account/passkeys", web::get().to(passkeys::get_passkeys))
    .route(
        "/account/passkeys/register/start",
        web::post().to(passkeys::post_register_start),
    )
    .route(
        "/account/passkeys/register",
        web::post().to(passkeys::post_register),
    )
    .route(
        "/account/passkeys/{id}/delete",
        web::post().to(passkeys::post_delete),
    )
    .route(
        "/login/passkey/start",
        web::post().to(passkeys::post_login_start),
    )
    .route("/login/passkey", web::post().to(passkeys::post_login))
    // LDAP directories, each with its own form (S7)
    .route(
        "/login/directory/{id}",
        web::get().to(crate::flow::directory_login::get_directory),
    )
    .route(
        "/login/directory/{id}",
        web::post().to(crate::flow::directory_login::post_directory),
    )
    // Upstream identity providers (S7)
    .route(
        "/login/providers/{id}",
        web::get().to(crate::flow::federated::get_start),
    )
    .route(
        "/login/providers/{id}/callback",
        web::get().to(crate::flow::federated::get_callback),
    )
    .configure(saml_routes)
    .route(
        "/account/providers/{id}/link",
        web::post().to(crate::flow::account_providers::post_link),
    )
    .route(
        "/account/providers/{id}/unlink",
        web::post().to(crate::flow::account_providers::post_unlink),
    );
}

/// SAML SP endpoints of a provider (S7, feature `saml`).
fn saml_routes(cfg: &mut ServiceConfig) {
    #[cfg(feature = "saml")]
    cfg.route(
        "/saml/{id}/metadata",
        web::get().to(crate::flow::saml::get_metadata),
    )
    .route(
        "/saml/{id}/acs",
        web::post().to(crate::flow::saml::post_acs),
    )
    .route("/saml/{id}/slo", web::get().to(crate::flow::saml::get_slo));
    #[cfg(not(feature = "saml"))]
    let _ = cfg;
}

/// Self-service account changes (S2, S4).
fn account_routes(cfg: &mut ServiceConfig) {
    use crate::flow::{change_email, change_password, delete_account};
    cfg.route("/account/profile", web::post().to(account::post_profile))
        .route("/account/contact", web::post().to(account::post_contact))
        .route(
            "/account/password",
            web::get().to(change_password::get_change),
        )
        .route(
            "/account/password",
            web::post().to(change_password::post_change),
        )
        .route("/account/email", web::get().to(change_email::get_change))
        .route("/account/email", web::post().to(change_email::post_change))
        .route(
            "/account/email/confirm",
            web::get().to(change_email::get_confirm),
        )
        .route(
            "/account/email/confirm",
            web::post().to(change_email::post_confirm),
        )
        .route("/account/email/undo", web::get().to(change_email::get_undo))
        .route(
            "/account/email/undo",
            web::post().to(change_email::post_undo),
        )
        .route("/account/delete", web::get().to(delete_account::get_delete))
        .route(
            "/account/delete",
            web::post().to(delete_account::post_delete),
        );
}

/// Email sign-in codes, password reset, verification and invitations (S6).
fn email_routes(cfg: &mut ServiceConfig) {
    use crate::flow::{email_login, invitation, password_reset, verify_email};
    cfg.route("/login/email", web::get().to(email_login::get_request))
        .route("/login/email", web::post().to(email_login::post_request))
        .route("/login/email/code", web::get().to(email_login::get_code))
        .route("/login/email/code", web::post().to(email_login::post_code))
        .route(
            "/password/reset",
            web::get().to(password_reset::get_request),
        )
        .route(
            "/password/reset",
            web::post().to(password_reset::post_request),
        )
        .route(
            "/password/reset/confirm",
            web::get().to(password_reset::get_confirm),
        )
        .route(
            "/password/reset/confirm",
            web::post().to(password_reset::post_confirm),
        )
        .route("/verify-email", web::get().to(verify_email::get_gate))
        .route(
            "/verify-email/send",
            web::post().to(verify_email::post_send),
        )
        .route(
            "/verify-email/confirm",
            web::get().to(verify_email::get_confirm),
        )
        .route(
            "/verify-email/confirm",
            web::post().to(verify_email::post_confirm),
        )
        .route("/invitation", web::get().to(invitation::get_invitation))
        .route("/invitation", web::post().to(invitation::post_invitation));
}

/// The management listener's routes (S1): never on the public listener.
pub fn management(cfg: &mut ServiceConfig) {
    cfg.route("/metrics", web::get().to(ops::get_metrics))
        .route("/healthz", web::get().to(ops::get_healthz))
        .route("/readyz", web::get().to(ops::get_readyz));
}

/// A route answering GET and HEAD (static files).
fn get_or_head() -> actix_web::Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// Anything unmatched: the error page with 404.
pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}
