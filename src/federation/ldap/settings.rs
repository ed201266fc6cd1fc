//! The settings of an LDAP / Active Directory provider (S7): what an admin
//! gives (`--url`, `--starttls`, `--bind-dn`, `--user-base-dn`,
//! `--user-filter`, `--user-dn-template`, `--group-base-dn`,
//! `--active-directory`, `--ca-file`, `--allow-plaintext`) and the checked,
//! stored form. A plaintext `ldap://` without StartTLS is refused unless
//! `--allow-plaintext` (SR-132).

use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::federation::upstream_url;

/// The placeholder for what the person typed.
pub const USERNAME: &str = "{username}";
const OPENLDAP_FILTER: &str = "(uid={username})";
const AD_FILTER: &str = "(&(objectClass=user)(|(sAMAccountName={username})(userPrincipalName={username})(mail={username})))";

/// The user filter the service applies when none is given: OpenLDAP's,
/// or Active Directory's (`--active-directory`).
pub fn default_filter(active_directory: bool) -> &'static str {
    if active_directory {
        AD_FILTER
    } else {
        OPENLDAP_FILTER
    }
}

/// What an admin says about a directory; `None`/`false` is "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LdapSpec {
    pub url: Option<String>,
    pub starttls: bool,
    pub bind_dn: Option<String>,
    pub user_base_dn: Option<String>,
    pub user_filter: Option<String>,
    pub user_dn_template: Option<String>,
    pub group_base_dn: Option<String>,
    pub active_directory: bool,
    pub ca_file: Option<String>,
    pub allow_plaintext: bool,
}

impl LdapSpec {
    /// Whether any LDAP flag was given (they apply to `--kind ldap` only).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// The flag of the first LDAP setting given, if any.
    pub fn first_flag(&self) -> Option<&'static str> {
        [
            (self.url.is_some(), "--url"),
            (self.starttls, "--starttls"),
            (self.bind_dn.is_some(), "--bind-dn"),
            (self.user_base_dn.is_some(), "--user-base-dn"),
            (self.user_filter.is_some(), "--user-filter"),
            (self.user_dn_template.is_some(), "--user-dn-template"),
            (self.group_base_dn.is_some(), "--group-base-dn"),
            (self.active_directory, "--active-directory"),
            (self.ca_file.is_some(), "--ca-file"),
            (self.allow_plaintext, "--allow-plaintext"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

/// A directory's checked settings, as stored and shown (never the bind
/// password: that is the provider's sealed secret).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LdapSettings {
    /// `ldap://host:port` or `ldaps://host:port`.
    pub url: String,
    #[serde(default)]
    pub starttls: bool,
    /// The service account of search-then-bind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_dn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_base_dn: Option<String>,
    pub user_filter: String,
    /// Direct bind: the person's DN with `{username}` (escaped per RFC 4514).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_dn_template: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_base_dn: Option<String>,
    #[serde(default)]
    pub active_directory: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    #[serde(default)]
    pub allow_plaintext: bool,
}

impl LdapSettings {
    /// The spec these settings came from (to change some of it).
    pub fn spec(&self) -> LdapSpec {
        LdapSpec {
            url: Some(self.url.clone()),
            starttls: self.starttls,
            bind_dn: self.bind_dn.clone(),
            user_base_dn: self.user_base_dn.clone(),
            user_filter: Some(self.user_filter.clone()),
            user_dn_template: self.user_dn_template.clone(),
            group_base_dn: self.group_base_dn.clone(),
            active_directory: self.active_directory,
            ca_file: self.ca_file.clone(),
            allow_plaintext: self.allow_plaintext,
        }
    }

    /// Whether sign-ins search with a service account (which needs the
    /// bind password) rather than bind directly with the DN template.
    pub fn searches(&self) -> bool {
        self.user_dn_template.is_none()
    }

    /// Whether the connection is encrypted.
    pub fn is_tls(&self) -> bool {
        self.starttls || self.url.starts_with("ldaps://")
    }
}

/// A distinguished name flag: non-empty, bounded, one line, `a=b` parts.
fn dn(flag: &str, raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.is_empty() || v.len() > 1024 {
        return Err(format!("{flag} must be a DN of 1 to 1024 characters"));
    }
    if v.chars().any(char::is_control) || !v.contains('=') {
        return Err(format!(
            "{flag}: {v:?} is not a DN like ou=people,dc=example,dc=com"
        ));
    }
    Ok(v.to_owned())
}

/// Whether the parentheses of a filter balance (escaped ones do not count).
fn balanced(filter: &str) -> bool {
    let mut depth = 0_i32;
    let mut escaped = false;
    for c in filter.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            _ => {}
        }
    }
    depth == 0
}

fn filter(raw: &str) -> Result<String, String> {
    let v = raw.trim();
    if v.len() > 1024
        || !v.starts_with('(')
        || !v.ends_with(')')
        || !balanced(v)
        || v.chars().any(char::is_control)
    {
        return Err(format!(
            "--user-filter: {v:?} is not an LDAP filter like (uid={{username}})"
        ));
    }
    if !v.contains(USERNAME) {
        return Err("--user-filter must contain {username}".into());
    }
    Ok(v.to_owned())
}

/// The directory's address: `ldap://` or `ldaps://`, a host, no
/// credentials, path, query or fragment; private literals as for every
/// provider URL (S3).
fn address(raw: &str, allow_private: bool) -> Result<Url, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("--url: not an LDAP URL ({e})"))?;
    if !matches!(url.scheme(), "ldap" | "ldaps") {
        return Err("--url must be ldap://host[:port] or ldaps://host[:port]".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("--url must not contain credentials".into());
    }
    if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
        return Err(
            "--url must not have a path, query or fragment (set the base DNs with their flags)"
                .into(),
        );
    }
    let private = match url.host() {
        None => return Err("--url has no host".into()),
        Some(Host::Ipv4(ip)) => upstream_url::is_private(ip.into()),
        Some(Host::Ipv6(ip)) => upstream_url::is_private(ip.into()),
        // ldap:// is not a "special" scheme: an address literal is a name
        // to the URL parser.
        Some(Host::Domain(name)) => match name.parse::<std::net::IpAddr>() {
            Ok(ip) => upstream_url::is_private(ip),
            Err(_) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                name == "localhost" || name.ends_with(".localhost")
            }
        },
    };
    if private && !allow_private {
        return Err(
            "--url points at a loopback or private address (set oidc.allow_private_targets for development)"
                .into(),
        );
    }
    Ok(url)
}

/// A CA file: readable PEM certificates.
fn ca_file(raw: &str) -> Result<String, String> {
    let path = raw.trim();
    let pem = std::fs::read(path).map_err(|e| format!("--ca-file: cannot read {path:?} ({e})"))?;
    if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
        return Err(format!("--ca-file: {path:?} holds no PEM certificate"));
    }
    native_tls::Certificate::from_pem(&pem)
        .map_err(|e| format!("--ca-file: {path:?} is not a PEM certificate ({e})"))?;
    Ok(path.to_owned())
}

/// Check what an admin said about a directory.
pub fn validate(spec: &LdapSpec, allow_private: bool) -> Result<LdapSettings, String> {
    let raw_url = match spec.url.as_deref().map(str::trim) {
        Some(u) if !u.is_empty() => u,
        _ => return Err("--kind ldap needs --url".into()),
    };
    let url = address(raw_url, allow_private)?;
    let ldaps = url.scheme() == "ldaps";
    if ldaps && spec.starttls {
        return Err("--starttls does not apply to an ldaps:// --url (it is TLS already)".into());
    }
    if !ldaps && !spec.starttls && !spec.allow_plaintext {
        return Err(
            "--url ldap:// without --starttls sends passwords in plaintext: use ldaps://, --starttls, or --allow-plaintext (development only)"
                .into(),
        );
    }
    if spec.ca_file.is_some() && !ldaps && !spec.starttls {
        return Err("--ca-file needs ldaps:// or --starttls".into());
    }
    let opt_dn = |flag: &str, v: &Option<String>| v.as_deref().map(|v| dn(flag, v)).transpose();
    let bind_dn = opt_dn("--bind-dn", &spec.bind_dn)?;
    let user_base_dn = opt_dn("--user-base-dn", &spec.user_base_dn)?;
    let group_base_dn = opt_dn("--group-base-dn", &spec.group_base_dn)?;
    let user_dn_template = match &spec.user_dn_template {
        Some(t) => {
            let t = dn("--user-dn-template", t)?;
            if !t.contains(USERNAME) {
                return Err("--user-dn-template must contain {username}".into());
            }
            Some(t)
        }
        None => None,
    };
    if user_dn_template.is_none() {
        if bind_dn.is_none() {
            return Err("--kind ldap needs --bind-dn (search-then-bind) or --user-dn-template (direct bind)".into());
        }
        if user_base_dn.is_none() {
            return Err("--kind ldap needs --user-base-dn".into());
        }
    }
    let user_filter = filter(
        spec.user_filter
            .as_deref()
            .unwrap_or(default_filter(spec.active_directory)),
    )?;
    let ca_file = spec.ca_file.as_deref().map(ca_file).transpose()?;
    let host = url.host_str().unwrap_or_default();
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    Ok(LdapSettings {
        url: format!("{}://{host}{port}", url.scheme()),
        starttls: spec.starttls,
        bind_dn,
        user_base_dn,
        user_filter,
        user_dn_template,
        group_base_dn,
        active_directory: spec.active_directory,
        ca_file,
        allow_plaintext: spec.allow_plaintext,
    })
}

#[cfg(test)]
mod tests {
    use super::{LdapSpec, validate};

    fn spec() -> LdapSpec {
        LdapSpec {
            url: Some("ldaps://ldap.example.com:636/".into()),
            bind_dn: Some("cn=ostiary,ou=services,dc=example,dc=com".into()),
            user_base_dn: Some("ou=people,dc=example,dc=com".into()),
            user_filter: Some("(uid={username})".into()),
            ..LdapSpec::default()
        }
    }

    #[test]
    fn a_search_then_bind_directory_is_stored_checked() {
        let s = validate(&spec(), false).unwrap();
        assert_eq!(s.url, "ldaps://ldap.example.com:636");
        assert!(s.searches() && s.is_tls());
        assert_eq!(s.user_filter, "(uid={username})");
        let ad = LdapSpec {
            user_filter: None,
            active_directory: true,
            ..spec()
        };
        assert!(
            validate(&ad, false)
                .unwrap()
                .user_filter
                .contains("sAMAccountName={username}")
        );
        assert_eq!(validate(&s.spec(), false).unwrap(), s);
    }

    /// SR-132: no plaintext simple bind unless explicitly allowed.
    #[test]
    fn plaintext_is_refused_unless_allowed() {
        let plain = LdapSpec {
            url: Some("ldap://ldap.example.com".into()),
            ..spec()
        };
        assert!(validate(&plain, false).unwrap_err().contains("--starttls"));
        let starttls = LdapSpec {
            starttls: true,
            ..plain.clone()
        };
        assert!(validate(&starttls, false).unwrap().is_tls());
        let allowed = LdapSpec {
            allow_plaintext: true,
            ..plain
        };
        assert!(!validate(&allowed, false).unwrap().is_tls());
        let both = LdapSpec {
            starttls: true,
            ..spec()
        };
        assert!(validate(&both, false).is_err());
    }

    #[test]
    fn bad_settings_name_their_flag() {
        for (bad, flag) in [
            (
                LdapSpec {
                    url: Some("https://ldap.example.com".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldaps://127.0.0.1".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldap://10.0.0.5".into()),
                    starttls: true,
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldaps://[::1]:636".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldaps://LOCALHOST".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldaps://u:p@ldap.example.com".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    url: Some("ldaps://ldap.example.com/dc=x?uid".into()),
                    ..spec()
                },
                "--url",
            ),
            (
                LdapSpec {
                    user_filter: Some("(uid=alice)".into()),
                    ..spec()
                },
                "{username}",
            ),
            (
                LdapSpec {
                    user_filter: Some("(uid={username}))(".into()),
                    ..spec()
                },
                "--user-filter",
            ),
            (
                LdapSpec {
                    bind_dn: None,
                    ..spec()
                },
                "--bind-dn",
            ),
            (
                LdapSpec {
                    user_base_dn: Some("people".into()),
                    ..spec()
                },
                "--user-base-dn",
            ),
            (
                LdapSpec {
                    ca_file: Some("/nonexistent/ca.pem".into()),
                    ..spec()
                },
                "--ca-file",
            ),
        ] {
            let message = validate(&bad, false).unwrap_err();
            assert!(message.contains(flag), "{message}");
        }
        assert!(validate(&spec(), true).is_ok());
        let local = LdapSpec {
            url: Some("ldaps://127.0.0.1:6360".into()),
            ..spec()
        };
        assert!(validate(&local, true).is_ok());
    }

    #[test]
    fn direct_bind_needs_a_template_with_the_username() {
        let direct = LdapSpec {
            bind_dn: None,
            user_base_dn: None,
            user_dn_template: Some("uid={username},ou=people,dc=example,dc=com".into()),
            ..spec()
        };
        assert!(!validate(&direct, false).unwrap().searches());
        let bad = LdapSpec {
            user_dn_template: Some("uid=alice,ou=people,dc=example,dc=com".into()),
            ..direct
        };
        assert!(validate(&bad, false).unwrap_err().contains("{username}"));
    }
}
