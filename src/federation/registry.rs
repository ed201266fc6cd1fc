//! The provider registry as a service: create, list, show, update,
//! (soft-)delete and restore providers, for the CLI and the admin API (one
//! implementation of each rule). Secrets are sealed with the envelope key
//! before they are stored and never leave this module (SR-115); every
//! change is audited with its actor, without the secret.
//!
//! Reach (S8, SR-100): a caller limited to some organizations sees and
//! changes only their providers (in the query; others are not found), and
//! what it creates belongs to one of them. Claiming email domains and
//! trusting a provider's emails are for callers of global reach only: a
//! claimed domain routes every sign-in of that domain to the provider, and
//! a trusted email links a sign-in to the existing account with that
//! address — either would let one organization take over another's users.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::group_roles::{self, GroupRole, GroupRoleView, RuleError};
use crate::federation::saml_settings;
use crate::federation::spec::{self, ProviderSpec, Settings};
use crate::state::AppState;
use crate::store::providers::{self, ProviderRow, Refused};
use crate::store::{naive, orgs, utc, write_tx};

/// What a caller reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// `None`: every provider; else those of these organizations only.
    pub organizations: Option<Vec<OrganizationId>>,
}

impl Reach {
    /// Everything (the CLI, a superuser, a global key).
    pub fn global() -> Self {
        Self {
            organizations: None,
        }
    }

    fn ids(&self) -> Option<&[OrganizationId]> {
        self.organizations.as_deref()
    }
}

/// Why a change was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// Bad input: the admin API's field at fault and why (in the CLI's
    /// words: `spec::for_api` says it with field names).
    Invalid { field: String, message: String },
    /// A field only a caller of global reach may set (SR-100).
    Privileged {
        field: &'static str,
        message: String,
    },
    /// A group → role rule (field `group_roles`): which and why.
    GroupRole(RuleError),
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Invalid { message, .. } | Refusal::Privileged { message, .. } => {
                AppError::BadRequest(message)
            }
            Refusal::GroupRole(rule) => AppError::BadRequest(rule.message()),
        }
    }
}

/// A change's outcome: done, or refused (nothing written).
pub type Checked<T> = Result<Result<T, Refusal>, AppError>;

fn invalid(field: &str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// A provider as shown (JSON): never its secret, only whether it has one.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProviderView {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    pub enabled: bool,
    /// The organization's name (users created just in time join it).
    pub organization: Option<String>,
    pub organization_id: Option<String>,
    pub domains: Vec<String>,
    pub trust_email: bool,
    pub jit: bool,
    pub allow_local_passwords: bool,
    pub keep_tokens: bool,
    pub button_label: Option<String>,
    pub settings: Settings,
    /// Upstream groups → organization roles (an allow-list, SR-133).
    pub group_roles: Vec<GroupRoleView>,
    pub has_secret: bool,
    /// The redirect URI to register upstream (redirect-based kinds).
    pub callback_url: String,
    /// SAML: our SP's entity id (`{issuer}/saml/{id}`), to register at
    /// the IdP.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<String>,
    /// SAML: our Assertion Consumer Service (HTTP-POST).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acs_url: Option<String>,
    /// SAML: our SP metadata (the IdP's is in `settings.saml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Soft-deleted then (seen only with `include_deleted`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<DateTime<Utc>>,
    /// The domains its deletion released (a restore claims back those
    /// still free).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub released_domains: Vec<String>,
}

fn secret_context(id: &str) -> String {
    crate::store::sealed::provider_secret_context(id)
}

/// `{issuer}/login/providers/{id}/callback`
pub fn callback_url(state: &AppState, id: &str) -> String {
    format!(
        "{}/login/providers/{id}/callback",
        state.config.public_base()
    )
}

fn view(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    row: ProviderRow,
) -> Result<ProviderView, AppError> {
    let kind = Kind::parse(&row.kind)
        .ok_or_else(|| AppError::Internal(format!("provider {}: unknown kind", row.id)))?;
    let mut settings: Settings = serde_json::from_str(&row.settings).map_err(|e| {
        AppError::Internal(format!("provider {}: settings unreadable: {e}", row.id))
    })?;
    let mut group_roles = Vec::with_capacity(settings.group_roles.len());
    for rule in std::mem::take(&mut settings.group_roles) {
        let id = OrganizationId::from(rule.organization_id.as_str());
        group_roles.push(GroupRoleView {
            organization: orgs::name_of(conn, &id)?,
            group: rule.group,
            organization_id: rule.organization_id,
            role: rule.role,
        });
    }
    let organization = match &row.organization_id {
        Some(id) => orgs::name_of(conn, id)?,
        None => None,
    };
    let released_domains = match &row.released_domains {
        Some(text) => serde_json::from_str(text).map_err(|e| {
            AppError::Internal(format!("provider {}: released domains: {e}", row.id))
        })?,
        None => Vec::new(),
    };
    let base = state.config.public_base();
    let base = base.trim_end_matches('/');
    let saml = |url: fn(&str, &str) -> String| (kind == Kind::Saml).then(|| url(base, &row.id));
    Ok(ProviderView {
        entity_id: saml(saml_settings::entity_id),
        acs_url: saml(saml_settings::acs_url),
        metadata_url: saml(saml_settings::metadata_url),
        domains: providers::domains_of(conn, &row.id)?,
        organization_id: row.organization_id.as_ref().map(ToString::to_string),
        deleted_at: row.deleted_at.map(utc),
        released_domains,
        callback_url: callback_url(state, &row.id),
        id: row.id,
        kind,
        name: row.name,
        enabled: row.enabled,
        organization,
        trust_email: row.trust_email,
        jit: row.jit,
        allow_local_passwords: row.allow_local_passwords,
        keep_tokens: row.keep_tokens,
        button_label: row.button_label,
        settings,
        group_roles,
        has_secret: row.secret.is_some(),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    })
}

/// The secret of a provider being written.
enum SecretChange<'a> {
    /// A new secret, to be sealed.
    New(&'a str),
    /// Keep what is stored (sealed, or none).
    Keep(Option<String>),
}

/// The organization `spec` names, checked against the caller's reach: a
/// caller limited to organizations names one of them (by default its only
/// one when `creating`) and never makes a provider global.
fn organization_of(
    conn: &mut crate::db::DbConnection,
    reach: &Reach,
    spec: &ProviderSpec,
    creating: bool,
) -> Result<Result<Option<OrganizationId>, Refusal>, AppError> {
    let found = match (&spec.organization_id, &spec.organization) {
        (Some(id), _) => match reach.ids() {
            Some(ids) if !ids.contains(id) => None,
            _ => orgs::find_in(conn, None, id)?.map(|o| Some(o.id)),
        }
        .ok_or_else(|| invalid("organization_id", "is not an organization you administer")),
        (None, Some(name)) => orgs::find_by_name(conn, name.trim())?
            .map(|o| Some(o.id))
            .ok_or_else(|| invalid("organization", format!("no organization named {name:?}"))),
        (None, None) => Ok(None),
    };
    let found = match found {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(match (reach.ids(), found) {
        (None, found) => Ok(found),
        (Some(ids), Some(id)) if ids.contains(&id) => Ok(Some(id)),
        (Some([only]), None) if creating => Ok(Some(only.clone())),
        (Some(_), _) => Err(invalid(
            "organization_id",
            "must be an organization you administer",
        )),
    })
}

/// SR-100: what only a caller of global reach may set. `before` is the
/// provider being changed (none for a new one).
fn privileged(
    reach: &Reach,
    spec: &ProviderSpec,
    domains: &[String],
    before: Option<&ProviderView>,
) -> Option<Refusal> {
    reach.ids()?;
    let (old_domains, old_trust) =
        before.map_or((&[][..], false), |b| (b.domains.as_slice(), b.trust_email));
    let sorted = |list: &[String]| {
        let mut list = list.to_vec();
        list.sort();
        list
    };
    if sorted(domains) != sorted(old_domains) {
        return Some(Refusal::Privileged {
            field: "domains",
            message: "only a caller of global reach claims or releases email domains: a claimed domain sends every sign-in of that domain to this provider".into(),
        });
    }
    if spec.trust_email && !old_trust {
        return Some(Refusal::Privileged {
            field: "trust_email",
            message: "only a caller of global reach makes a provider trusted for emails: it links sign-ins to existing accounts with the same address".into(),
        });
    }
    None
}

/// SR-100: a CA file is a path on this server, read when it is checked:
/// only a caller of global reach names one (refused before it is read).
fn ca_file_privileged(
    reach: &Reach,
    spec: &ProviderSpec,
    before: Option<&ProviderView>,
) -> Option<Refusal> {
    reach.ids()?;
    let old_ca = before
        .and_then(|b| b.settings.ldap.as_ref())
        .and_then(|l| l.ca_file.as_deref());
    (spec.ldap.ca_file.as_deref().map(str::trim) != old_ca).then(|| Refusal::Privileged {
        field: "ca_file",
        message: "only a caller of global reach names a CA file: it is a path on this server"
            .into(),
    })
}

/// Whether only a caller of global reach registers or changes providers
/// of `kind`: a directory (LDAP) is infrastructure reached on the internal
/// network (its name is not checked against private addresses when
/// connecting). The console asks this to offer the kind; the refusal is
/// [`create_as`]'s and [`update`]'s.
pub fn global_only(kind: Kind) -> bool {
    kind == Kind::Ldap
}

/// The checked row for `spec` (secret sealed) and its domains.
#[allow(clippy::too_many_arguments)]
fn checked_row(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    reach: &Reach,
    id: &str,
    kind: Kind,
    spec: &ProviderSpec,
    secret: SecretChange<'_>,
    before: Option<&ProviderView>,
    now: DateTime<Utc>,
) -> Checked<(ProviderRow, Vec<String>)> {
    let allow_private = state.config.oidc.allow_private_targets;
    if let Some(refusal) = ca_file_privileged(reach, spec, before) {
        return Ok(Err(refusal));
    }
    if global_only(kind) && reach.ids().is_some() {
        return Ok(Err(Refusal::Privileged {
            field: "kind",
            message: "only a caller of global reach registers or changes LDAP providers".into(),
        }));
    }
    let (mut settings, domains) = match spec::validate(kind, spec, allow_private) {
        Ok(checked) => checked,
        Err(message) => {
            let (field, _) = spec::for_api(&message);
            return Ok(Err(Refusal::Invalid { field, message }));
        }
    };
    let old_rules: Vec<GroupRole> = before
        .map(|b| b.group_roles.iter().map(GroupRoleView::stored).collect())
        .unwrap_or_default();
    settings.group_roles =
        match group_roles::resolve(conn, reach.ids(), &spec.group_roles, &old_rules)? {
            Ok(rules) => rules,
            Err(rule) => return Ok(Err(Refusal::GroupRole(rule))),
        };
    if let Some(refusal) = privileged(reach, spec, &domains, before) {
        return Ok(Err(refusal));
    }
    let organization_id = match organization_of(conn, reach, spec, before.is_none())? {
        Ok(id) => id,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let secret = match secret {
        SecretChange::New(s) if s.is_empty() || s.len() > 4096 => {
            return Ok(Err(invalid(
                "client_secret",
                "the client secret must be 1 to 4096 bytes",
            )));
        }
        SecretChange::New(s) => Some(state.envelope.encrypt(s.as_bytes(), &secret_context(id))?),
        SecretChange::Keep(sealed) => sealed,
    };
    if kind == Kind::Ldap && settings.needs_secret() && secret.is_none() {
        return Ok(Err(invalid(
            "bind_password",
            "--kind ldap with --bind-dn needs --bind-password-stdin",
        )));
    }
    if settings.needs_secret() && secret.is_none() {
        return Ok(Err(invalid(
            "client_secret",
            format!(
                "--kind {} with {} needs --client-secret-stdin",
                kind.as_str(),
                settings.token_endpoint_auth_method
            ),
        )));
    }
    let settings_json = serde_json::to_string(&settings)
        .map_err(|e| AppError::Internal(format!("provider settings: {e}")))?;
    let row = ProviderRow {
        id: id.to_owned(),
        kind: kind.as_str().to_owned(),
        name: spec.name.trim().to_owned(),
        enabled: spec.enabled,
        organization_id,
        trust_email: spec.trust_email,
        jit: spec.jit,
        button_label: spec.button_label.as_deref().map(|l| l.trim().to_owned()),
        settings: settings_json,
        secret,
        created_at: naive(before.map_or(now, |b| b.created_at)),
        updated_at: naive(now),
        allow_local_passwords: spec.allow_local_passwords,
        keep_tokens: spec.keep_tokens,
        deleted_at: None,
        deleted_by: None,
        released_domains: None,
    };
    Ok(Ok((row, domains)))
}

fn refused(why: Refused) -> AppError {
    match why {
        Refused::DomainTaken {
            domain,
            owner: Some(owner),
        } => AppError::Conflict(format!(
            "the domain {domain} is already claimed by provider {owner}"
        )),
        Refused::DomainTaken {
            domain,
            owner: None,
        } => AppError::Conflict(format!(
            "the domain {domain} was just claimed by another provider"
        )),
    }
}

/// What the audit log says about a provider (never its secret).
fn details(view: &ProviderView) -> serde_json::Value {
    json!({
        "kind": view.kind,
        "name": view.name,
        "enabled": view.enabled,
        "organization_id": view.organization_id,
        "domains": view.domains,
        "trust_email": view.trust_email,
        "jit": view.jit,
        "allow_local_passwords": view.allow_local_passwords,
        "keep_tokens": view.keep_tokens,
        "settings": view.settings,
        "group_roles": view.group_roles,
    })
}

/// A fresh provider id, as [`create`] makes them: for a form that shows
/// the callback URL (which holds the id) before the provider is saved.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether `id` is shaped like the ids [`new_id`] makes.
fn well_formed(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok_and(|u| u.hyphenated().to_string() == id)
}

/// Whether `id` may still be given to [`create_as`]: shaped like the ids
/// [`new_id`] makes and used by no provider (deleted ones too).
pub async fn id_free(state: &AppState, id: &str) -> Result<bool, AppError> {
    if !well_formed(id) {
        return Ok(false);
    }
    let id = id.to_owned();
    state
        .db
        .run(move |conn| Ok(providers::find_in_reach(conn, None, &id, true)?.is_none()))
        .await
}

/// Register a provider; its id and callback URL are in the answer.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    kind: Kind,
    spec: ProviderSpec,
    secret: Option<String>,
) -> Checked<ProviderView> {
    create_as(state, actor, reach, &new_id(), kind, spec, secret).await
}

/// [`create`] under an id handed out earlier by [`new_id`] (the console's
/// wizard shows the callback URL to register upstream before saving). An
/// id of another shape, or one already used — by any provider, deleted
/// too: the same form sent twice — is refused (field `id`).
pub async fn create_as(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
    kind: Kind,
    spec: ProviderSpec,
    secret: Option<String>,
) -> Checked<ProviderView> {
    let now = state.now();
    if !well_formed(id) {
        return Ok(Err(invalid("id", "is not a provider id")));
    }
    let (st, actor, reach, id) = (state.clone(), actor.clone(), reach.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if providers::find_in_reach(conn, None, &id, true)?.is_some() {
                    return Ok(Err(invalid("id", "a provider with this id exists already")));
                }
                let secret = match &secret {
                    Some(s) => SecretChange::New(s),
                    None => SecretChange::Keep(None),
                };
                let (row, domains) =
                    match checked_row(&st, conn, &reach, &id, kind, &spec, secret, None, now)? {
                        Ok(checked) => checked,
                        Err(refusal) => return Ok(Err(refusal)),
                    };
                if let Some(why) = providers::insert(conn, &row, &domains)? {
                    return Err(refused(why));
                }
                let created = view(&st, conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderCreated, Outcome::Success)
                        .target("provider", created.id.as_str())
                        .details(json!({ "after": details(&created) })),
                    now,
                )?;
                Ok(Ok(created))
            })
        })
        .await
}

/// Every live provider, by name (the CLI's list).
pub async fn list(state: &AppState) -> Result<Vec<ProviderView>, AppError> {
    let st = state.clone();
    state
        .db
        .run(move |conn| {
            providers::list(conn)?
                .into_iter()
                .map(|row| view(&st, conn, row))
                .collect()
        })
        .await
}

/// Up to `limit` providers in reach, by creation time then id, after
/// `after`, whose name or id contains `search`; deleted ones too when
/// `deleted` (global reach only: others see none).
pub async fn page(
    state: &AppState,
    reach: &Reach,
    deleted: bool,
    search: Option<String>,
    after: Option<(chrono::NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ProviderView>, AppError> {
    let (st, reach) = (state.clone(), reach.clone());
    let deleted = deleted && reach.ids().is_none();
    state
        .db
        .run(move |conn| {
            providers::page_in_reach(conn, reach.ids(), deleted, search.as_deref(), after, limit)?
                .into_iter()
                .map(|row| view(&st, conn, row))
                .collect()
        })
        .await
}

/// One provider in reach (a deleted one too when `deleted`, for callers
/// of global reach).
pub async fn show(
    state: &AppState,
    reach: &Reach,
    id: &str,
    deleted: bool,
) -> Result<ProviderView, AppError> {
    let (st, id, reach) = (state.clone(), id.to_owned(), reach.clone());
    let deleted = deleted && reach.ids().is_none();
    state
        .db
        .run(move |conn| {
            let row = providers::find_in_reach(conn, reach.ids(), &id, deleted)?
                .ok_or(AppError::NotFound)?;
            view(&st, conn, row)
        })
        .await
}

/// The spec a stored provider was made from (to change some of it).
pub fn spec_of(view: &ProviderView) -> ProviderSpec {
    let s = &view.settings;
    ProviderSpec {
        name: view.name.clone(),
        organization: None,
        organization_id: view.organization_id.clone().map(OrganizationId::from),
        domains: view.domains.clone(),
        trust_email: view.trust_email,
        jit: view.jit,
        allow_local_passwords: view.allow_local_passwords,
        keep_tokens: view.keep_tokens,
        button_label: view.button_label.clone(),
        enabled: view.enabled,
        issuer: match view.kind {
            Kind::Entra | Kind::Github => None,
            _ => s.issuer.clone(),
        },
        scopes: s.scopes.clone(),
        hosted_domain: s.hosted_domain.clone(),
        tenant: s.tenant.clone(),
        authority_url: s.authority_url.clone(),
        api_url: match view.kind {
            Kind::Github => s.api_url.clone(),
            _ => None,
        },
        web_url: match view.kind {
            Kind::Github => s.web_url.clone(),
            _ => None,
        },
        token_endpoint_auth_method: match view.kind {
            Kind::Saml | Kind::Ldap => None,
            _ => Some(s.token_endpoint_auth_method.clone()),
        },
        client_id: match view.kind {
            Kind::Saml | Kind::Ldap => None,
            _ => Some(s.client_id.clone()),
        },
        ldap: s.ldap.as_ref().map(|l| l.spec()).unwrap_or_default(),
        saml: s.saml.clone(),
        group_roles: view.group_roles.iter().map(GroupRoleView::spec).collect(),
    }
}

/// Change a live provider in reach: `change` edits its current spec; a
/// new secret replaces the sealed one, none keeps it. Checked like a
/// creation.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
    change: impl FnOnce(&mut ProviderSpec) + Clone + Send + 'static,
    secret: Option<String>,
) -> Checked<ProviderView> {
    let audited = Audited {
        action: Action::ProviderUpdated,
        details: json!({}),
    };
    update_audited(state, actor, reach, id, change, secret, audited).await
}

/// How a change is audited: its action and what the log says besides the
/// provider before and after.
#[derive(Debug, Clone)]
pub struct Audited {
    pub action: Action,
    /// An object merged into the event's details.
    pub details: serde_json::Value,
}

/// [`update`], audited as `audited` says (a SAML metadata refresh is
/// `provider.metadata_refreshed`, with the certificates' fingerprints).
pub async fn update_audited(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
    change: impl FnOnce(&mut ProviderSpec) + Clone + Send + 'static,
    secret: Option<String>,
    audited: Audited,
) -> Checked<ProviderView> {
    let now = state.now();
    let (st, actor, id, reach) = (state.clone(), actor.clone(), id.to_owned(), reach.clone());
    state
        .db
        .run(move |conn| {
            // PostgreSQL may abort the transaction as not serializable;
            // each attempt applies its own copy of the change.
            write_tx(conn, |conn| {
                let change = change.clone();
                let old = providers::find_in_reach(conn, reach.ids(), &id, false)?
                    .ok_or(AppError::NotFound)?;
                let kept_secret = old.secret.clone();
                let before = view(&st, conn, old)?;
                let mut spec = spec_of(&before);
                change(&mut spec);
                let change = match &secret {
                    Some(s) => SecretChange::New(s),
                    None => SecretChange::Keep(kept_secret),
                };
                let checked = checked_row(
                    &st,
                    conn,
                    &reach,
                    &id,
                    before.kind,
                    &spec,
                    change,
                    Some(&before),
                    now,
                )?;
                let (row, domains) = match checked {
                    Ok(checked) => checked,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                if let Some(why) = providers::update(conn, &row, &domains)? {
                    return Err(refused(why));
                }
                let after = view(&st, conn, row)?;
                let mut all = json!({
                    "before": details(&before),
                    "after": details(&after),
                    "secret_replaced": secret.is_some(),
                });
                if let (Some(all), Some(more)) = (all.as_object_mut(), audited.details.as_object())
                {
                    all.extend(more.clone());
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(audited.action, Outcome::Success)
                        .target("provider", id.as_str())
                        .details(all),
                    now,
                )?;
                Ok(Ok(after))
            })
        })
        .await
}

/// Delete a live provider in reach (soft, S8): it shows no button, routes
/// no domain and signs nobody in from now on; the domains it claimed are
/// released (another provider may claim them). The provider as deleted.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
) -> Result<ProviderView, AppError> {
    let now = state.now();
    let (st, actor, id, reach) = (state.clone(), actor.clone(), id.to_owned(), reach.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let row = providers::find_in_reach(conn, reach.ids(), &id, false)?
                    .ok_or(AppError::NotFound)?;
                let before = view(&st, conn, row)?;
                let by = actor.id.clone().unwrap_or_else(|| "system".into());
                let released = providers::soft_delete(conn, &id, &by, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderDeleted, Outcome::Success)
                        .target("provider", id.as_str())
                        .details(json!({
                            "before": details(&before),
                            "after": { "deleted": true },
                            "released_domains": released,
                        })),
                    now,
                )?;
                let gone =
                    providers::find_in_reach(conn, None, &id, true)?.ok_or(AppError::NotFound)?;
                view(&st, conn, gone)
            })
        })
        .await
}

/// A restored provider and the released domains it could not claim back
/// (another provider claimed them meanwhile).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Restored {
    pub provider: ProviderView,
    pub domains_lost: Vec<String>,
}

/// Bring a soft-deleted provider back (global reach only: others find
/// nothing). It claims again the domains still free.
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &str,
) -> Result<Restored, AppError> {
    if reach.ids().is_some() {
        return Err(AppError::NotFound);
    }
    let now = state.now();
    let (st, actor, id) = (state.clone(), actor.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let row =
                    providers::find_in_reach(conn, None, &id, true)?.ok_or(AppError::NotFound)?;
                if row.deleted_at.is_none() {
                    return Err(AppError::Conflict("this provider is not deleted".into()));
                }
                let (back, lost) = providers::restore(conn, &row, naive(now))?;
                let row = providers::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let restored = view(&st, conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderRestored, Outcome::Success)
                        .target("provider", id.as_str())
                        .details(json!({
                            "before": { "deleted": true },
                            "after": details(&restored),
                            "domains_reclaimed": back,
                            "domains_lost": lost,
                        })),
                    now,
                )?;
                Ok(Restored {
                    provider: restored,
                    domains_lost: lost,
                })
            })
        })
        .await
}

/// The client secret of a provider, opened (for the sign-in flows).
pub fn open_secret(state: &AppState, id: &str, sealed: &str) -> Result<String, AppError> {
    let plain = state.envelope.decrypt(sealed, &secret_context(id))?;
    String::from_utf8(plain.to_vec())
        .map_err(|_| AppError::Internal(format!("provider {id}: secret is not text")))
}

/// A sign-in button on the login page.
#[derive(Debug, Clone)]
pub struct Button {
    pub id: String,
    pub label: String,
    /// Which mark the button shows (`google`, `microsoft`, `github`,
    /// `okta`, `jumpcloud`; anything else a generic key).
    pub icon: &'static str,
}

/// Buttons for every enabled provider whose sign-in flow exists, by name.
pub async fn buttons(state: &AppState) -> Result<Vec<Button>, AppError> {
    let rows = state.db.run(providers::list).await?;
    Ok(rows
        .into_iter()
        .filter(|p| {
            p.enabled
                && Kind::parse(&p.kind).is_some_and(|k| {
                    k.is_oidc() || k == Kind::Github || (k == Kind::Saml && cfg!(feature = "saml"))
                })
        })
        .map(|p| Button {
            icon: Kind::parse(&p.kind).map_or("oidc", Kind::upstream_type),
            label: p.button_label.unwrap_or(p.name),
            id: p.id,
        })
        .collect())
}

/// Buttons for every enabled LDAP provider (S7): a directory whose people
/// sign in with a plain directory name (`jdoe`) or claim no domain, each
/// leading to its own form at `/login/directory/{id}`.
pub async fn directory_buttons(state: &AppState) -> Result<Vec<Button>, AppError> {
    let rows = state.db.run(providers::list).await?;
    Ok(rows
        .into_iter()
        .filter(|p| p.enabled && Kind::parse(&p.kind) == Some(Kind::Ldap))
        .map(|p| Button {
            icon: "ldap",
            label: p.button_label.unwrap_or(p.name),
            id: p.id,
        })
        .collect())
}
