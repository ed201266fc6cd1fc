//! [`Chrome`]: what every console page's frame shows (navigation, who is
//! signed in, the CSRF token of its forms, the flash message of the last
//! action). Flash messages travel as `?notice=KEY` / `?error=KEY` and only
//! ever show catalogue text (`admin.notice.KEY`, `admin.error.KEY`), so a
//! crafted link cannot put words on the page.

use crate::i18n::Tr;

/// The frame of a console page.
#[derive(Debug, Clone)]
pub struct Chrome {
    /// The messages of the page language.
    pub t: Tr,
    /// The navigation entry to highlight (`dashboard`, `users`, …).
    pub section: &'static str,
    pub csrf_token: String,
    /// The signed-in administrator's address.
    pub user_email: String,
    /// Whether the caller reaches everything (a superuser).
    pub global: bool,
    /// Whether the caller may change things (not an auditor).
    pub writer: bool,
    /// The flash message of the last action, if any.
    pub notice: Option<&'static str>,
    pub error: Option<&'static str>,
}

/// One navigation entry: section, path, message key.
pub struct NavItem {
    pub section: &'static str,
    pub href: &'static str,
    pub label: &'static str,
    /// Shown to superusers only.
    pub global_only: bool,
}

const NAV: &[NavItem] = &[
    NavItem {
        section: "dashboard",
        href: "/admin",
        label: "admin.nav.dashboard",
        global_only: false,
    },
    NavItem {
        section: "users",
        href: "/admin/users",
        label: "admin.nav.users",
        global_only: false,
    },
    NavItem {
        section: "organizations",
        href: "/admin/organizations",
        label: "admin.nav.organizations",
        global_only: false,
    },
    NavItem {
        section: "applications",
        href: "/admin/applications",
        label: "admin.nav.applications",
        global_only: false,
    },
    NavItem {
        section: "providers",
        href: "/admin/providers",
        label: "admin.nav.providers",
        global_only: false,
    },
    NavItem {
        section: "mfa-policies",
        href: "/admin/mfa-policies",
        label: "admin.nav.mfa_policies",
        global_only: false,
    },
    NavItem {
        section: "signing-keys",
        href: "/admin/signing-keys",
        label: "admin.nav.signing_keys",
        global_only: true,
    },
    NavItem {
        section: "api-keys",
        href: "/admin/api-keys",
        label: "admin.nav.api_keys",
        global_only: false,
    },
    NavItem {
        section: "webhooks",
        href: "/admin/webhooks",
        label: "admin.nav.webhooks",
        global_only: false,
    },
    NavItem {
        section: "audit",
        href: "/admin/audit",
        label: "admin.nav.audit",
        global_only: false,
    },
    NavItem {
        section: "alerts",
        href: "/admin/alerts",
        label: "admin.nav.alerts",
        global_only: true,
    },
    NavItem {
        section: "branding",
        href: "/admin/branding",
        label: "admin.nav.branding",
        global_only: false,
    },
];

impl Chrome {
    /// The navigation entries this caller sees.
    pub fn nav(&self) -> Vec<&'static NavItem> {
        NAV.iter()
            .filter(|item| self.global || !item.global_only)
            .collect()
    }

    /// Read `notice` and `error` from a query string.
    pub fn with_flash(mut self, query: &str) -> Self {
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let found = |prefix: &str| {
                (value.len() <= 64)
                    .then(|| self.t.try_text(&format!("{prefix}{value}")))
                    .flatten()
            };
            match key.as_ref() {
                "notice" => self.notice = found("admin.notice."),
                "error" => self.error = found("admin.error."),
                _ => {}
            }
        }
        self
    }
}
