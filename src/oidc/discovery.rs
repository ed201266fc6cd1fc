//! `/.well-known/openid-configuration`: rendered once at start-up from the
//! configuration and served as bytes. It advertises exactly what is
//! enforced (SR-140).

use actix_web::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::config::Config;
use crate::error::AppError;
use crate::state::AppState;

/// Scopes with a meaning here (clients may register custom ones too).
pub const SCOPES: [&str; 7] = [
    "openid",
    "profile",
    "email",
    "phone",
    "address",
    "offline_access",
    "groups",
];

/// The discovery document's own address, below the issuer.
pub const PATH: &str = "/.well-known/openid-configuration";

/// The endpoints a client is configured with, as the discovery document
/// advertises them (also shown in the console's configuration snippet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub issuer: String,
    pub discovery: String,
    pub authorization: String,
    pub token: String,
    pub userinfo: String,
    pub jwks: String,
    pub introspection: String,
    pub revocation: String,
    pub end_session: String,
    pub device_authorization: String,
    pub pushed_authorization_request: String,
    /// RFC 7591, `None` while `[registration] mode` is `off`.
    pub registration: Option<String>,
}

impl Endpoints {
    pub fn of(config: &Config) -> Self {
        let base = config.public_base();
        let url = |path: &str| format!("{base}{path}");
        Self {
            issuer: base.to_owned(),
            discovery: url(PATH),
            authorization: url("/authorize"),
            token: url("/token"),
            userinfo: url("/userinfo"),
            jwks: url("/jwks"),
            introspection: url("/introspect"),
            revocation: url("/revoke"),
            end_session: url("/end_session"),
            device_authorization: url("/device_authorization"),
            pushed_authorization_request: url("/par"),
            registration: config.registration.mode.enabled().then(|| url("/register")),
        }
    }
}

/// The discovery document.
pub fn render(config: &Config) -> Result<bytes::Bytes, AppError> {
    let at = Endpoints::of(config);
    let algs = ["RS256", "ES256", "EdDSA"];
    let doc = json!({
        "issuer": at.issuer,
        "authorization_endpoint": at.authorization,
        "token_endpoint": at.token,
        "userinfo_endpoint": at.userinfo,
        "jwks_uri": at.jwks,
        "introspection_endpoint": at.introspection,
        "revocation_endpoint": at.revocation,
        "end_session_endpoint": at.end_session,
        "device_authorization_endpoint": at.device_authorization,
        "pushed_authorization_request_endpoint": at.pushed_authorization_request,
        "require_pushed_authorization_requests": config.oidc.require_pushed_authorization_requests,
        "dpop_signing_alg_values_supported": crate::oidc::dpop::ALGS,
        "scopes_supported": SCOPES,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": crate::oidc::grant::ALL,
        "subject_types_supported": ["public", "pairwise"],
        "id_token_signing_alg_values_supported": algs,
        "token_endpoint_auth_methods_supported": crate::oidc::auth_method::ALL,
        "token_endpoint_auth_signing_alg_values_supported": algs,
        "introspection_endpoint_auth_methods_supported": crate::oidc::auth_method::ALL,
        "revocation_endpoint_auth_methods_supported": crate::oidc::auth_method::ALL,
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "ui_locales_supported": crate::i18n::locale::SUPPORTED.map(crate::i18n::Locale::tag),
        "claims_supported": [
            "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp", "sid",
            "at_hash", "name", "preferred_username", "email", "email_verified", "phone_number",
            "phone_number_verified", "address", "groups", "roles", "updated_at"
        ],
        "claims_parameter_supported": true,
        "acr_values_supported": crate::auth::mfa::acr::SUPPORTED,
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": crate::oidc::client_keys::REQUEST_OBJECT_ALGS,
        "request_uri_parameter_supported": false,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": false,
    });
    let mut doc = doc;
    if let (Some(register), Some(map)) = (&at.registration, doc.as_object_mut()) {
        map.insert("registration_endpoint".into(), json!(register));
    }
    serde_json::to_vec(&doc)
        .map(Into::into)
        .map_err(|e| AppError::Internal(format!("cannot render discovery: {e}")))
}

/// `GET /.well-known/openid-configuration`
pub async fn get_discovery(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header((CACHE_CONTROL, "public, max-age=300"))
        .body(state.discovery.clone())
}
