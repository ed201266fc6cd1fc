//! Registering a client: validation of every setting (SR-02, SR-13, SR-17),
//! a server-generated 256-bit secret shown once and stored as a keyed hash
//! (SR-35), audited creation.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::Envelope;
use crate::crypto::signing::Alg;
use crate::crypto::token::random_token;
use crate::db::DbConnection;
use crate::domain::{ClientId, TextList, redirect_uri};
use crate::error::AppError;
use crate::oidc::{auth_method, grant};
use crate::store::clients::{self, Client};
use crate::store::{naive, write_tx};

/// What an admin asks for.
#[derive(Debug, Clone, Default)]
pub struct ClientSpec {
    pub name: String,
    pub id: Option<String>,
    pub public: bool,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub grant_types: Vec<String>,
    pub scopes: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    pub token_endpoint_auth_method: Option<String>,
    /// Public keys for `private_key_jwt` (a JWKS document).
    pub jwks: Option<String>,
    pub id_token_signed_response_alg: Option<Alg>,
    pub access_token_signed_response_alg: Option<Alg>,
    /// `skip` for first-party clients.
    pub consent: Option<String>,
    /// Logo, privacy policy and terms shown to users (RFC 7591 names).
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// Resource servers (RFC 8707) its access tokens may be for.
    pub audiences: Vec<String>,
    /// Browser origins that may call the token endpoints (CORS).
    pub allowed_origins: Vec<String>,
}

/// The result, printed once by the CLI.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedClient {
    pub client_id: ClientId,
    /// Shown once; only its keyed hash is stored.
    pub client_secret: Option<String>,
    pub token_endpoint_auth_method: String,
    pub grant_types: Vec<String>,
    pub redirect_uris: Vec<String>,
}

fn validate(spec: &ClientSpec) -> Result<(String, Vec<String>, Vec<String>), String> {
    if spec.name.trim().is_empty() || spec.name.len() > 200 {
        return Err("--name must be 1 to 200 characters".into());
    }
    if let Some(id) = &spec.id
        && (id.is_empty()
            || id.len() > 128
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
    {
        return Err("--id may contain only letters, digits, '-', '_' and '.' (at most 128)".into());
    }
    for uri in spec
        .redirect_uris
        .iter()
        .chain(&spec.post_logout_redirect_uris)
        .chain(&spec.backchannel_logout_uri)
    {
        redirect_uri::validate(uri)?;
    }
    for uri in [&spec.logo_uri, &spec.policy_uri, &spec.tos_uri]
        .into_iter()
        .flatten()
    {
        redirect_uri::validate_web(uri)?;
    }
    for audience in &spec.audiences {
        crate::domain::resource::validate_resource(audience)?;
    }
    for origin in &spec.allowed_origins {
        crate::domain::resource::validate_origin(origin)?;
    }
    let method = spec.token_endpoint_auth_method.clone().unwrap_or_else(|| {
        if spec.public {
            auth_method::NONE
        } else {
            auth_method::BASIC
        }
        .to_owned()
    });
    if !auth_method::ALL.contains(&method.as_str()) {
        return Err(format!(
            "--token-endpoint-auth-method {method:?} is not one of {}",
            auth_method::ALL.join(", ")
        ));
    }
    if spec.public != (method == auth_method::NONE) {
        return Err("public clients (--public) use auth method none, and only they do".into());
    }
    if method == auth_method::PRIVATE_KEY_JWT && spec.jwks.is_none() {
        return Err("private_key_jwt needs the client's public keys (--jwks FILE)".into());
    }
    if let Some(jwks) = &spec.jwks {
        let parsed: serde_json::Value =
            serde_json::from_str(jwks).map_err(|e| format!("--jwks is not JSON: {e}"))?;
        if !parsed["keys"].is_array() {
            return Err("--jwks must be a JWKS document with a \"keys\" array".into());
        }
    }
    let mut grants = if spec.grant_types.is_empty() {
        vec![
            grant::AUTHORIZATION_CODE.to_owned(),
            grant::REFRESH_TOKEN.to_owned(),
        ]
    } else {
        spec.grant_types.clone()
    };
    grants.dedup();
    for g in &grants {
        if !grant::ALL.contains(&g.as_str()) {
            return Err(format!(
                "--grant-type {g:?} is not one of {}",
                grant::ALL.join(", ")
            ));
        }
    }
    if spec.public && grants.iter().any(|g| g == grant::CLIENT_CREDENTIALS) {
        return Err("public clients cannot use client_credentials".into());
    }
    if grants.iter().any(|g| g == grant::AUTHORIZATION_CODE) && spec.redirect_uris.is_empty() {
        return Err("the authorization_code grant needs at least one --redirect-uri".into());
    }
    let scopes = if spec.scopes.is_empty() {
        ["openid", "profile", "email", "offline_access", "groups"]
            .map(str::to_owned)
            .to_vec()
    } else {
        spec.scopes.clone()
    };
    for s in &scopes {
        crate::oidc::scope::parse(s).map_err(|e| e.description)?;
    }
    if let Some(c) = &spec.consent
        && !matches!(c.as_str(), "skip" | "required")
    {
        return Err("--consent must be skip or required".into());
    }
    Ok((method, grants, scopes))
}

/// Validate and store a new client; returns its id and (once) its secret.
pub fn create(
    conn: &mut DbConnection,
    envelope: &Envelope,
    actor: &Actor,
    spec: &ClientSpec,
    now: DateTime<Utc>,
) -> Result<CreatedClient, AppError> {
    let (method, grants, scopes) = validate(spec).map_err(AppError::BadRequest)?;
    let id = ClientId::from(
        spec.id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    );
    let secret = (!spec.public).then(random_token);
    let client = Client {
        id: id.clone(),
        name: spec.name.trim().to_owned(),
        secret_hash: secret.as_deref().map(|s| envelope.secret_hash(s)),
        public: spec.public,
        token_endpoint_auth_method: method.clone(),
        redirect_uris: TextList::from(spec.redirect_uris.as_slice()),
        post_logout_redirect_uris: TextList::from(spec.post_logout_redirect_uris.as_slice()),
        grant_types: TextList::from(grants.as_slice()),
        scopes: TextList::from(scopes.as_slice()),
        backchannel_logout_uri: spec.backchannel_logout_uri.clone(),
        jwks: spec.jwks.clone(),
        id_token_signed_response_alg: spec
            .id_token_signed_response_alg
            .unwrap_or(Alg::RS256)
            .as_str()
            .to_owned(),
        access_token_signed_response_alg: spec
            .access_token_signed_response_alg
            .unwrap_or(Alg::RS256)
            .as_str()
            .to_owned(),
        consent: spec.consent.clone().unwrap_or_else(|| "required".into()),
        created_at: naive(now),
        updated_at: naive(now),
        logo_uri: spec.logo_uri.clone(),
        policy_uri: spec.policy_uri.clone(),
        tos_uri: spec.tos_uri.clone(),
        audiences: TextList::from(spec.audiences.as_slice()),
        allowed_origins: TextList::from(spec.allowed_origins.as_slice()),
    };
    write_tx(conn, |conn| {
        clients::insert(conn, &client)?;
        audit::record(
            conn,
            actor,
            Event::new(Action::ClientCreated, Outcome::Success)
                .target("client", id.as_str())
                .details(serde_json::json!({
                    "name": client.name,
                    "public": client.public,
                    "token_endpoint_auth_method": method,
                    "grant_types": grants,
                    "redirect_uris": spec.redirect_uris,
                    "audiences": spec.audiences,
                    "allowed_origins": spec.allowed_origins,
                })),
            now,
        )
    })?;
    Ok(CreatedClient {
        client_id: id,
        client_secret: secret,
        token_endpoint_auth_method: method,
        grant_types: grants,
        redirect_uris: spec.redirect_uris.clone(),
    })
}
