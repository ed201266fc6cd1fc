//! How the console presents each provider kind (S7, S8): its card in the
//! wizard, its mark, and which of the form's fields it uses. What a kind
//! requires and defaults to stays `federation::spec`'s rule; this only
//! decides which inputs to show.

use crate::federation::Kind;

/// One kind as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindView {
    pub kind: Kind,
    /// As URLs and forms spell it (`oidc`, `entra`, …).
    pub slug: &'static str,
    /// Catalogue keys of its name and its one-line description.
    pub label: &'static str,
    pub text: &'static str,
    /// Its mark (`partials/provider_icon.html`).
    pub icon: &'static str,
    /// Whether it can be registered (SAML: in a build with the `saml`
    /// feature).
    pub available: bool,
}

impl KindView {
    pub fn of(kind: Kind) -> Self {
        let (label, text) = match kind {
            Kind::Oidc => (
                "admin.providers.kind.oidc",
                "admin.providers.kind.oidc_text",
            ),
            Kind::Google => (
                "admin.providers.kind.google",
                "admin.providers.kind.google_text",
            ),
            Kind::Entra => (
                "admin.providers.kind.entra",
                "admin.providers.kind.entra_text",
            ),
            Kind::Okta => (
                "admin.providers.kind.okta",
                "admin.providers.kind.okta_text",
            ),
            Kind::Jumpcloud => (
                "admin.providers.kind.jumpcloud",
                "admin.providers.kind.jumpcloud_text",
            ),
            Kind::Github => (
                "admin.providers.kind.github",
                "admin.providers.kind.github_text",
            ),
            Kind::Saml => (
                "admin.providers.kind.saml",
                "admin.providers.kind.saml_text",
            ),
            Kind::Ldap => (
                "admin.providers.kind.ldap",
                "admin.providers.kind.ldap_text",
            ),
        };
        Self {
            kind,
            slug: kind.as_str(),
            label,
            text,
            icon: kind.upstream_type(),
            available: kind.available() || (kind == Kind::Saml && cfg!(feature = "saml")),
        }
    }

    /// Every kind, in the order of `Kind::ALL`.
    pub fn all() -> Vec<Self> {
        Kind::ALL.into_iter().map(Self::of).collect()
    }

    /// The kind spelled `slug`.
    pub fn parse(slug: &str) -> Option<Self> {
        Kind::parse(slug).map(Self::of)
    }

    /// Whether a caller of `global` reach may register it: available, and
    /// for a kind only callers of global reach register (LDAP), the
    /// registry's rule (`registry::global_only`) says so.
    pub fn open_to(&self, global: bool) -> bool {
        self.available && (global || !self.global_only())
    }

    /// Only callers of global reach register it (the registry's rule).
    pub fn global_only(&self) -> bool {
        crate::federation::registry::global_only(self.kind)
    }

    /// A directory (LDAP): its own fields, no client, nothing to register.
    pub fn is_ldap(&self) -> bool {
        self.kind == Kind::Ldap
    }

    /// The upstream sends the browser back to a callback URL.
    pub fn uses_callback(&self) -> bool {
        self.kind.uses_callback()
    }

    /// A SAML IdP: its metadata and attribute names, our SP's addresses
    /// to register there.
    pub fn is_saml(&self) -> bool {
        self.kind == Kind::Saml
    }

    /// A client ID and secret (every kind but LDAP and SAML).
    pub fn has_client(&self) -> bool {
        !self.is_ldap() && !self.is_saml()
    }

    /// An issuer address is typed in (the others derive it).
    pub fn has_issuer(&self) -> bool {
        matches!(self.kind, Kind::Oidc | Kind::Okta | Kind::Jumpcloud)
    }

    /// An Entra tenant and authority.
    pub fn has_tenant(&self) -> bool {
        self.kind == Kind::Entra
    }

    /// A Google Workspace domain.
    pub fn has_hosted_domain(&self) -> bool {
        self.kind == Kind::Google
    }

    /// GitHub Enterprise Server addresses.
    pub fn has_enterprise_urls(&self) -> bool {
        self.kind == Kind::Github
    }

    /// Scopes and the token endpoint's authentication (OIDC kinds).
    pub fn has_scopes(&self) -> bool {
        self.kind.is_oidc()
    }

    /// The catalogue key of where to register the application upstream.
    pub fn setup(&self) -> String {
        format!("admin.providers.setup.{}", self.slug)
    }

    /// The catalogue key of the issuer's hint (OIDC, Okta, JumpCloud).
    pub fn issuer_hint(&self) -> String {
        format!("admin.providers.issuer_hint.{}", self.slug)
    }
}

#[cfg(test)]
mod tests {
    use super::KindView;
    use crate::federation::Kind;
    use crate::i18n::{Locale, Tr};

    #[test]
    fn every_kind_has_its_words_in_both_languages() {
        for lang in [Locale::En, Locale::De] {
            let t = Tr::new(lang);
            for view in KindView::all() {
                for key in [view.label, view.text] {
                    assert!(t.try_text(key).is_some(), "{key}");
                }
                if view.available {
                    assert!(t.try_text(&view.setup()).is_some(), "{}", view.setup());
                }
                if view.has_issuer() {
                    let hint = view.issuer_hint();
                    assert!(t.try_text(&hint).is_some(), "{hint}");
                }
            }
        }
        assert_eq!(KindView::of(Kind::Saml).available, cfg!(feature = "saml"));
        assert!(KindView::of(Kind::Saml).open_to(false) == cfg!(feature = "saml"));
        let ldap = KindView::of(Kind::Ldap);
        assert!(ldap.open_to(true) && !ldap.open_to(false));
        assert!(KindView::of(Kind::Oidc).open_to(false));
        assert_eq!(KindView::parse("entra").map(|k| k.icon), Some("microsoft"));
    }
}
