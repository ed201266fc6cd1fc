//! The kinds of upstream provider: redirect-based ones (OIDC and its
//! presets, GitHub, SAML) send the browser away and back; password-based
//! ones (LDAP) check a password the person types on our page.

use serde::{Deserialize, Serialize};

/// A provider's kind, as `--kind` spells it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Oidc,
    Google,
    /// Microsoft Entra ID (also accepted as `microsoft`).
    #[serde(alias = "microsoft")]
    Entra,
    Okta,
    Jumpcloud,
    Github,
    Saml,
    Ldap,
}

/// How a provider proves who someone is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// The browser goes to the provider and comes back to our callback.
    Redirect,
    /// The person types a password on our page; we check it upstream.
    Password,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Oidc,
        Kind::Google,
        Kind::Entra,
        Kind::Okta,
        Kind::Jumpcloud,
        Kind::Github,
        Kind::Saml,
        Kind::Ldap,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Oidc => "oidc",
            Kind::Google => "google",
            Kind::Entra => "entra",
            Kind::Okta => "okta",
            Kind::Jumpcloud => "jumpcloud",
            Kind::Github => "github",
            Kind::Saml => "saml",
            Kind::Ldap => "ldap",
        }
    }

    /// The stored form back; `None` for anything else.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn flow(self) -> Flow {
        match self {
            Kind::Ldap => Flow::Password,
            _ => Flow::Redirect,
        }
    }

    /// The upstream type MFA rules and acknowledgments name
    /// (`auth::mfa::policy::UPSTREAM_TYPES`; Entra is `microsoft` there).
    pub fn upstream_type(self) -> &'static str {
        match self {
            Kind::Entra => "microsoft",
            other => other.as_str(),
        }
    }

    /// Whether sign-ins through this kind can carry the upstream's own MFA
    /// (an `amr` an admin may accept, S5): not a directory, whose bind is
    /// a password and nothing more.
    pub fn has_upstream_mfa(self) -> bool {
        self != Kind::Ldap
    }

    /// The login method of a sign-in through this kind (`upstream:<type>`).
    pub fn login_method(self) -> &'static str {
        match self {
            Kind::Oidc => "upstream:oidc",
            Kind::Google => "upstream:google",
            Kind::Entra => "upstream:microsoft",
            Kind::Okta => "upstream:okta",
            Kind::Jumpcloud => "upstream:jumpcloud",
            Kind::Github => "upstream:github",
            Kind::Saml => "upstream:saml",
            Kind::Ldap => "upstream:ldap",
        }
    }

    /// Whether providers of this kind can be registered yet (SAML is not
    /// implemented: the provider validation (`spec::validate`) refuses it).
    pub fn available(self) -> bool {
        self != Kind::Saml
    }

    /// Kinds configured by an issuer and OIDC discovery.
    pub fn is_oidc(self) -> bool {
        matches!(
            self,
            Kind::Oidc | Kind::Google | Kind::Entra | Kind::Okta | Kind::Jumpcloud
        )
    }

    /// Kinds whose upstream sends the browser back to
    /// `/login/providers/{id}/callback` with a code (OIDC and GitHub; SAML
    /// posts to its own endpoint).
    pub fn uses_callback(self) -> bool {
        self.is_oidc() || self == Kind::Github
    }
}

#[cfg(test)]
mod tests {
    use super::{Flow, Kind};

    #[test]
    fn kinds_round_trip_and_say_how_they_sign_in() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(Kind::parse("microsoft"), None);
        assert_eq!(Kind::Ldap.flow(), Flow::Password);
        assert_eq!(Kind::Github.flow(), Flow::Redirect);
        assert!(Kind::Entra.is_oidc() && !Kind::Github.is_oidc());
        for kind in Kind::ALL {
            assert_eq!(
                kind.login_method(),
                format!("upstream:{}", kind.upstream_type())
            );
            assert!(crate::auth::mfa::policy::UPSTREAM_TYPES.contains(&kind.upstream_type()));
        }
    }
}
