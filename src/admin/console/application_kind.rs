//! The kinds of application the console's wizard offers (S8, issue 14
//! item 5) and the settings each starts from: a web app is confidential
//! with the authorization code and refresh grants; single-page and native
//! apps are public (no secret, PKCE S256 enforced for them, SR-13); a
//! machine-to-machine client has `client_credentials` alone; a device
//! (TV, CLI) uses the device grant. The kinds only choose defaults — the
//! settings are validated by [`crate::oidc::clients::spec::validate`] like
//! every other client's.

use crate::oidc::clients::view::ClientView;
use crate::oidc::grant;

/// A kind of application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A server-side web application (confidential).
    Web,
    /// A single-page application running in the browser (public).
    Spa,
    /// A mobile or desktop application (public).
    Native,
    /// A service calling APIs on its own behalf (confidential).
    Machine,
    /// A device with no browser or keyboard (public).
    Device,
}

impl Kind {
    /// In the order the wizard shows them.
    pub const ALL: [Kind; 5] = [
        Kind::Web,
        Kind::Spa,
        Kind::Native,
        Kind::Machine,
        Kind::Device,
    ];

    /// Its name in URLs and forms.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Web => "web",
            Kind::Spa => "spa",
            Kind::Native => "native",
            Kind::Machine => "m2m",
            Kind::Device => "device",
        }
    }

    pub fn parse(slug: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// The message key of its name (`admin.applications.kind.SLUG`).
    pub fn title_key(self) -> &'static str {
        match self {
            Kind::Web => "admin.applications.kind.web",
            Kind::Spa => "admin.applications.kind.spa",
            Kind::Native => "admin.applications.kind.native",
            Kind::Machine => "admin.applications.kind.m2m",
            Kind::Device => "admin.applications.kind.device",
        }
    }

    /// The message key of its one-line description.
    pub fn text_key(self) -> &'static str {
        match self {
            Kind::Web => "admin.applications.kind.web_text",
            Kind::Spa => "admin.applications.kind.spa_text",
            Kind::Native => "admin.applications.kind.native_text",
            Kind::Machine => "admin.applications.kind.m2m_text",
            Kind::Device => "admin.applications.kind.device_text",
        }
    }

    /// The message key of what the wizard will set up (grants, auth, PKCE).
    pub fn setup_key(self) -> &'static str {
        match self {
            Kind::Web => "admin.applications.kind.web_setup",
            Kind::Spa => "admin.applications.kind.spa_setup",
            Kind::Native => "admin.applications.kind.native_setup",
            Kind::Machine => "admin.applications.kind.m2m_setup",
            Kind::Device => "admin.applications.kind.device_setup",
        }
    }

    /// Whether it has no secret (auth method `none`; PKCE is enforced).
    pub fn public(self) -> bool {
        matches!(self, Kind::Spa | Kind::Native | Kind::Device)
    }

    /// The grants it is registered with.
    pub fn grants(self) -> Vec<String> {
        let grants: &[&str] = match self {
            Kind::Web | Kind::Spa | Kind::Native => {
                &[grant::AUTHORIZATION_CODE, grant::REFRESH_TOKEN]
            }
            Kind::Machine => &[grant::CLIENT_CREDENTIALS],
            Kind::Device => &[grant::DEVICE_CODE, grant::REFRESH_TOKEN],
        };
        grants.iter().map(|g| (*g).to_owned()).collect()
    }

    /// Whether users are sent back to it (redirect and logout URIs).
    pub fn redirects(self) -> bool {
        matches!(self, Kind::Web | Kind::Spa | Kind::Native)
    }

    /// Whether it calls the token endpoint from a browser (CORS origins).
    pub fn origins(self) -> bool {
        self == Kind::Spa
    }

    /// Whether a user signs in through it (consent, ID tokens, links).
    pub fn for_users(self) -> bool {
        self != Kind::Machine
    }

    /// The kind a registered client looks like (for lists and its page).
    pub fn of(client: &ClientView) -> Kind {
        let has = |g: &str| client.grant_types.iter().any(|x| x == g);
        if !client.public {
            if (has(grant::CLIENT_CREDENTIALS) || has(grant::TOKEN_EXCHANGE))
                && !has(grant::AUTHORIZATION_CODE)
                && !has(grant::DEVICE_CODE)
            {
                return Kind::Machine;
            }
            return Kind::Web;
        }
        if has(grant::DEVICE_CODE) && !has(grant::AUTHORIZATION_CODE) {
            return Kind::Device;
        }
        let web = |u: &String| {
            url::Url::parse(u).is_ok_and(|u| {
                u.scheme() == "https"
                    || (u.scheme() == "http"
                        && !matches!(u.host_str(), Some("127.0.0.1" | "[::1]")))
            })
        };
        if !client.allowed_origins.is_empty()
            || (!client.redirect_uris.is_empty() && client.redirect_uris.iter().all(web))
        {
            Kind::Spa
        } else {
            Kind::Native
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.slug()), Some(kind));
        }
        assert_eq!(Kind::parse("nope"), None);
    }

    #[test]
    fn every_kind_has_its_messages() {
        // The catalogue test checks that German has every English key.
        let en = crate::i18n::Tr::new(crate::i18n::Locale::En);
        for kind in Kind::ALL {
            for key in [kind.title_key(), kind.text_key(), kind.setup_key()] {
                assert!(en.try_text(key).is_some(), "{key}");
            }
        }
    }
}
