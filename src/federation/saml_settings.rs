//! The stored settings of a SAML 2.0 provider (S7) and the `provider
//! create --kind saml` flags. Compiled without the `saml` feature too, so
//! that stored providers read the same everywhere; everything that parses
//! XML or speaks SAML is in `federation::saml` (feature `saml`).

use serde::{Deserialize, Serialize};

/// Attribute names of the presets (`--saml-preset`): where each IdP puts
/// the email, the display name and the groups by default.
pub const PRESETS: [(&str, [&str; 3]); 4] = [
    (
        "entra",
        [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "http://schemas.microsoft.com/identity/claims/displayname",
            "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        ],
    ),
    ("okta", ["email", "displayName", "groups"]),
    (
        "adfs",
        [
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
            "http://schemas.xmlsoap.org/claims/Group",
        ],
    ),
    ("google", ["email", "name", "groups"]),
];

/// A SAML provider as stored (inside the provider's settings, `saml`).
/// The SP private key is not here: it is the provider's sealed secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SamlSettings {
    /// Where the IdP metadata was fetched from (none: uploaded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata_url: Option<String>,
    /// The IdP's entity id, from its metadata.
    pub idp_entity_id: String,
    /// The IdP metadata as imported (XML; its signing certificates are the
    /// only keys a response is verified with).
    pub idp_metadata: String,
    /// Our SP certificate (PEM), published in our metadata.
    pub sp_certificate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_groups: Option<String>,
    /// Accept unsolicited (IdP-initiated) responses: no `InResponseTo`, no
    /// RelayState of ours (SR-121: off by default; docs/saml.md).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_idp_initiated: bool,
}

/// The SAML flags of `provider create` (`--kind saml`).
#[derive(Debug, Default, Clone, clap::Args)]
pub struct SamlFlags {
    /// saml: IdP metadata URL (fetched under the outbound-call rules).
    #[arg(long, value_name = "URL", conflicts_with = "metadata_file")]
    pub metadata_url: Option<String>,
    /// saml: IdP metadata file (XML), stored with the provider.
    #[arg(long, value_name = "PATH")]
    pub metadata_file: Option<std::path::PathBuf>,
    /// saml: attribute names of entra, okta, adfs or google.
    #[arg(long, value_name = "PRESET")]
    pub saml_preset: Option<String>,
    /// saml: attribute holding the email (overrides the preset).
    #[arg(long, value_name = "NAME")]
    pub attribute_email: Option<String>,
    /// saml: attribute holding the display name.
    #[arg(long, value_name = "NAME")]
    pub attribute_name: Option<String>,
    /// saml: attribute holding the groups.
    #[arg(long, value_name = "NAME")]
    pub attribute_groups: Option<String>,
    /// saml: accept IdP-initiated sign-in (unsolicited responses; off by
    /// default: see docs/saml.md for the risks).
    #[arg(long)]
    pub allow_idp_initiated: bool,
}

impl SamlFlags {
    /// Whether any SAML flag was given.
    pub fn any(&self) -> bool {
        self.metadata_url.is_some()
            || self.metadata_file.is_some()
            || self.saml_preset.is_some()
            || self.attribute_email.is_some()
            || self.attribute_name.is_some()
            || self.attribute_groups.is_some()
            || self.allow_idp_initiated
    }
}

/// `{issuer}/saml/{id}`: our SP entity id.
pub fn entity_id(base: &str, id: &str) -> String {
    format!("{base}/saml/{id}")
}

/// `{issuer}/saml/{id}/acs`: the Assertion Consumer Service (HTTP-POST).
pub fn acs_url(base: &str, id: &str) -> String {
    format!("{base}/saml/{id}/acs")
}

/// `{issuer}/saml/{id}/slo`: where the IdP's LogoutResponse comes back
/// (HTTP-Redirect).
pub fn slo_url(base: &str, id: &str) -> String {
    format!("{base}/saml/{id}/slo")
}

/// `{issuer}/saml/{id}/metadata`: our SP metadata.
pub fn metadata_url(base: &str, id: &str) -> String {
    format!("{base}/saml/{id}/metadata")
}

/// Check stored SAML settings as part of a provider spec.
pub fn check(settings: Option<&SamlSettings>) -> Result<SamlSettings, String> {
    let Some(s) = settings else {
        return Err("--kind saml needs --metadata-url or --metadata-file".into());
    };
    if s.idp_metadata.trim().is_empty() || s.idp_entity_id.is_empty() {
        return Err("--kind saml needs --metadata-url or --metadata-file".into());
    }
    if s.sp_certificate.is_empty() {
        return Err("--kind saml: the SP certificate is missing".into());
    }
    for (flag, value) in [
        ("--attribute-email", &s.attribute_email),
        ("--attribute-name", &s.attribute_name),
        ("--attribute-groups", &s.attribute_groups),
    ] {
        if let Some(v) = value
            && (v.trim().is_empty() || v.len() > 255)
        {
            return Err(format!("{flag} must be 1 to 255 characters"));
        }
    }
    if let Some(p) = &s.preset
        && !PRESETS.iter().any(|(name, _)| name == p)
    {
        return Err("--saml-preset must be one of entra, okta, adfs, google".into());
    }
    Ok(s.clone())
}
