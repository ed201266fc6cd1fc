//! The OpenID Provider protocol (S3), no HTML: discovery, JWKS, the
//! authorization and token endpoints, userinfo, introspection, revocation,
//! logout. Errors are [`error::OAuthError`] (RFC 6749 §5.2 JSON).

pub mod authorize;
pub mod backchannel;
pub mod client_auth;
pub mod client_keys;

pub mod clients;
pub mod cors;
pub mod device;
pub mod device_approval;
pub mod discovery;
pub mod dpop;
pub mod error;
pub mod id_token_hint;
pub mod introspect;
pub mod issued;
pub mod jwks;
pub mod par;
pub mod registration;
pub mod resource;
pub mod revoke;
pub mod scope;
pub mod subject;
pub mod token;
pub mod tokens;
pub mod user_code;
pub mod userinfo;

/// Grant type names.
pub mod grant {
    pub const AUTHORIZATION_CODE: &str = "authorization_code";
    pub const REFRESH_TOKEN: &str = "refresh_token";
    pub const CLIENT_CREDENTIALS: &str = "client_credentials";
    pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
    /// RFC 8693 token exchange (confidential clients only).
    pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
    pub const ALL: [&str; 5] = [
        AUTHORIZATION_CODE,
        REFRESH_TOKEN,
        CLIENT_CREDENTIALS,
        DEVICE_CODE,
        TOKEN_EXCHANGE,
    ];
}

/// Client authentication method names.
pub mod auth_method {
    pub const BASIC: &str = "client_secret_basic";
    pub const POST: &str = "client_secret_post";
    pub const PRIVATE_KEY_JWT: &str = "private_key_jwt";
    pub const NONE: &str = "none";
    pub const ALL: [&str; 4] = [BASIC, POST, PRIVATE_KEY_JWT, NONE];
}
