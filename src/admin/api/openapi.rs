//! The OpenAPI 3.1 document of the admin API (`GET /api/v1/openapi.json`,
//! public), generated from the handlers' annotations, with the two ways to
//! authenticate: an API key as a bearer token, or an administrator's
//! session cookie (unsafe methods also send `X-CSRF-Token`).

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::admin::api::client_schema::ClientSchemas;
use crate::admin::api::registration_tokens;
use crate::admin::api::{alerts, webhook_deliveries, webhooks};
use crate::admin::api::{
    api_key_ops, audit, branding, clients, organization_writes, organizations, problem, session,
    signing_keys, user_actions, user_sessions, users,
};
use crate::admin::api::{audit_checkpoint, audit_export, mfa_policies, provider_saml, providers};

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        // The crate declares no license; say nothing rather than "".
        doc.info.license = None;
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("ost_…")
                    .description(Some("An API key made by `ostiary api-key create`."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::COOKIE,
                "An administrator's session; unsafe methods also send the X-CSRF-Token header from GET /api/v1/session.",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Ostiary admin API",
        version = "1",
        description = "Administration of Ostiary as JSON: see docs/admin-api.md. Errors are RFC 9457 problem documents."
    ),
    paths(
        json,
        api_key_ops::list,
        api_key_ops::create,
        api_key_ops::show,
        api_key_ops::rotate,
        api_key_ops::revoke,
        audit::list,
        audit::show,
        audit_export::export,
        audit_checkpoint::create,
        branding::show,
        branding::set_look,
        branding::set_logo,
        branding::remove_logo,
        clients::list,
        clients::create,
        clients::show,
        clients::update,
        clients::delete,
        clients::rotate_secret,
        clients::restore,
        registration_tokens::list,
        registration_tokens::create,
        registration_tokens::revoke,
        organizations::list,
        organizations::show,
        organizations::members,
        organization_writes::create,
        organization_writes::update,
        organization_writes::set_member,
        organization_writes::remove_member,
        organization_writes::invite,
        organization_writes::revoke_invitation,
        mfa_policies::list,
        mfa_policies::set,
        mfa_policies::remove,
        mfa_policies::acknowledge_upstream,
        providers::list,
        providers::show,
        providers::create,
        providers::update,
        providers::delete,
        providers::restore,
        providers::test,
        provider_saml::refresh_metadata,
        session::show,
        signing_keys::list,
        signing_keys::rotate,
        users::list,
        users::create,
        users::show,
        users::update,
        users::delete,
        users::restore,
        user_actions::disable,
        user_actions::enable,
        user_actions::revoke_sessions,
        user_actions::unlock,
        user_actions::verify_email,
        user_actions::reset_mfa,
        user_sessions::list,
        user_sessions::revoke,
        webhooks::list,
        webhooks::create,
        webhooks::show,
        webhooks::update,
        webhooks::delete,
        webhooks::rotate_secret,
        webhooks::deliveries,
        webhook_deliveries::list,
        webhook_deliveries::replay,
        alerts::list,
        alerts::update,
        alerts::firings
    ),
    components(schemas(
        problem::ProblemBody,
        problem::FieldError,
        webhooks::WebhookList,
        webhooks::DeliveryList,
        webhooks::NewWebhookBody,
        webhooks::WebhookChanges,
        crate::webhooks::admin::WebhookView,
        crate::webhooks::admin::WebhookWithSecret,
        crate::webhooks::admin::DeliveryView,
        alerts::RuleList,
        alerts::FiringList,
        alerts::AlertRuleChanges,
        crate::alerts::rules::RuleView,
        crate::alerts::rules::FiringView,
        session::SessionView,
        session::VendorView,
        users::UserPage,
        signing_keys::KeyList,
        signing_keys::RotateBody,
        crate::keys::signing::KeyListing,
        crate::keys::signing::Rotation,
        api_key_ops::KeyPage,
        api_key_ops::CreateKey,
        crate::admin::api_keys::KeyView,
        crate::admin::api_keys::Created,
        users::CreateUser,
        users::UpdateUser,
        user_sessions::UserSessionView,
        user_sessions::SessionList,
        crate::domain::Role,
        audit::AuditPage,
        organizations::OrganizationView,
        organizations::OrganizationPage,
        organizations::MemberView,
        organization_writes::OrganizationBody,
        organization_writes::MemberBody,
        organization_writes::MembershipView,
        organization_writes::InvitationBody,
        crate::users::invitations::CreatedInvitation,
        audit::AuditEventView,
        branding::BrandingView,
        branding::LookBody,
        crate::users::accounts::UserListing,
        crate::users::contact::Address,
        clients::ClientPage,
        clients::NewClient,
        clients::ClientChanges,
        clients::Jwks,
        crate::oidc::clients::view::ClientView,
        crate::oidc::clients::CreatedClient,
        crate::oidc::clients::admin::RotatedSecret,
        registration_tokens::NewRegistrationToken,
        registration_tokens::RegistrationTokenList,
        crate::oidc::registration::tokens::TokenView,
        crate::oidc::registration::tokens::IssuedToken,
        mfa_policies::RuleScope,
        mfa_policies::Requirement,
        mfa_policies::RuleBody,
        mfa_policies::Upstream,
        mfa_policies::AcknowledgeBody,
        mfa_policies::Acknowledged,
        mfa_policies::PolicyList,
        mfa_policies::PolicyView,
        mfa_policies::AcknowledgmentView,
        providers::ProviderPage,
        providers::NewProvider,
        providers::ProviderChange,
        providers::AuthMethod,
        provider_saml::SamlPreset,
        crate::federation::saml_refresh::Refreshed,
        crate::federation::saml_refresh::Change,
        crate::federation::registry::ProviderView,
        crate::federation::registry::Restored,
        crate::federation::probe::Report,
        crate::federation::probe::Check,
        crate::federation::probe::Step,
        crate::federation::probe::Status,
        crate::federation::probe::Reason,
        crate::federation::Kind,
        crate::federation::spec::Settings,
        crate::federation::group_roles::GroupRoleSpec,
        crate::federation::group_roles::GroupRole,
        crate::federation::group_roles::GroupRoleView,
    )),
    modifiers(&Security, &ClientSchemas),
    tags(
        (name = "meta", description = "This document"),
        (name = "session", description = "The caller"),
        (name = "users", description = "User accounts"),
        (name = "sessions", description = "Users' browser sessions"),
        (name = "audit", description = "The audit log, read only"),
        (name = "api-keys", description = "Keys of this API"),
        (name = "signing-keys", description = "Token signing keys"),
        (name = "organizations", description = "Organizations and their members"),
        (name = "clients", description = "OIDC clients (applications)"),
        (name = "providers", description = "Upstream sign-in providers"),
        (name = "policies", description = "MFA policies and acknowledgments of upstream MFA"),
        (name = "webhooks", description = "Signed webhooks, their deliveries and dead letters"),
        (name = "alerts", description = "Alert rules and their firings"),
    )
)]
pub struct ApiDoc;

/// The document as JSON text, made once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_else(|_| "{}".into()))
}

/// `GET /api/v1/openapi.json`
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "This OpenAPI 3.1 document", content_type = "application/json")),
    security(())
)]
pub async fn json() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document())
}
