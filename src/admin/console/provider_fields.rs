//! What the provider form's fields show (`templates/admin/providers/
//! fields.html`, in the wizard and on a provider's page): the form's
//! values and errors, the organizations the caller may choose, and whether
//! the upstream's own MFA is accepted for the kind (S5).

use crate::admin::console::provider_form::{FieldErrors, ProviderForm};
use crate::admin::console::provider_kinds::KindView;
use crate::auth::mfa::admin;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs;

/// How many organizations the form offers (by creation time).
const MAX_ORGANIZATIONS: i64 = 200;

/// The provider form's fields as shown.
#[derive(Debug, Clone)]
pub struct FieldsView {
    pub kind: KindView,
    pub form: ProviderForm,
    pub errors: FieldErrors,
    /// The caller reaches everything: domains and trusted email are open.
    pub global: bool,
    /// (id, name) of the organizations the provider may belong to.
    pub organizations: Vec<(String, String)>,
    /// Sign-ins through this kind of upstream may count its own MFA.
    pub mfa_accepted: bool,
    /// A new provider (the wizard), else a stored one.
    pub creating: bool,
    /// The stored provider has a client secret.
    pub has_secret: bool,
}

impl FieldsView {
    /// The fields of `form` for a caller reaching `reach` (`None`:
    /// everything).
    pub async fn load(
        state: &AppState,
        reach: Option<Vec<OrganizationId>>,
        kind: KindView,
        form: ProviderForm,
        errors: FieldErrors,
        creating: bool,
        has_secret: bool,
    ) -> Result<Self, AppError> {
        let global = reach.is_none();
        let current = (!form.organization_id.is_empty())
            .then(|| OrganizationId::from(form.organization_id.clone()));
        let upstream = kind.kind.upstream_type();
        let (organizations, mfa_accepted) = state
            .db
            .run(move |conn| {
                let ids = reach.as_deref();
                let mut found = orgs::page(conn, ids, None, None, MAX_ORGANIZATIONS)?;
                if let Some(id) = current
                    && !found.iter().any(|o| o.id == id)
                    && let Some(org) = orgs::find_in(conn, ids, &id)?
                {
                    found.push(org);
                }
                let accepted = admin::list(conn, ids)?
                    .upstream_acknowledgments
                    .iter()
                    .any(|a| a.upstream == upstream);
                Ok::<_, AppError>((found, accepted))
            })
            .await?;
        Ok(Self {
            kind,
            form,
            errors,
            global,
            organizations: organizations
                .into_iter()
                .map(|o| (o.id.to_string(), o.name))
                .collect(),
            mfa_accepted,
            creating,
            has_secret,
        })
    }

    /// Whether `id` is the form's organization.
    pub fn is_organization(&self, id: &str) -> bool {
        self.form.organization_id == id
    }

    /// The message key of the secret's error, if any (LDAP: the bind
    /// password, which the registry checks as the provider's secret).
    pub fn secret_error(&self) -> Option<&'static str> {
        match self.errors.of("client_secret") {
            Some(_) if self.kind.is_ldap() => Some("admin.providers.invalid.bind_password"),
            found => self.errors.of("bind_password").or(found),
        }
    }

    /// The user filter the service applies without one (with or without
    /// the Active Directory switch).
    pub fn default_filter(&self, active_directory: bool) -> &'static str {
        crate::federation::ldap::settings::default_filter(active_directory)
    }

    /// The line (from 1) of the group → role rule at fault, if one is.
    pub fn rule_line(&self) -> Option<usize> {
        self.errors.rule.map(|i| self.form.rule_line(i))
    }

    /// The message key of `field`'s error, if any.
    pub fn error(&self, field: &str) -> Option<&'static str> {
        self.errors.of(field)
    }
}
