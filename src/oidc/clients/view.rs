//! A client as administrators see it (CLI and admin API): every setting,
//! never the secret or its hash (SR-102).

use serde::Serialize;

use crate::store::clients::Client;

/// A registered client.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ClientView {
    pub client_id: String,
    pub name: String,
    /// The owning organization's id; `null`: global administrators only.
    pub organization_id: Option<String>,
    /// A public client has no secret (auth method `none`, PKCE).
    pub public: bool,
    /// Every authorization request must carry a PKCE challenge (S256):
    /// always for public clients, by choice for confidential ones.
    pub require_pkce: bool,
    /// Authorization requests only through `/par` (RFC 9126 §5).
    pub require_pushed_authorization_requests: bool,
    /// Token requests only with a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    /// `public` (the user id is the `sub`) or `pairwise` (OIDC Core §8).
    pub subject_type: String,
    /// Names a pairwise client's sector (OIDC Core §8.1).
    pub sector_identifier_uri: Option<String>,
    pub token_endpoint_auth_method: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    /// The client's public keys (a JWKS document) for `private_key_jwt`.
    #[schema(value_type = Option<Object>)]
    pub jwks: Option<serde_json::Value>,
    /// Where the client's public keys are fetched (instead of `jwks`).
    pub jwks_uri: Option<String>,
    /// The one algorithm its request objects must use (RFC 9101); `null`:
    /// any accepted one.
    pub request_object_signing_alg: Option<String>,
    /// Authorization requests only in a signed request object (RFC 9101
    /// §10.5).
    pub require_signed_request_object: bool,
    pub id_token_signed_response_alg: String,
    pub access_token_signed_response_alg: String,
    /// `skip` (first-party) or `required`.
    pub consent: String,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub audiences: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// Registered by the client itself (RFC 7591); it always asks for
    /// consent.
    pub dynamically_registered: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
    /// Set once deleted (seen only with `include_deleted=true`).
    pub deleted_at: Option<String>,
}

impl ClientView {
    pub fn of(client: &Client) -> Self {
        Self {
            client_id: client.id.to_string(),
            name: client.name.clone(),
            organization_id: client.organization_id.as_ref().map(|o| o.to_string()),
            public: client.public,
            require_pkce: client.public || client.require_pkce,
            require_pushed_authorization_requests: client.require_par,
            dpop_bound_access_tokens: client.dpop_bound_access_tokens,
            subject_type: client.subject_type.clone(),
            sector_identifier_uri: client.sector_identifier_uri.clone(),
            token_endpoint_auth_method: client.token_endpoint_auth_method.clone(),
            redirect_uris: client.redirect_uris(),
            post_logout_redirect_uris: client.post_logout_redirect_uris(),
            grant_types: client.grant_types(),
            scopes: client.scopes(),
            backchannel_logout_uri: client.backchannel_logout_uri.clone(),
            jwks: client
                .jwks
                .as_deref()
                .and_then(|j| serde_json::from_str(j).ok()),
            jwks_uri: client.jwks_uri.clone(),
            request_object_signing_alg: client.request_object_signing_alg.clone(),
            require_signed_request_object: client.require_signed_request_object,
            id_token_signed_response_alg: client.id_token_signed_response_alg.clone(),
            access_token_signed_response_alg: client.access_token_signed_response_alg.clone(),
            consent: client.consent.clone(),
            logo_uri: client.logo_uri.clone(),
            policy_uri: client.policy_uri.clone(),
            tos_uri: client.tos_uri.clone(),
            audiences: client.audiences(),
            allowed_origins: client.allowed_origins(),
            dynamically_registered: client.dynamically_registered,
            created_at: client.created_at.and_utc().to_rfc3339(),
            updated_at: client.updated_at.and_utc().to_rfc3339(),
            deleted_at: client.deleted_at.map(|t| t.and_utc().to_rfc3339()),
        }
    }
}

/// The settings that differ between two views, as `(before, after)` JSON
/// objects for the audit log (a view holds no secret).
pub fn diff(before: &ClientView, after: &ClientView) -> (serde_json::Value, serde_json::Value) {
    let (mut old, mut new) = (serde_json::Map::new(), serde_json::Map::new());
    if let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    {
        for (key, value) in b {
            if key == "updated_at" {
                continue;
            }
            let now = a.get(&key).cloned().unwrap_or(serde_json::Value::Null);
            if now != value {
                old.insert(key.clone(), value);
                new.insert(key, now);
            }
        }
    }
    (old.into(), new.into())
}
