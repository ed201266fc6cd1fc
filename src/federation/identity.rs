//! What an upstream says about the person who signed in there: one shape
//! for every kind (OIDC and its presets, GitHub, later SAML and LDAP), so
//! the same provisioning and linking rules apply to all of them.

/// A person as an upstream provider vouches for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Our provider id.
    pub provider_id: String,
    /// The upstream's issuer (or API address for GitHub).
    pub issuer: String,
    /// The upstream's immutable key for the person (OIDC `sub`; Entra
    /// `{tid}:{oid}`; GitHub's numeric id), never an email (SR-111).
    pub subject: String,
    pub email: Option<String>,
    /// Only `true` when the upstream said so explicitly.
    pub email_verified: bool,
    pub name: Option<String>,
    pub groups: Vec<String>,
    /// The upstream's authentication methods (`amr`), as it stated them.
    pub amr: Vec<String>,
    /// What the upstream issued (never logged).
    pub tokens: Option<UpstreamTokens>,
}

/// The tokens an upstream issued at a sign-in, kept (sealed, on the
/// identity) only when the provider is configured to keep them (S7).
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UpstreamTokens {
    pub access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// When the access token expires (RFC 3339), if the upstream said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

impl std::fmt::Debug for UpstreamTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UpstreamTokens(…)")
    }
}
