//! The provider form of the wizard and of a provider's page: what it
//! posts, how that becomes a `federation::spec::ProviderSpec` (the same
//! spec the admin API and the CLI fill in, checked by the same registry),
//! and how the registry's refusals become messages next to the fields.
//!
//! Email domains and trusted email are for callers of global reach
//! (SR-100). Their inputs are only shown to them, and the form says so
//! with `privileged=1`: without it the provider's current domains and
//! trust are kept; with it they are passed on, and the registry refuses
//! them from anyone else.

use serde::Deserialize;

use crate::admin::console::provider_kinds::KindView;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::federation::group_roles::{self, GroupRoleSpec, GroupRoleView, Problem};
use crate::federation::ldap::settings::{self as ldap_settings, LdapSettings, LdapSpec};
use crate::federation::registry::{ProviderView, Refusal};
use crate::federation::saml_settings::SamlSettings;
use crate::federation::spec::ProviderSpec;

/// What the provider form posts (a checkbox is present when ticked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProviderForm {
    #[serde(default)]
    pub csrf_token: String,
    /// The wizard's: the kind and the id its callback URL was shown with.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub provider_id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub button_label: String,
    #[serde(default)]
    pub organization_id: String,
    /// Set by the form of a caller of global reach: `domains` and
    /// `trust_email` are in it.
    #[serde(default)]
    pub privileged: Option<String>,
    /// Separated by spaces, commas or lines.
    #[serde(default)]
    pub domains: String,
    #[serde(default)]
    pub trust_email: Option<String>,
    #[serde(default)]
    pub jit: Option<String>,
    #[serde(default)]
    pub allow_local_passwords: Option<String>,
    #[serde(default)]
    pub keep_tokens: Option<String>,
    #[serde(default)]
    pub enabled: Option<String>,
    /// Accept the upstream's own MFA for this kind (wizard, global reach).
    #[serde(default)]
    pub accept_mfa: Option<String>,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub client_id: String,
    /// Empty: none (wizard) or keep the stored one (page).
    #[serde(default)]
    pub client_secret: String,
    /// Separated by spaces.
    #[serde(default)]
    pub scopes: String,
    #[serde(default)]
    pub hosted_domain: String,
    #[serde(default)]
    pub tenant: String,
    #[serde(default)]
    pub authority_url: String,
    #[serde(default)]
    pub api_url: String,
    #[serde(default)]
    pub web_url: String,
    #[serde(default)]
    pub token_endpoint_auth_method: String,
    /// LDAP: the directory's address (`ldap://` or `ldaps://`).
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub starttls: Option<String>,
    #[serde(default)]
    pub allow_plaintext: Option<String>,
    #[serde(default)]
    pub bind_dn: String,
    /// Write-only, like the client secret: empty keeps the stored one.
    #[serde(default)]
    pub bind_password: String,
    #[serde(default)]
    pub user_base_dn: String,
    #[serde(default)]
    pub user_filter: String,
    #[serde(default)]
    pub user_dn_template: String,
    #[serde(default)]
    pub group_base_dn: String,
    #[serde(default)]
    pub active_directory: Option<String>,
    #[serde(default)]
    pub ca_file: String,
    /// SAML: where the IdP publishes its metadata (a new one on a
    /// provider's page replaces the stored metadata).
    #[serde(default)]
    pub metadata_url: String,
    /// SAML: the IdP metadata document, pasted or loaded from a file by
    /// the page's script (never shown back: the stored one is not).
    #[serde(default)]
    pub metadata_xml: String,
    /// SAML (wizard): entra, okta, adfs, google or empty.
    #[serde(default)]
    pub saml_preset: String,
    #[serde(default)]
    pub attribute_email: String,
    #[serde(default)]
    pub attribute_name: String,
    #[serde(default)]
    pub attribute_groups: String,
    /// SAML: accept IdP-initiated sign-in (a checkbox: absent is off).
    pub allow_idp_initiated: Option<String>,
    /// Group → role rules, one a line: `group = organization:role`.
    #[serde(default)]
    pub group_roles: String,
}

crate::csrf_field!(ProviderForm);

fn text(value: &str) -> Option<String> {
    let v = value.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

fn list(value: &str, separators: &[char]) -> Vec<String> {
    value
        .split(|c: char| c.is_whitespace() || separators.contains(&c))
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl ProviderForm {
    /// The form of a new provider: every kind's defaults (signs in, creates
    /// users on first sign-in).
    pub fn new_for(kind: &KindView, provider_id: String) -> Self {
        Self {
            kind: kind.slug.to_owned(),
            provider_id,
            jit: Some("on".into()),
            enabled: Some("on".into()),
            // The filter the service applies when none is given.
            user_filter: if kind.is_ldap() {
                ldap_settings::default_filter(false).to_owned()
            } else {
                String::new()
            },
            ..Self::default()
        }
    }

    /// The form showing a stored provider (never its secret).
    pub fn of(view: &ProviderView) -> Self {
        let s = &view.settings;
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            kind: view.kind.as_str().to_owned(),
            provider_id: view.id.clone(),
            name: view.name.clone(),
            button_label: view.button_label.clone().unwrap_or_default(),
            organization_id: view.organization_id.clone().unwrap_or_default(),
            domains: view.domains.join("\n"),
            trust_email: on(view.trust_email),
            jit: on(view.jit),
            allow_local_passwords: on(view.allow_local_passwords),
            keep_tokens: on(view.keep_tokens),
            enabled: on(view.enabled),
            issuer: s.issuer.clone().unwrap_or_default(),
            client_id: s.client_id.clone(),
            scopes: s.scopes.join(" "),
            hosted_domain: s.hosted_domain.clone().unwrap_or_default(),
            tenant: s.tenant.clone().unwrap_or_default(),
            authority_url: s.authority_url.clone().unwrap_or_default(),
            api_url: s.api_url.clone().unwrap_or_default(),
            web_url: s.web_url.clone().unwrap_or_default(),
            token_endpoint_auth_method: s.token_endpoint_auth_method.clone(),
            group_roles: view
                .group_roles
                .iter()
                .map(GroupRoleView::line)
                .collect::<Vec<_>>()
                .join("\n"),
            ..Self::default()
        }
        .with_directory(s.ldap.as_ref())
        .with_saml(s.saml.as_ref())
    }

    /// A SAML provider's metadata URL and attribute names shown.
    fn with_saml(self, saml: Option<&SamlSettings>) -> Self {
        let Some(s) = saml else { return self };
        let shown = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            metadata_url: shown(&s.metadata_url),
            saml_preset: shown(&s.preset),
            attribute_email: shown(&s.attribute_email),
            attribute_name: shown(&s.attribute_name),
            attribute_groups: shown(&s.attribute_groups),
            allow_idp_initiated: s.allow_idp_initiated.then(|| "on".to_owned()),
            ..self
        }
    }

    /// The SAML preset typed in, if any.
    pub fn preset(&self) -> Option<String> {
        text(&self.saml_preset)
    }

    /// Whether `preset` is the form's.
    pub fn is_preset(&self, preset: &str) -> bool {
        self.saml_preset == preset
    }

    /// The attribute names typed in (email, name, groups).
    pub fn attributes(&self) -> [Option<String>; 3] {
        [
            text(&self.attribute_email),
            text(&self.attribute_name),
            text(&self.attribute_groups),
        ]
    }

    /// The directory's settings shown (never its bind password).
    fn with_directory(self, ldap: Option<&LdapSettings>) -> Self {
        let Some(l) = ldap else { return self };
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            url: l.url.clone(),
            starttls: on(l.starttls),
            allow_plaintext: on(l.allow_plaintext),
            bind_dn: l.bind_dn.clone().unwrap_or_default(),
            user_base_dn: l.user_base_dn.clone().unwrap_or_default(),
            user_filter: l.user_filter.clone(),
            user_dn_template: l.user_dn_template.clone().unwrap_or_default(),
            group_base_dn: l.group_base_dn.clone().unwrap_or_default(),
            active_directory: on(l.active_directory),
            ca_file: l.ca_file.clone().unwrap_or_default(),
            ..self
        }
    }

    /// What the directory fields say, for the service to check. A filter
    /// left at one of the service's defaults is not sent: the service
    /// applies the default of the Active Directory switch.
    fn directory(&self) -> LdapSpec {
        let active_directory = self.active_directory.is_some();
        let user_filter = text(&self.user_filter).filter(|f| {
            f != ldap_settings::default_filter(false) && f != ldap_settings::default_filter(true)
        });
        LdapSpec {
            url: text(&self.url),
            starttls: self.starttls.is_some(),
            bind_dn: text(&self.bind_dn),
            user_base_dn: text(&self.user_base_dn),
            user_filter,
            user_dn_template: text(&self.user_dn_template),
            group_base_dn: text(&self.group_base_dn),
            active_directory,
            ca_file: text(&self.ca_file),
            allow_plaintext: self.allow_plaintext.is_some(),
        }
    }

    /// Forget what was typed into the write-only fields (a refused form
    /// is shown again without them).
    pub fn forget_secrets(&mut self) {
        self.client_secret.clear();
        self.bind_password.clear();
    }

    /// The spec of a new provider of `kind`.
    pub fn spec(&self, kind: &KindView) -> ProviderSpec {
        let mut spec = ProviderSpec::default();
        self.apply(kind, &mut spec);
        spec
    }

    /// Put what the form says into `spec` (a stored provider's, to change
    /// it): the kind's own fields, the flags, and domains and trusted email
    /// only when the form carried them.
    pub fn apply(&self, kind: &KindView, spec: &mut ProviderSpec) {
        spec.name = self.name.trim().to_owned();
        spec.button_label = text(&self.button_label);
        spec.organization = None;
        spec.organization_id = text(&self.organization_id).map(OrganizationId::from);
        if self.privileged.is_some() {
            spec.domains = list(&self.domains, &[',', ';']);
            spec.trust_email = self.trust_email.is_some();
        }
        spec.jit = self.jit.is_some();
        spec.allow_local_passwords = self.allow_local_passwords.is_some();
        spec.keep_tokens = self.keep_tokens.is_some();
        spec.enabled = self.enabled.is_some();
        spec.client_id = text(&self.client_id);
        if kind.has_issuer() {
            spec.issuer = text(&self.issuer);
        }
        if kind.has_hosted_domain() {
            spec.hosted_domain = text(&self.hosted_domain);
        }
        if kind.has_tenant() {
            spec.tenant = text(&self.tenant);
            spec.authority_url = text(&self.authority_url);
        }
        if kind.has_enterprise_urls() {
            spec.api_url = text(&self.api_url);
            spec.web_url = text(&self.web_url);
        }
        if kind.has_scopes() {
            spec.scopes = list(&self.scopes, &[]);
            spec.token_endpoint_auth_method = text(&self.token_endpoint_auth_method);
        }
        if kind.is_ldap() {
            spec.ldap = self.directory();
        }
        if kind.is_saml() {
            // A SAML provider has no client: its attribute names are the
            // form's (empty: the usual attributes).
            spec.client_id = None;
            if let Some(s) = spec.saml.as_mut() {
                [s.attribute_email, s.attribute_name, s.attribute_groups] = self.attributes();
                s.allow_idp_initiated = self.allow_idp_initiated.is_some();
            }
        }
        spec.group_roles = self.rules();
    }

    /// The rules' lines (blank ones skipped). A line that is not
    /// `group = organization:role` names no organization, which the
    /// service refuses for that line.
    fn rules(&self) -> Vec<GroupRoleSpec> {
        self.group_roles
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|line| {
                group_roles::parse(line).unwrap_or_else(|_| GroupRoleSpec {
                    group: line.to_owned(),
                    ..GroupRoleSpec::default()
                })
            })
            .collect()
    }

    /// The line number (from 1) of the rule at `index` (blank lines count).
    pub fn rule_line(&self, index: usize) -> usize {
        self.group_roles
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .nth(index)
            .map_or(index + 1, |(n, _)| n + 1)
    }

    /// The secret typed in for `kind`, if any (LDAP: the bind password).
    pub fn secret(&self, kind: &KindView) -> Option<String> {
        let typed = if kind.is_ldap() {
            &self.bind_password
        } else {
            &self.client_secret
        };
        (!typed.is_empty()).then(|| typed.clone())
    }

    pub fn checked(&self, name: &str) -> bool {
        match name {
            "trust_email" => self.trust_email.is_some(),
            "jit" => self.jit.is_some(),
            "allow_local_passwords" => self.allow_local_passwords.is_some(),
            "keep_tokens" => self.keep_tokens.is_some(),
            "enabled" => self.enabled.is_some(),
            "accept_mfa" => self.accept_mfa.is_some(),
            "allow_idp_initiated" => self.allow_idp_initiated.is_some(),
            "starttls" => self.starttls.is_some(),
            "allow_plaintext" => self.allow_plaintext.is_some(),
            "active_directory" => self.active_directory.is_some(),
            _ => false,
        }
    }
}

/// The fields a refusal can name (each has its message,
/// `admin.providers.invalid.<field>`).
pub const FIELDS: [&str; 34] = [
    "name",
    "button_label",
    "organization_id",
    "domains",
    "trust_email",
    "keep_tokens",
    "issuer",
    "client_id",
    "client_secret",
    "scopes",
    "hosted_domain",
    "tenant",
    "authority_url",
    "api_url",
    "web_url",
    "token_endpoint_auth_method",
    "url",
    "starttls",
    "allow_plaintext",
    "bind_dn",
    "bind_password",
    "user_base_dn",
    "user_filter",
    "user_dn_template",
    "group_base_dn",
    "active_directory",
    "ca_file",
    "metadata_url",
    "metadata_xml",
    "saml_preset",
    "attribute_email",
    "attribute_name",
    "attribute_groups",
    "group_roles",
];

/// What was wrong with a posted form: messages (catalogue keys) by field,
/// and one for the whole form when no field is to blame.
#[derive(Debug, Clone, Default)]
pub struct FieldErrors {
    pub fields: Vec<(&'static str, &'static str)>,
    pub form: Option<&'static str>,
    /// The group → role rule at fault (its index), if one is.
    pub rule: Option<usize>,
}

impl FieldErrors {
    /// The message key for `field`, if it is at fault.
    pub fn of(&self, field: &str) -> Option<&'static str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, key)| *key)
    }

    pub fn any(&self) -> bool {
        !self.fields.is_empty() || self.form.is_some()
    }

    fn field(field: &str, key: &'static str) -> Self {
        match FIELDS.iter().find(|f| **f == field) {
            Some(f) => Self {
                fields: vec![(f, key)],
                form: Some("admin.error.invalid"),
                rule: None,
            },
            None => Self {
                fields: Vec::new(),
                form: Some(key),
                rule: None,
            },
        }
    }

    /// The registry's refusal, next to its field.
    pub fn refusal(refusal: &Refusal) -> Self {
        match refusal {
            Refusal::Invalid { field, .. } => {
                let field = match field.as_str() {
                    "organization" => "organization_id",
                    other => other,
                };
                match FIELDS.iter().find(|f| **f == field) {
                    Some(f) => Self::field(f, invalid_key(f)),
                    None => Self::field("", "admin.providers.invalid.form"),
                }
            }
            Refusal::GroupRole(rule) => Self {
                rule: rule.index,
                ..Self::field("group_roles", rule_key(rule.problem))
            },
            Refusal::Privileged { field, .. } => Self::field(
                field,
                match *field {
                    "domains" => "admin.providers.privileged.domains",
                    "ca_file" => "admin.providers.privileged.ca_file",
                    "kind" => "admin.providers.privileged.kind",
                    _ => "admin.providers.privileged.trust_email",
                },
            ),
        }
    }

    /// A domain another provider claims (the registry's conflict).
    pub fn domain_taken() -> Self {
        Self::field("domains", "admin.providers.invalid.domain_taken")
    }
}

/// The message of a refused group → role rule.
fn rule_key(problem: Problem) -> &'static str {
    match problem {
        Problem::Syntax | Problem::NoOrganization => "admin.providers.group_roles.syntax",
        Problem::Group => "admin.providers.group_roles.group",
        Problem::UnknownOrganization => "admin.providers.group_roles.unknown_organization",
        Problem::OutOfReach => "admin.providers.group_roles.out_of_reach",
        Problem::Role => "admin.providers.group_roles.role",
        Problem::Superuser => "admin.providers.group_roles.superuser",
        Problem::Owner => "admin.providers.group_roles.owner",
        Problem::Duplicate => "admin.providers.group_roles.duplicate",
        Problem::TooMany => "admin.providers.group_roles.too_many",
        Problem::Kept => "admin.providers.group_roles.kept",
    }
}

/// `admin.providers.invalid.<field>` for a field of [`FIELDS`].
fn invalid_key(field: &str) -> &'static str {
    match field {
        "name" => "admin.providers.invalid.name",
        "button_label" => "admin.providers.invalid.button_label",
        "organization_id" => "admin.providers.invalid.organization_id",
        "domains" => "admin.providers.invalid.domains",
        "trust_email" => "admin.providers.invalid.trust_email",
        "issuer" => "admin.providers.invalid.issuer",
        "client_id" => "admin.providers.invalid.client_id",
        "client_secret" => "admin.providers.invalid.client_secret",
        "scopes" => "admin.providers.invalid.scopes",
        "hosted_domain" => "admin.providers.invalid.hosted_domain",
        "tenant" => "admin.providers.invalid.tenant",
        "authority_url" => "admin.providers.invalid.authority_url",
        "api_url" => "admin.providers.invalid.api_url",
        "web_url" => "admin.providers.invalid.web_url",
        "keep_tokens" => "admin.providers.invalid.keep_tokens",
        "url" => "admin.providers.invalid.url",
        "starttls" => "admin.providers.invalid.starttls",
        "allow_plaintext" => "admin.providers.invalid.allow_plaintext",
        "bind_dn" => "admin.providers.invalid.bind_dn",
        "bind_password" => "admin.providers.invalid.bind_password",
        "user_base_dn" => "admin.providers.invalid.user_base_dn",
        "user_filter" => "admin.providers.invalid.user_filter",
        "user_dn_template" => "admin.providers.invalid.user_dn_template",
        "group_base_dn" => "admin.providers.invalid.group_base_dn",
        "active_directory" => "admin.providers.invalid.active_directory",
        "ca_file" => "admin.providers.invalid.ca_file",
        "metadata_url" => "admin.providers.invalid.metadata_url",
        "metadata_xml" => "admin.providers.invalid.metadata_xml",
        "saml_preset" => "admin.providers.invalid.saml_preset",
        "attribute_email" | "attribute_name" | "attribute_groups" => {
            "admin.providers.invalid.attribute"
        }
        "group_roles" => "admin.providers.invalid.group_roles",
        _ => "admin.providers.invalid.token_endpoint_auth_method",
    }
}

/// The outcome of a create or change, for the console: done, or the
/// form's errors and the status to show them with (422; 403 for what
/// only a caller of global reach may set; 409 for a claimed domain).
pub enum Outcome<T> {
    Done(T),
    Refused(actix_web::http::StatusCode, FieldErrors),
}

/// Sort the registry's answer into done and refused.
pub fn outcome<T>(answer: Result<Result<T, Refusal>, AppError>) -> Result<Outcome<T>, AppError> {
    use actix_web::http::StatusCode;
    Ok(match answer {
        Ok(Ok(done)) => Outcome::Done(done),
        Ok(Err(refusal)) => {
            let status = match refusal {
                Refusal::Privileged { .. } => StatusCode::FORBIDDEN,
                Refusal::Invalid { .. } | Refusal::GroupRole(_) => StatusCode::UNPROCESSABLE_ENTITY,
            };
            Outcome::Refused(status, FieldErrors::refusal(&refusal))
        }
        Err(AppError::Conflict(_)) => {
            Outcome::Refused(StatusCode::CONFLICT, FieldErrors::domain_taken())
        }
        Err(e) => return Err(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::Kind;
    use crate::i18n::{Locale, Tr};

    #[test]
    fn the_form_fills_only_its_kinds_fields_and_domains_when_privileged() {
        let form = ProviderForm {
            name: " Corp ".into(),
            issuer: "https://idp.example.com".into(),
            tenant: "common".into(),
            client_id: "rp".into(),
            scopes: "openid  groups".into(),
            domains: "a.example, b.example\nc.example".into(),
            trust_email: Some("on".into()),
            jit: Some("on".into()),
            ..ProviderForm::default()
        };
        let oidc = form.spec(&KindView::of(Kind::Oidc));
        assert_eq!(oidc.name, "Corp");
        assert_eq!(oidc.issuer.as_deref(), Some("https://idp.example.com"));
        assert_eq!(oidc.tenant, None);
        assert_eq!(oidc.scopes, ["openid", "groups"]);
        assert!(oidc.domains.is_empty() && !oidc.trust_email && oidc.jit && !oidc.enabled);
        let privileged = ProviderForm {
            privileged: Some("1".into()),
            ..form.clone()
        };
        let entra = privileged.spec(&KindView::of(Kind::Entra));
        assert_eq!(entra.issuer, None);
        assert_eq!(entra.tenant.as_deref(), Some("common"));
        assert_eq!(entra.domains, ["a.example", "b.example", "c.example"]);
        assert!(entra.trust_email);
    }

    #[test]
    fn a_directory_form_fills_the_ldap_spec_and_its_password_is_the_secret() {
        let ldap = KindView::of(Kind::Ldap);
        let fresh = ProviderForm::new_for(&ldap, "id".into());
        assert_eq!(fresh.user_filter, "(uid={username})");
        let mut form = ProviderForm {
            kind: "ldap".into(),
            name: "Directory".into(),
            url: " ldaps://ldap.example.com ".into(),
            bind_dn: "cn=svc,dc=example,dc=com".into(),
            bind_password: "pw".into(),
            client_secret: "not this".into(),
            user_base_dn: "ou=people,dc=example,dc=com".into(),
            active_directory: Some("on".into()),
            keep_tokens: Some("on".into()),
            ..fresh
        };
        let spec = form.spec(&ldap);
        assert_eq!(spec.ldap.url.as_deref(), Some("ldaps://ldap.example.com"));
        assert!(spec.ldap.active_directory && !spec.ldap.starttls);
        // Left at a default: the service picks the switch's default.
        assert_eq!(spec.ldap.user_filter, None);
        assert_eq!(spec.client_id, None);
        assert_eq!(form.secret(&ldap).as_deref(), Some("pw"));
        let oidc = KindView::of(Kind::Oidc);
        assert_eq!(form.secret(&oidc).as_deref(), Some("not this"));
        form.user_filter = "(mail={username})".into();
        assert_eq!(
            form.spec(&ldap).ldap.user_filter.as_deref(),
            Some("(mail={username})")
        );
        form.forget_secrets();
        assert_eq!(form.secret(&ldap), None);
        assert!(form.client_secret.is_empty());
        // An OIDC form carries no directory settings.
        assert!(form.spec(&KindView::of(Kind::Oidc)).ldap.is_empty());
    }

    #[test]
    fn every_refusal_has_a_message_in_both_languages() {
        for lang in [Locale::En, Locale::De] {
            let t = Tr::new(lang);
            for field in FIELDS.iter().chain(["organization", "id", "kind"].iter()) {
                let errors = FieldErrors::refusal(&Refusal::Invalid {
                    field: (*field).to_owned(),
                    message: String::new(),
                });
                for key in errors.fields.iter().map(|(_, k)| *k).chain(errors.form) {
                    assert!(t.try_text(key).is_some(), "{key}");
                }
            }
            for field in ["domains", "trust_email", "ca_file"] {
                let errors = FieldErrors::refusal(&Refusal::Privileged {
                    field,
                    message: String::new(),
                });
                assert_eq!(
                    errors.of(field).map(|k| t.try_text(k).is_some()),
                    Some(true)
                );
            }
            let kind = FieldErrors::refusal(&Refusal::Privileged {
                field: "kind",
                message: String::new(),
            });
            assert_eq!(kind.form.map(|k| t.try_text(k).is_some()), Some(true));
            assert!(
                FieldErrors::domain_taken()
                    .of("domains")
                    .and_then(|k| t.try_text(k))
                    .is_some()
            );
        }
    }
}
