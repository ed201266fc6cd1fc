//! What an administrator asks of a client, and the one validation that
//! registering and changing a client both go through (SR-02, SR-13,
//! SR-17): the CLI, the admin API's create and its update all end here.

use crate::crypto::signing::Alg;
use crate::domain::{OrganizationId, TextList, redirect_uri};
use crate::oidc::{auth_method, grant, subject};
use crate::store::clients::Client;

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
    /// The owning organization (`None`: managed by global administrators).
    pub organization_id: Option<OrganizationId>,
    /// PKCE required although confidential (public clients always).
    pub require_pkce: bool,
    /// Authorization requests only through `/par` (RFC 9126 §5).
    pub require_par: bool,
    /// Where the client's public keys are fetched (instead of `jwks`):
    /// https, or loopback http, and fetched only under the outbound rules
    /// (`oidc.allow_private_targets` for a loopback one).
    pub jwks_uri: Option<String>,
    /// The one algorithm its request objects must use (RFC 9101).
    pub request_object_signing_alg: Option<String>,
    /// Authorization requests only in a signed request object (RFC 9101
    /// §10.5).
    pub require_signed_request_object: bool,
    /// Registered by the client itself (RFC 7591): kept on every change;
    /// such a client cannot skip consent (SR-141).
    pub dynamically_registered: bool,
    /// Token requests only with a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    /// `public` (default) or `pairwise` (OIDC Core §8).
    pub subject_type: Option<String>,
    /// Names a pairwise client's sector (OIDC Core §8.1); fetched and
    /// checked by [`subject::check_sector_document`].
    pub sector_identifier_uri: Option<String>,
}

/// A refused setting: which field (its JSON name in the admin API) and
/// why. `conflict`: the value is fine alone but contradicts another
/// setting (the admin API answers 422 rather than 400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
    pub conflict: bool,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
            conflict: false,
        }
    }

    /// A setting that contradicts another one.
    pub fn conflict(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            conflict: true,
            ..Self::new(field, message)
        }
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The settings validation decided (defaults filled in).
#[derive(Debug, Clone)]
pub struct Settings {
    pub method: String,
    pub grants: Vec<String>,
    pub scopes: Vec<String>,
}

/// Most entries of a list setting, and longest URI.
const MAX_ITEMS: usize = 50;
const MAX_URI: usize = 2000;

fn no_controls(field: &'static str, text: &str) -> Result<(), Invalid> {
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(field, "control characters are not allowed"));
    }
    Ok(())
}

fn list(field: &'static str, items: &[String]) -> Result<(), Invalid> {
    if items.len() > MAX_ITEMS {
        return Err(Invalid::new(field, format!("at most {MAX_ITEMS} entries")));
    }
    for item in items {
        no_controls(field, item)?;
        if item.len() > MAX_URI {
            return Err(Invalid::new(
                field,
                format!("an entry is longer than {MAX_URI}"),
            ));
        }
    }
    Ok(())
}

fn uris(
    field: &'static str,
    items: &[String],
    check: fn(&str) -> Result<(), String>,
) -> Result<(), Invalid> {
    list(field, items)?;
    for item in items {
        check(item).map_err(|m| Invalid::new(field, m))?;
    }
    Ok(())
}

fn one(
    field: &'static str,
    item: &Option<String>,
    check: fn(&str) -> Result<(), String>,
) -> Result<(), Invalid> {
    uris(field, item.as_slice(), check)
}

/// A token signing algorithm as an administrator writes it (`RS256`,
/// `ES256`, `EdDSA`); `None` when not given. The admin API and the console
/// read `id_token_signed_response_alg` and
/// `access_token_signed_response_alg` through this.
pub fn alg(field: &'static str, raw: Option<&str>) -> Result<Option<Alg>, Invalid> {
    let refused = || Invalid::new(field, "must be RS256, ES256 or EdDSA");
    raw.map(|a| Alg::parse(a).ok_or_else(refused)).transpose()
}

/// The settings rule (part of [`validate`]):
/// a known subject type; a `sector_identifier_uri` only for a pairwise
/// client, https (plain http only to a loopback host, which the outbound
/// client allows only when private targets are), without fragment; a
/// pairwise client without one has redirect URIs on a single host.
fn check_subject(spec: &ClientSpec) -> Result<(), Invalid> {
    let pairwise = match spec.subject_type.as_deref() {
        None | Some(subject::PUBLIC) => false,
        Some(subject::PAIRWISE) => true,
        Some(_) => return Err(Invalid::new("subject_type", "must be public or pairwise")),
    };
    const FIELD: &str = "sector_identifier_uri";
    match &spec.sector_identifier_uri {
        Some(_) if !pairwise => Err(Invalid::conflict(
            FIELD,
            "only a pairwise client has a sector identifier",
        )),
        Some(uri) => {
            if uri.len() > 2000 || uri.chars().any(char::is_control) {
                return Err(Invalid::new(
                    FIELD,
                    "must be a URL of at most 2000 characters",
                ));
            }
            let url =
                url::Url::parse(uri).map_err(|_| Invalid::new(FIELD, "must be an absolute URL"))?;
            let loopback = matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
            if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
                return Err(Invalid::new(FIELD, "must be an https URL"));
            }
            if url.fragment().is_some() || url.host_str().is_none() {
                return Err(Invalid::new(FIELD, "must have a host and no fragment"));
            }
            Ok(())
        }
        None if pairwise && subject::sector_of(None, &spec.redirect_uris).is_none() => {
            Err(Invalid::conflict(
                "redirect_uris",
                "a pairwise client without sector_identifier_uri needs redirect URIs on one host",
            ))
        }
        None => Ok(()),
    }
}

/// Check every setting of `spec`; the auth method, grants and scopes to
/// store (defaults filled in), or the first refused field.
pub fn validate(spec: &ClientSpec) -> Result<Settings, Invalid> {
    if spec.name.trim().is_empty() || spec.name.chars().count() > 200 {
        return Err(Invalid::new("name", "must be 1 to 200 characters"));
    }
    no_controls("name", &spec.name)?;
    if let Some(id) = &spec.id
        && (id.is_empty()
            || id.len() > 128
            || !id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')))
    {
        return Err(Invalid::new(
            "client_id",
            "may contain only letters, digits, '-', '_' and '.' (at most 128)",
        ));
    }
    uris("redirect_uris", &spec.redirect_uris, redirect_uri::validate)?;
    uris(
        "post_logout_redirect_uris",
        &spec.post_logout_redirect_uris,
        redirect_uri::validate,
    )?;
    one(
        "backchannel_logout_uri",
        &spec.backchannel_logout_uri,
        redirect_uri::validate,
    )?;
    one("logo_uri", &spec.logo_uri, redirect_uri::validate_web)?;
    one("policy_uri", &spec.policy_uri, redirect_uri::validate_web)?;
    one("tos_uri", &spec.tos_uri, redirect_uri::validate_web)?;
    uris(
        "audiences",
        &spec.audiences,
        crate::domain::resource::validate_resource,
    )?;
    uris(
        "allowed_origins",
        &spec.allowed_origins,
        crate::domain::resource::validate_origin,
    )?;
    let method = spec.token_endpoint_auth_method.clone().unwrap_or_else(|| {
        if spec.public {
            auth_method::NONE
        } else {
            auth_method::BASIC
        }
        .to_owned()
    });
    const METHOD: &str = "token_endpoint_auth_method";
    if !auth_method::ALL.contains(&method.as_str()) {
        return Err(Invalid::new(
            METHOD,
            format!("{method:?} is not one of {}", auth_method::ALL.join(", ")),
        ));
    }
    if spec.public != (method == auth_method::NONE) {
        return Err(Invalid::conflict(
            METHOD,
            "public clients use auth method none, and only they do",
        ));
    }
    one("jwks_uri", &spec.jwks_uri, redirect_uri::validate_web)?;
    if spec.jwks.is_some() && spec.jwks_uri.is_some() {
        return Err(Invalid::conflict(
            "jwks_uri",
            "give the public keys either inline (jwks) or by address (jwks_uri), not both",
        ));
    }
    if method == auth_method::PRIVATE_KEY_JWT && spec.jwks.is_none() && spec.jwks_uri.is_none() {
        return Err(Invalid::conflict(
            "jwks",
            "private_key_jwt needs the client's public keys (a JWKS document or jwks_uri)",
        ));
    }
    if let Some(a) = &spec.request_object_signing_alg
        && !crate::oidc::client_keys::REQUEST_OBJECT_ALGS.contains(&a.as_str())
    {
        return Err(Invalid::new(
            "request_object_signing_alg",
            format!(
                "must be one of {}",
                crate::oidc::client_keys::REQUEST_OBJECT_ALGS.join(", ")
            ),
        ));
    }
    if spec.require_signed_request_object && spec.jwks.is_none() && spec.jwks_uri.is_none() {
        return Err(Invalid::conflict(
            "require_signed_request_object",
            "signed request objects need the client's public keys (jwks or jwks_uri)",
        ));
    }
    if let Some(jwks) = &spec.jwks {
        let parsed: serde_json::Value = serde_json::from_str(jwks)
            .map_err(|e| Invalid::new("jwks", format!("is not JSON: {e}")))?;
        if !parsed["keys"].is_array() {
            return Err(Invalid::new(
                "jwks",
                "must be a JWKS document with a \"keys\" array",
            ));
        }
    }
    list("grant_types", &spec.grant_types)?;
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
            return Err(Invalid::new(
                "grant_types",
                format!("{g:?} is not one of {}", grant::ALL.join(", ")),
            ));
        }
    }
    if spec.public && grants.iter().any(|g| g == grant::CLIENT_CREDENTIALS) {
        return Err(Invalid::conflict(
            "grant_types",
            "public clients cannot use client_credentials",
        ));
    }
    // RFC 8693 §5: without client authentication anyone holding a leaked
    // token could trade it in for others.
    if spec.public && grants.iter().any(|g| g == grant::TOKEN_EXCHANGE) {
        return Err(Invalid::conflict(
            "grant_types",
            "public clients cannot use token exchange",
        ));
    }
    if grants.iter().any(|g| g == grant::AUTHORIZATION_CODE) && spec.redirect_uris.is_empty() {
        return Err(Invalid::conflict(
            "redirect_uris",
            "the authorization_code grant needs at least one redirect URI",
        ));
    }
    list("scopes", &spec.scopes)?;
    let scopes = if spec.scopes.is_empty() {
        ["openid", "profile", "email", "offline_access", "groups"]
            .map(str::to_owned)
            .to_vec()
    } else {
        spec.scopes.clone()
    };
    for s in &scopes {
        let parsed =
            crate::oidc::scope::parse(s).map_err(|e| Invalid::new("scopes", e.description))?;
        if parsed.len() != 1 || parsed[0] != *s {
            return Err(Invalid::new(
                "scopes",
                format!("{s:?}: each entry is one scope, without spaces"),
            ));
        }
    }
    if let Some(c) = &spec.consent
        && !matches!(c.as_str(), "skip" | "required")
    {
        return Err(Invalid::new("consent", "must be skip or required"));
    }
    if spec.dynamically_registered && spec.consent.as_deref() == Some("skip") {
        return Err(Invalid::conflict(
            "consent",
            "a dynamically registered client always asks for consent (SR-141)",
        ));
    }
    check_subject(spec)?;
    Ok(Settings {
        method,
        grants,
        scopes,
    })
}

impl ClientSpec {
    /// A stored client's settings as a spec, to change some and validate
    /// the whole again.
    pub fn of(client: &Client) -> Self {
        Self {
            name: client.name.clone(),
            id: Some(client.id.to_string()),
            public: client.public,
            redirect_uris: client.redirect_uris(),
            post_logout_redirect_uris: client.post_logout_redirect_uris(),
            grant_types: client.grant_types(),
            scopes: client.scopes(),
            backchannel_logout_uri: client.backchannel_logout_uri.clone(),
            token_endpoint_auth_method: Some(client.token_endpoint_auth_method.clone()),
            jwks: client.jwks.clone(),
            id_token_signed_response_alg: Alg::parse(&client.id_token_signed_response_alg),
            access_token_signed_response_alg: Alg::parse(&client.access_token_signed_response_alg),
            consent: Some(client.consent.clone()),
            logo_uri: client.logo_uri.clone(),
            policy_uri: client.policy_uri.clone(),
            tos_uri: client.tos_uri.clone(),
            audiences: client.audiences(),
            allowed_origins: client.allowed_origins(),
            organization_id: client.organization_id.clone(),
            require_pkce: client.require_pkce,
            require_par: client.require_par,
            jwks_uri: client.jwks_uri.clone(),
            request_object_signing_alg: client.request_object_signing_alg.clone(),
            require_signed_request_object: client.require_signed_request_object,
            dynamically_registered: client.dynamically_registered,
            dpop_bound_access_tokens: client.dpop_bound_access_tokens,
            subject_type: Some(client.subject_type.clone()),
            sector_identifier_uri: client.sector_identifier_uri.clone(),
        }
    }

    /// Write the validated settings into `client` (not its id, secret,
    /// owner, times or deletion).
    pub fn apply(&self, settings: &Settings, client: &mut Client) {
        client.name = self.name.trim().to_owned();
        client.token_endpoint_auth_method = settings.method.clone();
        client.redirect_uris = TextList::from(self.redirect_uris.as_slice());
        client.post_logout_redirect_uris =
            TextList::from(self.post_logout_redirect_uris.as_slice());
        client.grant_types = TextList::from(settings.grants.as_slice());
        client.scopes = TextList::from(settings.scopes.as_slice());
        client.backchannel_logout_uri = self.backchannel_logout_uri.clone();
        client.jwks = self.jwks.clone();
        client.id_token_signed_response_alg = self
            .id_token_signed_response_alg
            .unwrap_or(Alg::RS256)
            .as_str()
            .to_owned();
        client.access_token_signed_response_alg = self
            .access_token_signed_response_alg
            .unwrap_or(Alg::RS256)
            .as_str()
            .to_owned();
        client.consent = self.consent.clone().unwrap_or_else(|| "required".into());
        client.logo_uri = self.logo_uri.clone();
        client.policy_uri = self.policy_uri.clone();
        client.tos_uri = self.tos_uri.clone();
        client.audiences = TextList::from(self.audiences.as_slice());
        client.allowed_origins = TextList::from(self.allowed_origins.as_slice());
        client.require_pkce = self.require_pkce || self.public;
        client.require_par = self.require_par;
        client.jwks_uri = self.jwks_uri.clone();
        client.request_object_signing_alg = self.request_object_signing_alg.clone();
        client.require_signed_request_object = self.require_signed_request_object;
        client.dpop_bound_access_tokens = self.dpop_bound_access_tokens;
        client.subject_type = self
            .subject_type
            .clone()
            .unwrap_or_else(|| crate::oidc::subject::PUBLIC.into());
        client.sector_identifier_uri = self.sector_identifier_uri.clone();
    }
}
