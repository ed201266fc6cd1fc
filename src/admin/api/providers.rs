//! `/api/v1/providers` (S7, S8): upstream sign-in providers through the
//! same registry as `ostiary provider …` — list, show, create, change,
//! soft-delete and restore. Needs `providers:read` / `providers:write`; a
//! caller limited to organizations reaches only their providers (others,
//! and global ones, are not found) and may not claim email domains or
//! trust a provider's emails (SR-100). The client secret is write-only.
//! "Test connection" (`POST …/{id}/test`) is `federation::probe`, as in
//! the console and `ostiary provider test`. SAML's fields (metadata,
//! preset, attributes) and `POST …/{id}/refresh-metadata` are
//! [`provider_saml`]'s.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer, Serialize};

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::api::problem::{Missing, Problem, ProblemBody, Refusals, Unprocessable};
use crate::admin::api::provider_saml;
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::group_roles::GroupRoleSpec;
use crate::federation::ldap::settings::LdapSpec;
use crate::federation::probe::{self, Report};
use crate::federation::registry::{self, ProviderView, Reach, Refusal, Restored};
use crate::federation::spec::{self, ProviderSpec};
use crate::state::AppState;

/// One page of providers.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProviderPage {
    pub items: Vec<ProviderView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// How the provider authenticates to the upstream's token endpoint.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    PrivateKeyJwt,
}

impl AuthMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::PrivateKeyJwt => "private_key_jwt",
        }
    }
}

/// A new provider: the fields of `ostiary provider create`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProvider {
    /// `saml` needs a build with the `saml` feature (422 otherwise).
    pub kind: Kind,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Users created just in time join it. A caller limited to
    /// organizations names one of them (default: its only one).
    #[schema(max_length = 100)]
    pub organization_id: Option<String>,
    /// Email domains whose sign-ins go to this provider (global reach only).
    #[schema(max_items = 50, inline)]
    pub domains: Option<Vec<Domain>>,
    /// Link sign-ins to existing accounts with the same verified email
    /// (global reach only). Default false.
    pub trust_email: Option<bool>,
    /// Create users on first sign-in. Default true.
    pub jit: Option<bool>,
    /// Local passwords still sign in for the claimed domains. Default false.
    pub allow_local_passwords: Option<bool>,
    /// Keep the upstream's tokens (sealed). Default false.
    pub keep_tokens: Option<bool>,
    /// Default true.
    pub enabled: Option<bool>,
    #[schema(min_length = 1, max_length = 100)]
    pub button_label: Option<String>,
    /// oidc, okta, jumpcloud (required); google (tests only).
    #[schema(max_length = 2000)]
    pub issuer: Option<String>,
    /// Every kind but ldap (required).
    #[schema(min_length = 1, max_length = 255)]
    pub client_id: Option<String>,
    /// Write-only: never shown again (`has_secret` says whether one is set).
    #[schema(min_length = 1, max_length = 4096, write_only)]
    pub client_secret: Option<String>,
    /// ldap: the directory (required for that kind).
    pub ldap: Option<LdapFields>,
    #[schema(max_items = 20, inline)]
    pub scopes: Option<Vec<ScopeName>>,
    /// google: the Workspace domain accounts must belong to.
    #[schema(max_length = 253)]
    pub hosted_domain: Option<String>,
    /// entra: a tenant id, a domain, `common` or `organizations`.
    #[schema(max_length = 100)]
    pub tenant: Option<String>,
    /// entra: the authority (default https://login.microsoftonline.com).
    #[schema(max_length = 2000)]
    pub authority_url: Option<String>,
    /// github: GitHub Enterprise Server API address (with `web_url`).
    #[schema(max_length = 2000)]
    pub api_url: Option<String>,
    #[schema(max_length = 2000)]
    pub web_url: Option<String>,
    pub token_endpoint_auth_method: Option<AuthMethod>,
    /// saml: where the IdP publishes its metadata (fetched now under the
    /// outbound-call rules, and again daily). Exactly one of `metadata_url`
    /// and `metadata_xml`.
    #[schema(max_length = 2000)]
    pub metadata_url: Option<String>,
    /// saml: the IdP metadata document itself (XML, at most 1 MiB).
    #[schema(max_length = 1048576)]
    pub metadata_xml: Option<String>,
    /// saml: where the IdP puts email, name and groups by default.
    pub saml_preset: Option<provider_saml::SamlPreset>,
    /// saml: the attribute holding the email (overrides the preset).
    #[schema(min_length = 1, max_length = 255)]
    pub attribute_email: Option<String>,
    /// saml: the attribute holding the display name.
    #[schema(min_length = 1, max_length = 255)]
    pub attribute_name: Option<String>,
    /// saml: the attribute holding the groups.
    #[schema(min_length = 1, max_length = 255)]
    pub attribute_groups: Option<String>,
    /// saml: accept IdP-initiated sign-in (unsolicited responses; off by
    /// default — see docs/saml.md for the risks).
    pub allow_idp_initiated: Option<bool>,
    /// Upstream groups → organization roles (any kind; an allow-list,
    /// SR-133). The organization by name, within the caller's reach; a
    /// caller limited to organizations grants no `owner`.
    #[schema(max_items = 100)]
    pub group_roles: Option<Vec<GroupRoleSpec>>,
}

/// An email domain like `example.com`.
#[derive(Debug, Clone, Deserialize)]
pub struct Domain(pub String);

/// An OAuth scope to ask the upstream for.
#[derive(Debug, Clone, Deserialize)]
pub struct ScopeName(pub String);

/// A string of bounded length in the document (list items).
macro_rules! bounded_string {
    ($ty:ty, $min:expr, $max:expr) => {
        impl utoipa::PartialSchema for $ty {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(Some($min))
                    .max_length(Some($max))
                    .into()
            }
        }
        impl utoipa::ToSchema for $ty {}
    };
}

bounded_string!(Domain, 1, 253);
bounded_string!(ScopeName, 1, 200);

fn strings<T>(list: Option<Vec<T>>, text: impl Fn(T) -> String) -> Vec<String> {
    list.unwrap_or_default().into_iter().map(text).collect()
}

/// `Some(None)` for an explicit `null`, `None` when absent.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change: only the fields sent change; `null` clears an optional one.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderChange {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// `null`: a global provider (global reach only).
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub organization_id: Option<Option<String>>,
    /// Replaces the list (global reach only).
    #[schema(max_items = 50, inline)]
    pub domains: Option<Vec<Domain>>,
    pub trust_email: Option<bool>,
    pub jit: Option<bool>,
    pub allow_local_passwords: Option<bool>,
    pub keep_tokens: Option<bool>,
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub button_label: Option<Option<String>>,
    #[schema(max_length = 2000)]
    pub issuer: Option<String>,
    #[schema(min_length = 1, max_length = 255)]
    pub client_id: Option<String>,
    /// Replaces the stored secret (write-only).
    #[schema(min_length = 1, max_length = 4096, write_only)]
    pub client_secret: Option<String>,
    /// ldap: the directory (required for that kind).
    pub ldap: Option<LdapFields>,
    /// Replaces the list.
    #[schema(max_items = 20, inline)]
    pub scopes: Option<Vec<ScopeName>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 253)]
    pub hosted_domain: Option<Option<String>>,
    #[schema(max_length = 100)]
    pub tenant: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub authority_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub api_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub web_url: Option<Option<String>>,
    pub token_endpoint_auth_method: Option<AuthMethod>,
    /// saml: fetch the IdP metadata from here now (replaces the stored
    /// one, checked like at creation; our SP key is kept).
    #[schema(max_length = 2000)]
    pub metadata_url: Option<String>,
    /// saml: a new IdP metadata document (XML, at most 1 MiB).
    #[schema(max_length = 1048576)]
    pub metadata_xml: Option<String>,
    /// saml: `null` looks in the usual attributes.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 255)]
    pub attribute_email: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 255)]
    pub attribute_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 255)]
    pub attribute_groups: Option<Option<String>>,
    /// saml: accept IdP-initiated sign-in (see docs/saml.md).
    pub allow_idp_initiated: Option<bool>,
    /// Replaces the list (`[]`: no rules).
    #[schema(max_items = 100)]
    pub group_roles: Option<Vec<GroupRoleSpec>>,
}

impl ProviderChange {
    /// Apply to the provider's current spec.
    fn apply(self, spec: &mut ProviderSpec) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut spec.name, self.name);
        if let Some(org) = self.organization_id {
            spec.organization_id = org.map(OrganizationId::from);
            spec.organization = None;
        }
        if self.domains.is_some() {
            spec.domains = strings(self.domains, |d| d.0);
        }
        set(&mut spec.trust_email, self.trust_email);
        set(&mut spec.jit, self.jit);
        set(&mut spec.allow_local_passwords, self.allow_local_passwords);
        set(&mut spec.keep_tokens, self.keep_tokens);
        set(&mut spec.enabled, self.enabled);
        set(&mut spec.button_label, self.button_label);
        set(&mut spec.issuer, self.issuer.map(Some));
        set(&mut spec.client_id, self.client_id.map(Some));
        if self.scopes.is_some() {
            spec.scopes = strings(self.scopes, |s| s.0);
        }
        set(&mut spec.hosted_domain, self.hosted_domain);
        set(&mut spec.tenant, self.tenant.map(Some));
        set(&mut spec.authority_url, self.authority_url);
        set(&mut spec.api_url, self.api_url);
        set(&mut spec.web_url, self.web_url);
        set(
            &mut spec.token_endpoint_auth_method,
            self.token_endpoint_auth_method
                .map(|m| Some(m.as_str().to_owned())),
        );
        if let Some(l) = &self.ldap {
            l.apply(&mut spec.ldap);
        }
        set(&mut spec.group_roles, self.group_roles);
    }
}

/// The fields of `--kind ldap` (the flags of `provider create`); in a
/// change, only those sent change.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LdapFields {
    /// ldap: `ldaps://host[:port]`, or `ldap://host[:port]` with `starttls`
    /// (or `allow_plaintext`, development only).
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    pub starttls: Option<bool>,
    /// ldap: the service account that searches for people.
    #[schema(max_length = 1024)]
    pub bind_dn: Option<String>,
    /// ldap: the service account's password (write-only).
    #[schema(min_length = 1, max_length = 4096, write_only)]
    pub bind_password: Option<String>,
    #[schema(max_length = 1024)]
    pub user_base_dn: Option<String>,
    /// ldap: e.g. `(uid={username})`; `{username}` is the address as typed.
    #[schema(max_length = 1024)]
    pub user_filter: Option<String>,
    /// ldap direct bind: e.g. `uid={username},ou=people,dc=example,dc=com`.
    #[schema(max_length = 1024)]
    pub user_dn_template: Option<String>,
    #[schema(max_length = 1024)]
    pub group_base_dn: Option<String>,
    pub active_directory: Option<bool>,
    /// ldap: a PEM file of CA certificates on the server.
    #[schema(max_length = 4096)]
    pub ca_file: Option<String>,
    pub allow_plaintext: Option<bool>,
}

impl std::fmt::Debug for LdapFields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LdapFields")
            .field("url", &self.url)
            .field("bind_dn", &self.bind_dn)
            .field("user_base_dn", &self.user_base_dn)
            .finish_non_exhaustive()
    }
}

impl LdapFields {
    fn apply(&self, spec: &mut LdapSpec) {
        let set = |slot: &mut Option<String>, v: &Option<String>| {
            if v.is_some() {
                slot.clone_from(v);
            }
        };
        set(&mut spec.url, &self.url);
        set(&mut spec.bind_dn, &self.bind_dn);
        set(&mut spec.user_base_dn, &self.user_base_dn);
        set(&mut spec.user_filter, &self.user_filter);
        set(&mut spec.user_dn_template, &self.user_dn_template);
        set(&mut spec.group_base_dn, &self.group_base_dn);
        set(&mut spec.ca_file, &self.ca_file);
        for (slot, v) in [
            (&mut spec.starttls, self.starttls),
            (&mut spec.active_directory, self.active_directory),
            (&mut spec.allow_plaintext, self.allow_plaintext),
        ] {
            if let Some(v) = v {
                *slot = v;
            }
        }
    }
}

/// The list's and show's query.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub limit: Option<String>,
    pub cursor: Option<String>,
    pub q: Option<String>,
    pub include_deleted: Option<String>,
}

fn reach(caller: &Caller) -> Reach {
    Reach {
        organizations: caller.reach.organization_ids(),
    }
}

/// A refusal of the registry as a problem naming the field.
fn refusal(r: Refusal) -> Problem {
    match r {
        Refusal::Invalid { field, message } => {
            let text = spec::for_api(&message).1;
            let text = text
                .strip_prefix(&format!("{field}: "))
                .map_or(text.clone(), str::to_owned);
            Problem::unprocessable(&field, text)
        }
        Refusal::GroupRole(rule) => {
            let text = spec::for_api(&rule.message()).1;
            let text = text
                .strip_prefix("group_roles: ")
                .map_or(text.clone(), str::to_owned);
            Problem::unprocessable("group_roles", text)
        }
        Refusal::Privileged { field, message } => {
            let mut p = Problem::invalid(field, message);
            p.status = StatusCode::FORBIDDEN;
            p
        }
    }
}

fn checked(
    outcome: Result<Result<ProviderView, Refusal>, AppError>,
) -> Result<ProviderView, Problem> {
    outcome?.map_err(refusal)
}

/// `GET /api/v1/providers`
#[utoipa::path(
    get,
    path = "/api/v1/providers",
    tag = "providers",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Part of the name or id, any case", max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
        ("include_deleted" = Option<bool>, Query, description = "Also soft-deleted providers (global reach only)"),
    ),
    responses(
        (status = 200, description = "Providers in the caller's reach, by creation time then id", body = ProviderPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("providers"))?;
    let query = query.into_inner();
    let deleted = DeletedQuery {
        include_deleted: query.include_deleted,
    }
    .check(caller.reach.organization_ids().is_none())?;
    let request = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
        q: query.q,
    }
    .check()?;
    let limit = request.limit;
    let rows = registry::page(
        &state,
        &reach(&caller),
        deleted,
        request.search,
        request.after,
        limit + 1,
    )
    .await?;
    let page = page::page(
        rows,
        limit,
        |p| (p.created_at.naive_utc(), p.id.clone()),
        Ok,
    )?;
    Ok(HttpResponse::Ok().json(ProviderPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// `GET /api/v1/providers/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/providers/{id}",
    tag = "providers",
    params(
        ("id" = String, Path, description = "The provider's id"),
        ("include_deleted" = Option<bool>, Query, description = "Find a soft-deleted provider too (global reach only)"),
    ),
    responses(
        (status = 200, description = "The provider (never its secret: `has_secret` says whether one is set)", body = ProviderView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("providers"))?;
    let deleted = DeletedQuery {
        include_deleted: query.include_deleted.clone(),
    }
    .check(caller.reach.organization_ids().is_none())?;
    let found = registry::show(&state, &reach(&caller), &path.into_inner(), deleted).await?;
    Ok(HttpResponse::Ok().json(found))
}

/// `POST /api/v1/providers`
#[utoipa::path(
    post,
    path = "/api/v1/providers",
    tag = "providers",
    request_body = NewProvider,
    responses(
        (status = 201, description = "Registered: `callback_url` is the redirect URI to register upstream; SAML: `entity_id`, `acs_url` and `metadata_url` are what to register at the IdP", body = ProviderView),
        Refusals,
        Unprocessable,
        (status = 409, description = "A domain is claimed by another provider", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewProvider>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let b = body.into_inner();
    // SAML: the IdP metadata fetched (or read) and checked, the SP key made.
    let fields = provider_saml::SamlFields {
        metadata_url: b.metadata_url.clone(),
        metadata_xml: b.metadata_xml.clone(),
        saml_preset: b.saml_preset,
        attribute_email: b.attribute_email.clone(),
        attribute_name: b.attribute_name.clone(),
        attribute_groups: b.attribute_groups.clone(),
        allow_idp_initiated: b.allow_idp_initiated,
    };
    let saml = provider_saml::prepare(&state, b.kind, b.client_secret.is_some(), &fields).await?;
    let spec = ProviderSpec {
        name: b.name,
        organization: None,
        organization_id: b.organization_id.map(OrganizationId::from),
        domains: strings(b.domains, |d| d.0),
        trust_email: b.trust_email.unwrap_or(false),
        jit: b.jit.unwrap_or(true),
        allow_local_passwords: b.allow_local_passwords.unwrap_or(false),
        keep_tokens: b.keep_tokens.unwrap_or(false),
        button_label: b.button_label,
        enabled: b.enabled.unwrap_or(true),
        issuer: b.issuer,
        client_id: b.client_id,
        scopes: strings(b.scopes, |s| s.0),
        hosted_domain: b.hosted_domain,
        tenant: b.tenant,
        authority_url: b.authority_url,
        api_url: b.api_url,
        web_url: b.web_url,
        token_endpoint_auth_method: b.token_endpoint_auth_method.map(|m| m.as_str().to_owned()),
        ldap: LdapSpec::default(),
        saml: None,
        group_roles: b.group_roles.unwrap_or_default(),
    };
    let mut spec = spec;
    let bind_password = b.ldap.as_ref().and_then(|l| l.bind_password.clone());
    if let Some(l) = &b.ldap {
        l.apply(&mut spec.ldap);
    }
    // A SAML provider's secret is its SP key.
    let (saml, sp_key) = saml.map_or((None, None), |(s, key)| (Some(s), Some(key)));
    spec.saml = saml;
    let created = checked(
        registry::create(
            &state,
            &caller.actor,
            &reach(&caller),
            b.kind,
            spec,
            sp_key.or(b.client_secret).or(bind_password),
        )
        .await,
    )?;
    Ok(HttpResponse::Created().json(created))
}

/// `PATCH /api/v1/providers/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/providers/{id}",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id")),
    request_body = ProviderChange,
    responses(
        (status = 200, description = "Changed", body = ProviderView),
        Refusals,
        Missing,
        Unprocessable,
        (status = 409, description = "A domain is claimed by another provider", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<ProviderChange>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let mut change = body.into_inner();
    let id = path.into_inner();
    let fields = provider_saml::SamlFieldChanges {
        metadata_url: change.metadata_url.take(),
        metadata_xml: change.metadata_xml.take(),
        attribute_email: change.attribute_email.take(),
        attribute_name: change.attribute_name.take(),
        attribute_groups: change.attribute_groups.take(),
        allow_idp_initiated: change.allow_idp_initiated.take(),
    };
    let saml = provider_saml::change(&state, &reach(&caller), &id, fields).await?;
    let secret = change
        .client_secret
        .take()
        .or_else(|| change.ldap.as_mut().and_then(|l| l.bind_password.take()));
    let changed = checked(
        registry::update(
            &state,
            &caller.actor,
            &reach(&caller),
            &id,
            move |spec| {
                change.apply(spec);
                saml.apply(spec);
            },
            secret,
        )
        .await,
    )?;
    Ok(HttpResponse::Ok().json(changed))
}

/// `DELETE /api/v1/providers/{id}` (soft delete)
#[utoipa::path(
    delete,
    path = "/api/v1/providers/{id}",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id")),
    responses(
        (status = 200, description = "Deleted (soft): no button, no domain routing, no sign-in from now on; its domains are released (`released_domains`) and may be claimed by another provider", body = ProviderView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let gone = registry::delete(&state, &caller.actor, &reach(&caller), &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(gone))
}

/// `POST /api/v1/providers/{id}/restore`
#[utoipa::path(
    post,
    path = "/api/v1/providers/{id}/restore",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id")),
    responses(
        (status = 200, description = "Restored, with the released domains still free; `domains_lost` lists those another provider claimed meanwhile", body = Restored),
        Refusals,
        Missing,
        (status = 409, description = "The provider is not deleted", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let back =
        registry::restore(&state, &caller.actor, &reach(&caller), &path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(back))
}

/// `POST /api/v1/providers/{id}/test`
#[utoipa::path(
    post,
    path = "/api/v1/providers/{id}/test",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id")),
    responses(
        (status = 200, description = "The upstream checked now, step by step, through the outbound-call rules (OIDC kinds: discovery, issuer, endpoints, keys; GitHub: API and web addresses); `ok` when every step passed. A failed step names a reason, and a detail only when it is the upstream's own word (an HTTP status, the issuer its document names)", body = Report),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn test(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let found = registry::show(&state, &reach(&caller), &path.into_inner(), false).await?;
    let report = probe::run(&state, &found).await?;
    Ok(HttpResponse::Ok().json(report))
}
