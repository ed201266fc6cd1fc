//! Client metadata (RFC 7591 §2) in and out. [`spec_of`] turns a
//! registration request into the [`ClientSpec`] an administrator would
//! give, which [`crate::oidc::clients::spec::validate`] — the validation
//! `ostiary client create` and the admin API use — then checks (SR-02);
//! [`response`] answers the client's registration (§3.2.1, RFC 7592 §3).
//!
//! What a client may ask for is narrower than what an administrator may
//! give (SR-141): consent is always asked, scopes come from the standard
//! list, no `client_credentials` grant, `software_statement` is refused,
//! and neither a back-channel logout URI nor a `jwks_uri` may point at a
//! loopback or private address unless `oidc.allow_private_targets` (S3,
//! SR-114). Unknown metadata (and
//! `contacts`, `client_uri`, `software_id`, …) is ignored (§2).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::crypto::signing::Alg;
use crate::domain::OrganizationId;
use crate::oidc::clients::spec::{self, ClientSpec, Invalid};
use crate::oidc::clients::view::ClientView;
use crate::oidc::discovery::SCOPES;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::{auth_method, grant};

/// The grant types a client may register for itself.
pub const GRANTS: [&str; 3] = [
    grant::AUTHORIZATION_CODE,
    grant::REFRESH_TOKEN,
    grant::DEVICE_CODE,
];

/// The name a client that gives none is shown under.
const UNNAMED: &str = "Unnamed application";

fn bad(description: impl Into<String>) -> OAuthError {
    OAuthError::invalid_client_metadata(description)
}

/// A refused setting as RFC 7591 §3.2.2 says: `invalid_redirect_uri` for
/// the redirect URIs, else `invalid_client_metadata`.
pub fn refused(invalid: &Invalid) -> OAuthError {
    if invalid.field == "redirect_uris" {
        return OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            invalid.to_string(),
            actix_web::http::StatusCode::BAD_REQUEST,
        );
    }
    bad(invalid.to_string())
}

fn string(meta: &Map<String, Value>, name: &str) -> Result<Option<String>, OAuthError> {
    match meta.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(bad(format!("{name}: must be a string"))),
    }
}

fn strings(meta: &Map<String, Value>, name: &str) -> Result<Option<Vec<String>>, OAuthError> {
    match meta.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(bad(format!("{name}: must be an array of strings"))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad(format!("{name}: must be an array of strings"))),
    }
}

/// The client settings a registration request (or an RFC 7592 update,
/// which replaces them all) asks for, checked by the one client
/// validation; `organization` owns the client. `allow_private`:
/// `oidc.allow_private_targets`.
pub fn spec_of(
    body: &[u8],
    organization: Option<OrganizationId>,
    allow_private: bool,
) -> Result<ClientSpec, OAuthError> {
    let meta: Map<String, Value> = serde_json::from_slice(body)
        .map_err(|_| bad("the body must be a JSON object of client metadata"))?;
    if meta.contains_key("software_statement") {
        return Err(OAuthError::new(
            ErrorCode::InvalidSoftwareStatement,
            "software statements are not supported",
            actix_web::http::StatusCode::BAD_REQUEST,
        ));
    }
    let method = string(&meta, "token_endpoint_auth_method")?
        .unwrap_or_else(|| auth_method::BASIC.to_owned());
    let grant_types =
        strings(&meta, "grant_types")?.unwrap_or_else(|| vec![grant::AUTHORIZATION_CODE.into()]);
    for g in &grant_types {
        if !GRANTS.contains(&g.as_str()) {
            return Err(bad(format!(
                "grant_types: {g:?} is not available to registered clients (use {})",
                GRANTS.join(", ")
            )));
        }
    }
    let response_types = strings(&meta, "response_types")?.unwrap_or_default();
    if response_types.iter().any(|r| r != "code") {
        return Err(bad("response_types: only \"code\" is supported"));
    }
    let code = grant_types.iter().any(|g| g == grant::AUTHORIZATION_CODE);
    if !response_types.is_empty() && !code {
        return Err(bad(
            "response_types: \"code\" needs the authorization_code grant",
        ));
    }
    let scopes = match string(&meta, "scope")? {
        None => SCOPES.map(str::to_owned).to_vec(),
        Some(s) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if let Some(s) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
        return Err(bad(format!(
            "scope: {s:?} is not available to registered clients (use {})",
            SCOPES.join(" ")
        )));
    }
    let jwks = match meta.get("jwks") {
        None | Some(Value::Null) => None,
        Some(v @ Value::Object(_)) => Some(v.to_string()),
        Some(_) => Err(bad("jwks: must be a JWKS object"))?,
    };
    let backchannel_logout_uri = string(&meta, "backchannel_logout_uri")?;
    if let Some(uri) = &backchannel_logout_uri {
        crate::federation::upstream_url::check_target(uri, allow_private)
            .map_err(|why| bad(format!("backchannel_logout_uri: {why}")))?;
    }
    let jwks_uri = string(&meta, "jwks_uri")?;
    if let Some(uri) = &jwks_uri {
        crate::federation::upstream_url::check_target(uri, allow_private)
            .map_err(|why| bad(format!("jwks_uri: {why}")))?;
    }
    let sector_identifier_uri = string(&meta, "sector_identifier_uri")?;
    if let Some(uri) = &sector_identifier_uri {
        crate::federation::upstream_url::check_target(uri, allow_private)
            .map_err(|why| bad(format!("sector_identifier_uri: {why}")))?;
    }
    let flag = |name: &str| match meta.get(name) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(bad(format!("{name}: must be a boolean"))),
    };
    let id_token_alg = string(&meta, "id_token_signed_response_alg")?;
    let require_par = flag("require_pushed_authorization_requests")?;
    let spec = ClientSpec {
        name: string(&meta, "client_name")?.unwrap_or_else(|| UNNAMED.into()),
        // Server-generated (SR-141).
        id: Some(uuid::Uuid::new_v4().to_string()),
        public: method == auth_method::NONE,
        redirect_uris: strings(&meta, "redirect_uris")?.unwrap_or_default(),
        post_logout_redirect_uris: strings(&meta, "post_logout_redirect_uris")?.unwrap_or_default(),
        grant_types,
        scopes,
        backchannel_logout_uri,
        token_endpoint_auth_method: Some(method),
        jwks,
        id_token_signed_response_alg: spec::alg(
            "id_token_signed_response_alg",
            id_token_alg.as_deref(),
        )
        .map_err(|i| refused(&i))?,
        access_token_signed_response_alg: None,
        // Never first-party (SR-141).
        consent: Some("required".into()),
        logo_uri: string(&meta, "logo_uri")?,
        policy_uri: string(&meta, "policy_uri")?,
        tos_uri: string(&meta, "tos_uri")?,
        audiences: Vec::new(),
        allowed_origins: Vec::new(),
        organization_id: organization,
        require_pkce: false,
        require_par,
        jwks_uri,
        request_object_signing_alg: string(&meta, "request_object_signing_alg")?,
        require_signed_request_object: flag("require_signed_request_object")?,
        dpop_bound_access_tokens: flag("dpop_bound_access_tokens")?,
        subject_type: string(&meta, "subject_type")?,
        sector_identifier_uri,
        dynamically_registered: true,
    };
    spec::validate(&spec).map_err(|i| refused(&i))?;
    Ok(spec)
}

/// The token signing algorithm names of a view, `RS256` when unknown.
fn alg_name(raw: &str) -> &'static str {
    Alg::parse(raw).unwrap_or(Alg::RS256).as_str()
}

/// The client's metadata as RFC 7591 §3.2.1 / RFC 7592 §3 answer it, with
/// `extra` (client_id_issued_at, secrets, registration_* fields) added.
pub fn response(view: &ClientView, extra: Map<String, Value>) -> Value {
    let issued_at = DateTime::parse_from_rfc3339(&view.created_at)
        .map(|t| t.with_timezone(&Utc).timestamp())
        .unwrap_or_default();
    let code = view
        .grant_types
        .iter()
        .any(|g| g == grant::AUTHORIZATION_CODE);
    let mut out = json!({
        "client_id": view.client_id,
        "client_id_issued_at": issued_at,
        "client_name": view.name,
        "redirect_uris": view.redirect_uris,
        "post_logout_redirect_uris": view.post_logout_redirect_uris,
        "grant_types": view.grant_types,
        "response_types": if code { vec!["code"] } else { Vec::new() },
        "token_endpoint_auth_method": view.token_endpoint_auth_method,
        "scope": view.scopes.join(" "),
        "id_token_signed_response_alg": alg_name(&view.id_token_signed_response_alg),
        "require_pushed_authorization_requests": view.require_pushed_authorization_requests,
        "require_signed_request_object": view.require_signed_request_object,
        "dpop_bound_access_tokens": view.dpop_bound_access_tokens,
        "subject_type": view.subject_type,
    });
    if let Value::Object(map) = &mut out {
        let optional = [
            ("logo_uri", view.logo_uri.clone().map(Value::String)),
            ("policy_uri", view.policy_uri.clone().map(Value::String)),
            ("tos_uri", view.tos_uri.clone().map(Value::String)),
            (
                "backchannel_logout_uri",
                view.backchannel_logout_uri.clone().map(Value::String),
            ),
            ("jwks", view.jwks.clone()),
            ("jwks_uri", view.jwks_uri.clone().map(Value::String)),
            (
                "sector_identifier_uri",
                view.sector_identifier_uri.clone().map(Value::String),
            ),
            (
                "request_object_signing_alg",
                view.request_object_signing_alg.clone().map(Value::String),
            ),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                map.insert(name.into(), v);
            }
        }
        if !view.public {
            // The secret never expires (§3.2.1).
            map.insert("client_secret_expires_at".into(), json!(0));
        }
        map.extend(extra);
    }
    out
}
