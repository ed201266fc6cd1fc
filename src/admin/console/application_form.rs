//! The application form of the console (the wizard's second step and an
//! application's settings): what it posts ([`AppForm`]), turned into the
//! [`ClientSpec`] or [`ClientPatch`] the clients service validates — the
//! console checks nothing itself — and what it shows again
//! ([`FormState`]: the values and the field the service refused).

use serde::Deserialize;

use crate::admin::console::application_kind::Kind;
use crate::domain::OrganizationId;
use crate::oidc::clients::ClientSpec;
use crate::oidc::clients::admin::ClientPatch;
use crate::oidc::clients::spec::{self, Invalid};
use crate::oidc::clients::view::ClientView;
use crate::oidc::grant;

/// The form as posted. A field the form did not show is `None` (left as
/// it is on update); checkboxes come with a `…_shown` marker so that an
/// unticked box is told apart from one not offered.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AppForm {
    #[serde(default)]
    pub csrf_token: String,
    pub kind: Option<String>,
    pub name: Option<String>,
    pub client_id: Option<String>,
    pub organization_id: Option<String>,
    pub redirect_uris: Option<String>,
    pub post_logout_redirect_uris: Option<String>,
    pub allowed_origins: Option<String>,
    pub scopes: Option<String>,
    pub audiences: Option<String>,
    pub token_endpoint_auth_method: Option<String>,
    pub jwks: Option<String>,
    pub jwks_uri: Option<String>,
    pub id_token_signed_response_alg: Option<String>,
    pub access_token_signed_response_alg: Option<String>,
    pub consent_shown: Option<String>,
    pub skip_consent: Option<String>,
    pub pkce_shown: Option<String>,
    pub require_pkce: Option<String>,
    pub par_shown: Option<String>,
    pub require_par: Option<String>,
    pub dpop_shown: Option<String>,
    pub dpop_bound: Option<String>,
    pub backchannel_logout_uri: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    pub grants_shown: Option<String>,
    pub grant_authorization_code: Option<String>,
    pub grant_refresh_token: Option<String>,
    pub grant_client_credentials: Option<String>,
    pub grant_device_code: Option<String>,
    pub grant_token_exchange: Option<String>,
}

crate::csrf_field!(AppForm);

/// One entry per line (blank lines dropped).
fn lines(raw: &str) -> Vec<String> {
    raw.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Entries separated by spaces or lines (scopes).
fn words(raw: &str) -> Vec<String> {
    raw.split_whitespace().map(str::to_owned).collect()
}

/// A one-line value; empty is none.
fn text(raw: &Option<String>) -> Option<String> {
    raw.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// An optional setting the form shows: `Some(None)` clears it.
fn clearable(raw: &Option<String>) -> Option<Option<String>> {
    raw.as_ref().map(|_| text(raw))
}

impl AppForm {
    /// The kind the wizard chose.
    pub fn kind(&self) -> Option<Kind> {
        self.kind.as_deref().and_then(Kind::parse)
    }

    fn algs(
        &self,
    ) -> Result<
        (
            Option<crate::crypto::signing::Alg>,
            Option<crate::crypto::signing::Alg>,
        ),
        Invalid,
    > {
        Ok((
            spec::alg(
                "id_token_signed_response_alg",
                text(&self.id_token_signed_response_alg).as_deref(),
            )?,
            spec::alg(
                "access_token_signed_response_alg",
                text(&self.access_token_signed_response_alg).as_deref(),
            )?,
        ))
    }

    /// The PKCE box, when the form showed it.
    fn pkce(&self) -> Option<bool> {
        self.pkce_shown
            .as_ref()
            .map(|_| self.require_pkce.is_some())
    }

    /// The pushed-requests box, when the form showed it.
    fn par(&self) -> Option<bool> {
        self.par_shown.as_ref().map(|_| self.require_par.is_some())
    }

    /// The DPoP box, when the form showed it.
    fn dpop(&self) -> Option<bool> {
        self.dpop_shown.as_ref().map(|_| self.dpop_bound.is_some())
    }

    fn consent(&self) -> Option<String> {
        self.consent_shown.as_ref().map(|_| {
            if self.skip_consent.is_some() {
                "skip"
            } else {
                "required"
            }
            .to_owned()
        })
    }

    /// The ticked grants, when the form offered them.
    fn grants(&self) -> Option<Vec<String>> {
        self.grants_shown.as_ref().map(|_| {
            [
                (&self.grant_authorization_code, grant::AUTHORIZATION_CODE),
                (&self.grant_refresh_token, grant::REFRESH_TOKEN),
                (&self.grant_client_credentials, grant::CLIENT_CREDENTIALS),
                (&self.grant_device_code, grant::DEVICE_CODE),
                (&self.grant_token_exchange, grant::TOKEN_EXCHANGE),
            ]
            .into_iter()
            .filter(|(ticked, _)| ticked.is_some())
            .map(|(_, g)| g.to_owned())
            .collect()
        })
    }

    /// A new client of `kind`: the kind's grants and secret (or none), the
    /// rest as filled in.
    pub fn spec(&self, kind: Kind) -> Result<ClientSpec, Invalid> {
        let (id_alg, access_alg) = self.algs()?;
        let list = |raw: &Option<String>| raw.as_deref().map(lines).unwrap_or_default();
        Ok(ClientSpec {
            name: self.name.clone().unwrap_or_default(),
            id: text(&self.client_id),
            public: kind.public(),
            redirect_uris: list(&self.redirect_uris),
            post_logout_redirect_uris: list(&self.post_logout_redirect_uris),
            grant_types: kind.grants(),
            scopes: self.scopes.as_deref().map(words).unwrap_or_default(),
            backchannel_logout_uri: text(&self.backchannel_logout_uri),
            token_endpoint_auth_method: if kind.public() {
                None
            } else {
                text(&self.token_endpoint_auth_method)
            },
            jwks: text(&self.jwks),
            id_token_signed_response_alg: id_alg,
            access_token_signed_response_alg: access_alg,
            consent: self.consent(),
            logo_uri: text(&self.logo_uri),
            policy_uri: text(&self.policy_uri),
            tos_uri: text(&self.tos_uri),
            audiences: list(&self.audiences),
            allowed_origins: list(&self.allowed_origins),
            organization_id: text(&self.organization_id).map(OrganizationId::from),
            require_pkce: kind.public() || self.pkce().unwrap_or(false),
            require_par: self.par().unwrap_or(false),
            jwks_uri: text(&self.jwks_uri),
            // Set through the CLI or the admin API.
            request_object_signing_alg: None,
            require_signed_request_object: false,
            dynamically_registered: false,
            dpop_bound_access_tokens: self.dpop().unwrap_or(false),
            // Set through the CLI or the admin API (not on this form yet).
            subject_type: None,
            sector_identifier_uri: None,
        })
    }

    /// Changes to a client: every field the form showed.
    pub fn patch(&self) -> Result<ClientPatch, Invalid> {
        let (id_alg, access_alg) = self.algs()?;
        let list = |raw: &Option<String>| raw.as_deref().map(lines);
        Ok(ClientPatch {
            name: self.name.clone(),
            redirect_uris: list(&self.redirect_uris),
            post_logout_redirect_uris: list(&self.post_logout_redirect_uris),
            grant_types: self.grants(),
            scopes: self.scopes.as_deref().map(words),
            backchannel_logout_uri: clearable(&self.backchannel_logout_uri),
            token_endpoint_auth_method: text(&self.token_endpoint_auth_method),
            jwks: clearable(&self.jwks),
            id_token_signed_response_alg: id_alg,
            access_token_signed_response_alg: access_alg,
            consent: self.consent(),
            logo_uri: clearable(&self.logo_uri),
            policy_uri: clearable(&self.policy_uri),
            tos_uri: clearable(&self.tos_uri),
            audiences: list(&self.audiences),
            allowed_origins: list(&self.allowed_origins),
            require_pkce: self.pkce(),
            require_par: self.par(),
            jwks_uri: clearable(&self.jwks_uri),
            request_object_signing_alg: None,
            require_signed_request_object: None,
            dpop_bound_access_tokens: self.dpop(),
            subject_type: None,
            sector_identifier_uri: None,
        })
    }
}

/// The values a form shows.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub name: String,
    pub client_id: String,
    pub organization_id: String,
    pub redirect_uris: String,
    pub post_logout_redirect_uris: String,
    pub allowed_origins: String,
    pub scopes: String,
    pub audiences: String,
    pub token_endpoint_auth_method: String,
    pub jwks: String,
    pub jwks_uri: String,
    pub id_token_signed_response_alg: String,
    pub access_token_signed_response_alg: String,
    pub skip_consent: bool,
    /// PKCE required (always for public clients).
    pub require_pkce: bool,
    /// Authorization requests only through `/par`.
    pub require_par: bool,
    /// Token requests only with a DPoP proof.
    pub dpop_bound: bool,
    pub backchannel_logout_uri: String,
    pub logo_uri: String,
    pub policy_uri: String,
    pub tos_uri: String,
    pub grants: Vec<String>,
}

impl Fields {
    /// A client's settings.
    pub fn of(view: &ClientView) -> Self {
        Self {
            name: view.name.clone(),
            client_id: view.client_id.clone(),
            organization_id: view.organization_id.clone().unwrap_or_default(),
            redirect_uris: view.redirect_uris.join("\n"),
            post_logout_redirect_uris: view.post_logout_redirect_uris.join("\n"),
            allowed_origins: view.allowed_origins.join("\n"),
            scopes: view.scopes.join(" "),
            audiences: view.audiences.join("\n"),
            token_endpoint_auth_method: view.token_endpoint_auth_method.clone(),
            jwks: view
                .jwks
                .as_ref()
                .and_then(|j| serde_json::to_string_pretty(j).ok())
                .unwrap_or_default(),
            jwks_uri: view.jwks_uri.clone().unwrap_or_default(),
            id_token_signed_response_alg: view.id_token_signed_response_alg.clone(),
            access_token_signed_response_alg: view.access_token_signed_response_alg.clone(),
            skip_consent: view.consent == "skip",
            require_pkce: view.require_pkce,
            require_par: view.require_pushed_authorization_requests,
            dpop_bound: view.dpop_bound_access_tokens,
            backchannel_logout_uri: view.backchannel_logout_uri.clone().unwrap_or_default(),
            logo_uri: view.logo_uri.clone().unwrap_or_default(),
            policy_uri: view.policy_uri.clone().unwrap_or_default(),
            tos_uri: view.tos_uri.clone().unwrap_or_default(),
            grants: view.grant_types.clone(),
        }
    }

    /// A new client of `kind` (in an organization caller's only
    /// organization, when it has one).
    pub fn new(kind: Kind, organization_id: Option<String>) -> Self {
        Self {
            organization_id: organization_id.unwrap_or_default(),
            grants: kind.grants(),
            // RFC 9700 2.1.1: PKCE for every client that uses codes.
            require_pkce: kind.grants().iter().any(|g| g == grant::AUTHORIZATION_CODE),
            ..Self::default()
        }
    }

    /// What was posted, to show it again.
    pub fn posted(form: &AppForm) -> Self {
        let v = |raw: &Option<String>| raw.clone().unwrap_or_default();
        Self {
            name: v(&form.name),
            client_id: v(&form.client_id),
            organization_id: v(&form.organization_id),
            redirect_uris: v(&form.redirect_uris),
            post_logout_redirect_uris: v(&form.post_logout_redirect_uris),
            allowed_origins: v(&form.allowed_origins),
            scopes: v(&form.scopes),
            audiences: v(&form.audiences),
            token_endpoint_auth_method: v(&form.token_endpoint_auth_method),
            jwks: v(&form.jwks),
            jwks_uri: v(&form.jwks_uri),
            id_token_signed_response_alg: v(&form.id_token_signed_response_alg),
            access_token_signed_response_alg: v(&form.access_token_signed_response_alg),
            skip_consent: form.skip_consent.is_some(),
            require_pkce: form.require_pkce.is_some(),
            require_par: form.require_par.is_some(),
            dpop_bound: form.dpop_bound.is_some(),
            backchannel_logout_uri: v(&form.backchannel_logout_uri),
            logo_uri: v(&form.logo_uri),
            policy_uri: v(&form.policy_uri),
            tos_uri: v(&form.tos_uri),
            grants: form.grants().unwrap_or_default(),
        }
    }

    pub fn has_grant(&self, grant: &str) -> bool {
        self.grants.iter().any(|g| g == grant)
    }
}

/// A grant the settings offer: its name, checkbox and message key.
pub struct GrantOption {
    pub name: &'static str,
    pub field: &'static str,
    pub label: &'static str,
}

pub const GRANTS: [GrantOption; 5] = [
    GrantOption {
        name: grant::AUTHORIZATION_CODE,
        field: "grant_authorization_code",
        label: "admin.applications.grant.authorization_code",
    },
    GrantOption {
        name: grant::REFRESH_TOKEN,
        field: "grant_refresh_token",
        label: "admin.applications.grant.refresh_token",
    },
    GrantOption {
        name: grant::CLIENT_CREDENTIALS,
        field: "grant_client_credentials",
        label: "admin.applications.grant.client_credentials",
    },
    GrantOption {
        name: grant::DEVICE_CODE,
        field: "grant_device_code",
        label: "admin.applications.grant.device_code",
    },
    GrantOption {
        name: grant::TOKEN_EXCHANGE,
        field: "grant_token_exchange",
        label: "admin.applications.grant.token_exchange",
    },
];

/// Fields under "Advanced settings" (opened when one of them is refused).
const ADVANCED: [&str; 13] = [
    "client_id",
    "scopes",
    "audiences",
    "token_endpoint_auth_method",
    "jwks",
    "jwks_uri",
    "id_token_signed_response_alg",
    "access_token_signed_response_alg",
    "backchannel_logout_uri",
    "logo_uri",
    "policy_uri",
    "tos_uri",
    "grant_types",
];

/// Each setting's input on the page and its label, for the error summary
/// above a refused form (a link to the field).
const LABELS: [(&str, &str, &str); 19] = [
    ("name", "app-name", "admin.applications.name"),
    ("client_id", "app-client-id", "admin.applications.client_id"),
    (
        "organization_id",
        "app-org",
        "admin.applications.organization",
    ),
    (
        "redirect_uris",
        "app-redirects",
        "admin.applications.redirect_uris",
    ),
    (
        "post_logout_redirect_uris",
        "app-logout",
        "admin.applications.post_logout_uris",
    ),
    (
        "allowed_origins",
        "app-origins",
        "admin.applications.allowed_origins",
    ),
    ("scopes", "app-scopes", "admin.applications.scopes"),
    ("audiences", "app-audiences", "admin.applications.audiences"),
    (
        "token_endpoint_auth_method",
        "app-method",
        "admin.applications.auth_method",
    ),
    ("jwks", "app-jwks", "admin.applications.jwks"),
    ("jwks_uri", "app-jwks-uri", "admin.applications.jwks_uri"),
    (
        "id_token_signed_response_alg",
        "app-id-alg",
        "admin.applications.id_token_alg",
    ),
    (
        "access_token_signed_response_alg",
        "app-at-alg",
        "admin.applications.access_token_alg",
    ),
    ("consent", "app-consent", "admin.applications.skip_consent"),
    (
        "backchannel_logout_uri",
        "app-backchannel",
        "admin.applications.backchannel_logout_uri",
    ),
    ("logo_uri", "app-logo", "admin.applications.logo_uri"),
    ("policy_uri", "app-policy", "admin.applications.policy_uri"),
    ("tos_uri", "app-tos", "admin.applications.tos_uri"),
    ("grant_types", "app-grants", "admin.applications.grants"),
];

/// What the error summary above a refused form says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary<'a> {
    /// The id of the field's input.
    pub anchor: &'static str,
    /// The message key of its label.
    pub label: &'static str,
    pub message: &'a str,
}

/// A form on a page: its values and the setting refused, if any.
#[derive(Debug, Clone)]
pub struct FormState {
    pub fields: Fields,
    pub invalid: Option<Invalid>,
}

impl FormState {
    pub fn new(fields: Fields) -> Self {
        Self {
            fields,
            invalid: None,
        }
    }

    pub fn refused(fields: Fields, invalid: Invalid) -> Self {
        Self {
            fields,
            invalid: Some(invalid),
        }
    }

    /// Why `field` was refused.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.invalid
            .as_ref()
            .filter(|i| i.field == field)
            .map(|i| i.message.as_str())
    }

    /// `aria-invalid` of `field`'s input.
    pub fn invalid_attr(&self, field: &str) -> &'static str {
        if self.error(field).is_some() {
            "true"
        } else {
            "false"
        }
    }

    /// The refused setting, its label and a link to its field.
    pub fn summary(&self) -> Option<Summary<'_>> {
        let invalid = self.invalid.as_ref()?;
        let (anchor, label) = LABELS
            .iter()
            .find(|(field, _, _)| *field == invalid.field)
            .map_or(("main", "admin.applications.settings"), |(_, a, l)| {
                (*a, *l)
            });
        Some(Summary {
            anchor,
            label,
            message: &invalid.message,
        })
    }

    /// Whether "Advanced settings" starts open.
    pub fn advanced_open(&self) -> bool {
        self.invalid
            .as_ref()
            .is_some_and(|i| ADVANCED.contains(&i.field))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> AppForm {
        AppForm {
            name: Some("  Wiki ".into()),
            redirect_uris: Some("https://a.example/cb\r\n\r\n  https://b.example/cb \n".into()),
            scopes: Some("openid  profile\nemail".into()),
            consent_shown: Some("1".into()),
            ..AppForm::default()
        }
    }

    #[test]
    fn a_new_client_takes_the_kinds_grants_and_the_filled_in_rest() {
        let spec = form().spec(Kind::Spa).unwrap();
        assert!(spec.public);
        assert_eq!(spec.grant_types, Kind::Spa.grants());
        assert_eq!(
            spec.redirect_uris,
            ["https://a.example/cb", "https://b.example/cb"]
        );
        assert_eq!(spec.scopes, ["openid", "profile", "email"]);
        assert_eq!(spec.consent.as_deref(), Some("required"));
        assert_eq!(spec.token_endpoint_auth_method, None);
        let mut f = form();
        f.skip_consent = Some("skip".into());
        f.token_endpoint_auth_method = Some("client_secret_post".into());
        let spec = f.spec(Kind::Web).unwrap();
        assert!(!spec.public);
        assert_eq!(spec.consent.as_deref(), Some("skip"));
        assert_eq!(
            spec.token_endpoint_auth_method.as_deref(),
            Some("client_secret_post")
        );
    }

    #[test]
    fn a_patch_changes_only_what_the_form_showed() {
        let mut f = form();
        f.logo_uri = Some(" ".into());
        let patch = f.patch().unwrap();
        assert_eq!(patch.logo_uri, Some(None));
        assert_eq!(patch.policy_uri, None);
        assert_eq!(patch.grant_types, None);
        assert_eq!(patch.allowed_origins, None);
        f.grants_shown = Some("1".into());
        f.grant_client_credentials = Some("on".into());
        assert_eq!(
            f.patch().unwrap().grant_types,
            Some(vec![grant::CLIENT_CREDENTIALS.to_owned()])
        );
    }

    #[test]
    fn an_unknown_algorithm_is_refused_by_field() {
        let mut f = form();
        f.access_token_signed_response_alg = Some("HS256".into());
        assert_eq!(
            f.spec(Kind::Web).unwrap_err().field,
            "access_token_signed_response_alg"
        );
        let state = FormState::refused(Fields::posted(&f), f.patch().unwrap_err());
        assert!(state.advanced_open());
        assert_eq!(
            state.invalid_attr("access_token_signed_response_alg"),
            "true"
        );
        assert_eq!(state.invalid_attr("name"), "false");
    }
}
