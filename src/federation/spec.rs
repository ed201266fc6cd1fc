//! What an admin says about a provider (the flags of `provider create`,
//! the admin API's fields: [`for_api`] names them) and the checked, stored
//! form of it. Each
//! kind has its required flags and defaults (S7): `oidc`, `okta`,
//! `jumpcloud` need `--issuer`; `google` defaults to Google's issuer and may
//! restrict a Workspace domain; `entra` derives its issuer from
//! `--authority-url` and `--tenant`; `github` takes GitHub Enterprise
//! Server addresses as `--api-url` with `--web-url`; `ldap` takes the
//! directory's flags (`federation::ldap::settings`).

use serde::{Deserialize, Serialize};

use crate::domain::OrganizationId;
use crate::federation::Kind;
use crate::federation::group_roles::{self, GroupRole, GroupRoleSpec};
use crate::federation::ldap::settings::{self as ldap_settings, LdapSettings, LdapSpec};
use crate::federation::upstream_url;
// SAML (issue 15): its settings, checked in one block of `validate`.
use crate::federation::saml_settings::{self, SamlSettings};

const GOOGLE_ISSUER: &str = "https://accounts.google.com";
const ENTRA_AUTHORITY: &str = "https://login.microsoftonline.com";
const GITHUB_API: &str = "https://api.github.com";
const GITHUB_WEB: &str = "https://github.com";
const AUTH_METHODS: [&str; 3] = [
    "client_secret_basic",
    "client_secret_post",
    "private_key_jwt",
];

/// Everything an admin may set; `None`/empty means "the kind's default".
#[derive(Debug, Clone, Default)]
pub struct ProviderSpec {
    pub name: String,
    /// The organization by name (the CLI's `--organization`)…
    pub organization: Option<String>,
    /// …or by id (the admin API; wins over the name).
    pub organization_id: Option<OrganizationId>,
    pub domains: Vec<String>,
    pub trust_email: bool,
    pub jit: bool,
    /// Local passwords still sign in for the claimed domains.
    pub allow_local_passwords: bool,
    /// Keep the upstream's tokens (sealed) on the identity.
    pub keep_tokens: bool,
    pub button_label: Option<String>,
    pub enabled: bool,
    pub issuer: Option<String>,
    pub client_id: Option<String>,
    pub scopes: Vec<String>,
    pub hosted_domain: Option<String>,
    pub tenant: Option<String>,
    pub authority_url: Option<String>,
    pub api_url: Option<String>,
    pub web_url: Option<String>,
    pub token_endpoint_auth_method: Option<String>,
    /// `--kind ldap`: the directory.
    pub ldap: LdapSpec,
    /// `--kind saml`: the prepared settings (`federation::saml::prepare`).
    pub saml: Option<SamlSettings>,
    /// Upstream groups → organization roles (`--group-role`, every kind).
    pub group_roles: Vec<GroupRoleSpec>,
}

/// The kind-specific settings as stored (a JSON object) and shown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Empty for LDAP.
    #[serde(default)]
    pub client_id: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosted_domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
    /// Empty for LDAP.
    #[serde(default)]
    pub token_endpoint_auth_method: String,
    /// `--kind ldap`: the directory (its bind password is the secret).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ldap: Option<LdapSettings>,
    /// `--kind saml` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saml: Option<SamlSettings>,
    /// Upstream groups → organization roles, checked by `group_roles`
    /// (a provider shows them as its `group_roles`, by organization name).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_roles: Vec<GroupRole>,
}

impl Settings {
    /// Whether the kind authenticates to the upstream with a shared secret
    /// (LDAP: the service account's password, when it searches).
    pub fn needs_secret(&self) -> bool {
        match &self.ldap {
            Some(ldap) => ldap.searches(),
            None => self.token_endpoint_auth_method != "private_key_jwt",
        }
    }
}

/// A lower-case DNS name of at least two labels, or why not.
fn domain(flag: &str, raw: &str) -> Result<String, String> {
    let d = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if d.len() > 253 || !d.contains('.') || !d.split('.').all(label_ok) {
        return Err(format!(
            "{flag}: {raw:?} is not a domain name like example.com"
        ));
    }
    Ok(d)
}

fn required<'a>(kind: Kind, flag: &str, value: &'a Option<String>) -> Result<&'a str, String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(format!("--kind {} needs {flag}", kind.as_str())),
    }
}

fn refuse(kind: Kind, flag: &str, value: &Option<String>) -> Result<(), String> {
    match value {
        Some(_) => Err(format!("{flag} does not apply to --kind {}", kind.as_str())),
        None => Ok(()),
    }
}

/// A URL flag, checked, without a trailing slash.
fn url(flag: &str, raw: &str, allow_private: bool) -> Result<String, String> {
    upstream_url::check(flag, raw, allow_private)?;
    Ok(raw.trim_end_matches('/').to_owned())
}

/// Check `spec` for `kind`; the stored settings and the claimed domains
/// (lower-case, deduplicated), or a message naming the flag at fault.
pub fn validate(
    kind: Kind,
    spec: &ProviderSpec,
    allow_private: bool,
) -> Result<(Settings, Vec<String>), String> {
    // SAML (issue 15): with the `saml` feature, from the CLI (which
    // prepares its settings); the console and the admin API cannot yet.
    let saml_ready = kind == Kind::Saml && cfg!(feature = "saml") && spec.saml.is_some();
    if !kind.available() && !saml_ready {
        return Err(format!(
            "--kind {} is not available yet: this version federates OIDC providers, GitHub and LDAP",
            kind.as_str()
        ));
    }
    // The rules' shape; their organizations are the registry's to find.
    group_roles::check(&spec.group_roles).map_err(|e| e.message())?;
    let name = spec.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err("--name must be 1 to 100 characters".into());
    }
    if let Some(label) = &spec.button_label
        && (label.trim().is_empty() || label.chars().count() > 100)
    {
        return Err("--button-label must be 1 to 100 characters".into());
    }
    let mut domains = Vec::new();
    for raw in &spec.domains {
        let d = domain("--domain", raw)?;
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    if spec.saml.is_some() && kind != Kind::Saml {
        return Err(format!(
            "--metadata-url does not apply to --kind {}",
            kind.as_str()
        ));
    }
    if kind == Kind::Ldap {
        return validate_ldap(spec, allow_private).map(|settings| (settings, domains));
    }
    if let Some(flag) = spec.ldap.first_flag() {
        return Err(format!("{flag} does not apply to --kind {}", kind.as_str()));
    }
    if kind == Kind::Saml {
        for (flag, value) in [
            ("--issuer", &spec.issuer),
            ("--client-id", &spec.client_id),
            ("--hosted-domain", &spec.hosted_domain),
            ("--tenant", &spec.tenant),
            ("--authority-url", &spec.authority_url),
            ("--api-url", &spec.api_url),
            ("--web-url", &spec.web_url),
            (
                "--token-endpoint-auth-method",
                &spec.token_endpoint_auth_method,
            ),
        ] {
            refuse(kind, flag, value)?;
        }
        let settings = Settings {
            saml: Some(saml_settings::check(spec.saml.as_ref())?),
            // The sealed secret of a SAML provider is its SP private key.
            token_endpoint_auth_method: "saml".into(),
            ..Settings::default()
        };
        return Ok((settings, domains));
    }
    let method = spec
        .token_endpoint_auth_method
        .clone()
        .unwrap_or_else(|| "client_secret_basic".into());
    if !AUTH_METHODS.contains(&method.as_str()) {
        return Err(format!(
            "--token-endpoint-auth-method must be one of {}",
            AUTH_METHODS.join(", ")
        ));
    }
    let mut settings = Settings {
        client_id: required(kind, "--client-id", &spec.client_id)?.to_owned(),
        token_endpoint_auth_method: method,
        ..Settings::default()
    };
    if settings.client_id.len() > 255 {
        return Err("--client-id is too long".into());
    }
    if kind == Kind::Github {
        for (flag, value) in [
            ("--issuer", &spec.issuer),
            ("--hosted-domain", &spec.hosted_domain),
            ("--tenant", &spec.tenant),
            ("--authority-url", &spec.authority_url),
        ] {
            refuse(kind, flag, value)?;
        }
        if !spec.scopes.is_empty() {
            return Err("--scope does not apply to --kind github".into());
        }
        let (api, web) = match (&spec.api_url, &spec.web_url) {
            (None, None) => (GITHUB_API.to_owned(), GITHUB_WEB.to_owned()),
            (Some(api), Some(web)) => (
                url("--api-url", api, allow_private)?,
                url("--web-url", web, allow_private)?,
            ),
            _ => {
                return Err(
                    "--api-url and --web-url go together (GitHub Enterprise Server)".into(),
                );
            }
        };
        settings.api_url = Some(api);
        settings.web_url = Some(web);
        return Ok((settings, domains));
    }
    refuse(kind, "--api-url", &spec.api_url)?;
    refuse(kind, "--web-url", &spec.web_url)?;
    if kind != Kind::Google {
        refuse(kind, "--hosted-domain", &spec.hosted_domain)?;
    }
    if kind != Kind::Entra {
        refuse(kind, "--tenant", &spec.tenant)?;
        refuse(kind, "--authority-url", &spec.authority_url)?;
    }
    let issuer = match kind {
        Kind::Google => {
            if let Some(hd) = &spec.hosted_domain {
                settings.hosted_domain = Some(domain("--hosted-domain", hd)?);
            }
            spec.issuer.clone().unwrap_or_else(|| GOOGLE_ISSUER.into())
        }
        Kind::Entra => {
            refuse(kind, "--issuer", &spec.issuer)?;
            let tenant = required(kind, "--tenant", &spec.tenant)?;
            let tenant_ok = tenant.len() <= 100
                && tenant
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
            if !tenant_ok {
                return Err(
                    "--tenant must be a tenant id, a domain, common or organizations".into(),
                );
            }
            let authority = url(
                "--authority-url",
                spec.authority_url.as_deref().unwrap_or(ENTRA_AUTHORITY),
                allow_private,
            )?;
            settings.tenant = Some(tenant.to_owned());
            settings.authority_url = Some(authority.clone());
            format!("{authority}/{tenant}/v2.0")
        }
        _ => required(kind, "--issuer", &spec.issuer)?.to_owned(),
    };
    // The issuer is compared exactly with the upstream's (SR-110): keep it
    // as given, only checked.
    upstream_url::check("--issuer", &issuer, allow_private)?;
    settings.issuer = Some(issuer);
    let mut scopes = Vec::new();
    for s in &spec.scopes {
        if s.is_empty()
            || !s
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
        {
            return Err(format!("--scope: {s:?} is not a scope"));
        }
        if !scopes.contains(s) {
            scopes.push(s.clone());
        }
    }
    if scopes.is_empty() {
        scopes = ["openid", "email", "profile"].map(String::from).to_vec();
    } else if !scopes.iter().any(|s| s == "openid") {
        scopes.insert(0, "openid".into());
    }
    settings.scopes = scopes;
    Ok((settings, domains))
}

/// `--kind ldap`: only the directory's flags apply.
fn validate_ldap(spec: &ProviderSpec, allow_private: bool) -> Result<Settings, String> {
    let kind = Kind::Ldap;
    for (flag, value) in [
        ("--issuer", &spec.issuer),
        ("--client-id", &spec.client_id),
        ("--hosted-domain", &spec.hosted_domain),
        ("--tenant", &spec.tenant),
        ("--authority-url", &spec.authority_url),
        ("--api-url", &spec.api_url),
        ("--web-url", &spec.web_url),
        (
            "--token-endpoint-auth-method",
            &spec.token_endpoint_auth_method,
        ),
    ] {
        refuse(kind, flag, value)?;
    }
    if !spec.scopes.is_empty() {
        return Err("--scope does not apply to --kind ldap".into());
    }
    if spec.keep_tokens {
        return Err(
            "--keep-tokens does not apply to --kind ldap (a directory issues no tokens)".into(),
        );
    }
    Ok(Settings {
        ldap: Some(ldap_settings::validate(&spec.ldap, allow_private)?),
        ..Settings::default()
    })
}

/// The admin API's field for a flag as [`validate`] names it
/// (`--client-secret-stdin` is `client_secret`, `--domain` `domains`, …).
fn field_for(flag: &str) -> String {
    match flag {
        "client-secret-stdin" => "client_secret".into(),
        "bind-password-stdin" => "bind_password".into(),
        "domain" => "domains".into(),
        "scope" => "scopes".into(),
        "group-role" => "group_roles".into(),
        other => other.replace('-', "_"),
    }
}

/// A message of [`validate`] for the admin API: the field at fault and the
/// message with fields instead of flags (`--kind okta needs --issuer` is
/// about `issuer`: "kind okta needs issuer").
pub fn for_api(message: &str) -> (String, String) {
    let flag_at = |text: &str| -> Option<String> {
        let rest = text.strip_prefix("--")?;
        let end = rest
            .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
            .unwrap_or(rest.len());
        Some(rest[..end].to_owned())
    };
    let field = match message.find(" needs --") {
        Some(at) => flag_at(&message[at + " needs ".len()..]),
        None => flag_at(message),
    }
    .map_or_else(|| "kind".to_owned(), |f| field_for(&f));
    let mut text = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("--") {
        text.push_str(&rest[..at]);
        let flag = flag_at(&rest[at..]).unwrap_or_default();
        text.push_str(&field_for(&flag));
        rest = &rest[at + 2 + flag.len()..];
    }
    text.push_str(rest);
    (field, text)
}

#[cfg(test)]
mod tests {
    use super::{ProviderSpec, for_api, validate};

    #[test]
    fn messages_name_the_api_field() {
        for (message, field, text) in [
            (
                "--kind okta needs --issuer",
                "issuer",
                "kind okta needs issuer",
            ),
            (
                "--kind saml is not available yet",
                "kind",
                "kind saml is not available yet",
            ),
            (
                "--issuer does not apply to --kind github",
                "issuer",
                "issuer does not apply to kind github",
            ),
            (
                "--domain: \"x\" is not a domain",
                "domains",
                "domains: \"x\" is not a domain",
            ),
            (
                "--kind oidc with client_secret_basic needs --client-secret-stdin",
                "client_secret",
                "kind oidc with client_secret_basic needs client_secret",
            ),
            (
                "--token-endpoint-auth-method must be one of a",
                "token_endpoint_auth_method",
                "token_endpoint_auth_method must be one of a",
            ),
        ] {
            assert_eq!(
                for_api(message),
                (field.to_owned(), text.to_owned()),
                "{message}"
            );
        }
    }
    use crate::federation::Kind;

    fn spec() -> ProviderSpec {
        ProviderSpec {
            name: "Corp".into(),
            client_id: Some("ostiary".into()),
            ..ProviderSpec::default()
        }
    }

    #[test]
    fn each_kind_gets_its_defaults_and_needs_its_flags() {
        let (google, _) = validate(Kind::Google, &spec(), false).unwrap();
        assert_eq!(
            google.issuer.as_deref(),
            Some("https://accounts.google.com")
        );
        assert_eq!(google.scopes, ["openid", "email", "profile"]);
        let entra = ProviderSpec {
            tenant: Some("organizations".into()),
            ..spec()
        };
        let (entra, _) = validate(Kind::Entra, &entra, false).unwrap();
        assert_eq!(
            entra.issuer.as_deref(),
            Some("https://login.microsoftonline.com/organizations/v2.0")
        );
        let (github, _) = validate(Kind::Github, &spec(), false).unwrap();
        assert_eq!(github.api_url.as_deref(), Some("https://api.github.com"));
        assert!(
            validate(Kind::Oidc, &spec(), false)
                .unwrap_err()
                .contains("--issuer")
        );
        assert!(
            validate(Kind::Entra, &spec(), false)
                .unwrap_err()
                .contains("--tenant")
        );
        let half = ProviderSpec {
            api_url: Some("https://ghe.example.com/api/v3".into()),
            ..spec()
        };
        assert!(validate(Kind::Github, &half, false).is_err());
        let wrong = ProviderSpec {
            hosted_domain: Some("example.com".into()),
            ..spec()
        };
        assert!(validate(Kind::Okta, &wrong, false).is_err());
    }

    #[test]
    fn ldap_takes_only_its_own_flags() {
        use crate::federation::ldap::settings::LdapSpec;
        let ldap = LdapSpec {
            url: Some("ldaps://ldap.example.com".into()),
            bind_dn: Some("cn=svc,dc=example,dc=com".into()),
            user_base_dn: Some("ou=people,dc=example,dc=com".into()),
            ..LdapSpec::default()
        };
        let s = ProviderSpec {
            name: "Directory".into(),
            ldap: ldap.clone(),
            ..ProviderSpec::default()
        };
        let (settings, _) = validate(Kind::Ldap, &s, false).unwrap();
        assert!(settings.needs_secret() && settings.client_id.is_empty());
        assert_eq!(
            settings.ldap.map(|l| l.user_filter).as_deref(),
            Some("(uid={username})")
        );
        let with_client = ProviderSpec {
            client_id: Some("x".into()),
            ..s.clone()
        };
        assert!(
            validate(Kind::Ldap, &with_client, false)
                .unwrap_err()
                .contains("--client-id does not apply")
        );
        let keep = ProviderSpec {
            keep_tokens: true,
            ..s
        };
        assert!(validate(Kind::Ldap, &keep, false).is_err());
        let oidc = ProviderSpec {
            issuer: Some("https://idp.example.com".into()),
            ldap,
            ..spec()
        };
        assert!(
            validate(Kind::Oidc, &oidc, false)
                .unwrap_err()
                .contains("--url does not apply")
        );
        assert_eq!(
            for_api("--kind ldap with --bind-dn needs --bind-password-stdin"),
            (
                "bind_password".to_owned(),
                "kind ldap with bind_dn needs bind_password".to_owned()
            )
        );
    }

    #[test]
    fn domains_are_normalized_and_checked() {
        let s = ProviderSpec {
            issuer: Some("https://idp.example.com".into()),
            domains: vec!["Example.COM.".into(), "example.com".into()],
            ..spec()
        };
        let (_, domains) = validate(Kind::Oidc, &s, false).unwrap();
        assert_eq!(domains, ["example.com"]);
        for bad in [
            "localhost",
            "-a.com",
            "a..com",
            "exa mple.com",
            "*.example.com",
        ] {
            let s = ProviderSpec {
                domains: vec![bad.into()],
                issuer: Some("https://idp.example.com".into()),
                ..spec()
            };
            assert!(validate(Kind::Oidc, &s, false).is_err(), "{bad}");
        }
    }
}
