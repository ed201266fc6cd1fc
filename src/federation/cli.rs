//! `ostiary provider …` (S1, S7): register, list, show, change and delete
//! upstream providers from the command line; prints JSON. Secrets come on
//! stdin (`--client-secret-stdin`, LDAP's `--bind-password-stdin`), never
//! as arguments.

use clap::{Args, Subcommand};
use serde_json::{Value, json};

use crate::audit::Actor;
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::group_roles::{self, GroupRoleSpec, RuleError};
use crate::federation::registry;
use crate::federation::spec::ProviderSpec;
use crate::state::AppState;

/// `ostiary provider …`
#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Register a provider; prints it as JSON with `id` and `callback_url`
    /// (the redirect URI to register upstream).
    Create(Box<CreateArgs>),
    /// Every provider (JSON array; secrets are never shown).
    List,
    /// One provider.
    Show { id: String },
    /// Change a provider; flags not given keep their value.
    Update(Box<UpdateArgs>),
    /// Delete a provider (soft: it signs nobody in and releases its
    /// domains; `restore` brings it back).
    Delete { id: String },
    /// Bring a deleted provider back, with the domains still free.
    Restore { id: String },
    /// Check a provider's upstream now, step by step, through the
    /// outbound-call rules (OIDC kinds: discovery, issuer, endpoints, keys;
    /// GitHub: API and web addresses; SAML: metadata, entity id, signing
    /// certificate, SSO endpoint); prints what was found, exits 1 naming
    /// the first failed step.
    Test { id: String },
    /// SAML: fetch the IdP metadata again from its URL (as the daily job
    /// does); a document refused keeps the stored one (exit 1).
    RefreshMetadata { id: String },
}

/// The flags every kind has (S7), and the kind-specific ones.
#[derive(Debug, Clone, Args)]
pub struct Flags {
    /// Organization (must exist) that users created just in time join.
    #[arg(long, value_name = "NAME")]
    organization: Option<String>,
    /// An email domain this provider claims (repeatable; replaces the list on update).
    #[arg(long = "domain", value_name = "D")]
    domains: Vec<String>,
    /// Label of the login-page button (default: the name).
    #[arg(long, value_name = "TEXT")]
    button_label: Option<String>,
    /// Issuer URL (oidc, okta, jumpcloud; google only for tests).
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,
    /// Client id registered at the provider.
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// Read the client secret from stdin.
    #[arg(long)]
    client_secret_stdin: bool,
    /// Scope to ask for (repeatable; default openid email profile; replaces the list on update).
    #[arg(long = "scope", value_name = "S")]
    scopes: Vec<String>,
    /// Google Workspace domain the accounts must belong to (`hd`).
    #[arg(long, value_name = "D")]
    hosted_domain: Option<String>,
    /// Microsoft Entra tenant: a tenant id, common or organizations.
    #[arg(long, value_name = "ID")]
    tenant: Option<String>,
    /// Microsoft Entra authority (default https://login.microsoftonline.com).
    #[arg(long, value_name = "URL")]
    authority_url: Option<String>,
    /// GitHub Enterprise Server API address (with --web-url).
    #[arg(long, value_name = "URL")]
    api_url: Option<String>,
    /// GitHub Enterprise Server web address (with --api-url).
    #[arg(long, value_name = "URL")]
    web_url: Option<String>,
    /// client_secret_basic (default), client_secret_post or private_key_jwt.
    #[arg(long, value_name = "M")]
    token_endpoint_auth_method: Option<String>,
    /// LDAP: the directory, ldaps://host[:port] or ldap://host[:port].
    #[arg(long, value_name = "URL")]
    url: Option<String>,
    /// LDAP: upgrade an ldap:// connection with StartTLS.
    #[arg(long)]
    starttls: bool,
    /// LDAP: the service account that searches for people.
    #[arg(long, value_name = "DN")]
    bind_dn: Option<String>,
    /// LDAP: read the service account's password from stdin.
    #[arg(long)]
    bind_password_stdin: bool,
    /// LDAP: where people are searched.
    #[arg(long, value_name = "DN")]
    user_base_dn: Option<String>,
    /// LDAP: the search filter; {username} is the address as typed
    /// (default (uid={username}); AD: sAMAccountName, userPrincipalName or mail).
    #[arg(long, value_name = "FILTER")]
    user_filter: Option<String>,
    /// LDAP direct bind: the person's DN, e.g. uid={username},ou=people,dc=example,dc=com.
    #[arg(long, value_name = "DN")]
    user_dn_template: Option<String>,
    /// LDAP: where groups naming the person are searched.
    #[arg(long, value_name = "DN")]
    group_base_dn: Option<String>,
    /// LDAP: the directory is Active Directory (objectGUID, nested groups,
    /// account state).
    #[arg(long)]
    active_directory: bool,
    /// LDAP: a PEM file of CA certificates for LDAPS/StartTLS.
    #[arg(long, value_name = "PATH")]
    ca_file: Option<String>,
    /// LDAP: allow ldap:// without StartTLS (development only).
    #[arg(long)]
    allow_plaintext: bool,
    #[command(flatten)]
    saml: crate::federation::saml_settings::SamlFlags,
    /// An upstream group → organization role rule, GROUP=ORGANIZATION:ROLE
    /// (the organization by name; repeatable; replaces the list on update).
    #[arg(long = "group-role", value_name = "RULE")]
    group_roles: Vec<String>,
}

impl Flags {
    /// Whether a secret comes on stdin (client secret or bind password).
    fn reads_secret(&self) -> bool {
        self.client_secret_stdin || self.bind_password_stdin
    }
}

/// Flags of `ostiary provider create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// oidc, google, entra, okta, jumpcloud, github or ldap.
    #[arg(long, value_enum)]
    kind: Kind,
    /// Name shown to people signing in.
    #[arg(long)]
    name: String,
    /// Link a sign-in to an existing account with the same verified email.
    #[arg(long)]
    trust_email: bool,
    /// Do not create users on first sign-in.
    #[arg(long)]
    no_jit: bool,
    /// Let local accounts in the claimed domains still sign in with a
    /// password (otherwise their addresses go to this provider).
    #[arg(long)]
    allow_local_passwords: bool,
    /// Keep the upstream's tokens, encrypted, with the linked identity.
    #[arg(long)]
    keep_tokens: bool,
    /// Register it switched off.
    #[arg(long)]
    disabled: bool,
    #[command(flatten)]
    flags: Flags,
}

/// Flags of `ostiary provider update`.
#[derive(Debug, Args)]
pub struct UpdateArgs {
    id: String,
    #[arg(long)]
    name: Option<String>,
    /// true or false.
    #[arg(long, value_name = "BOOL")]
    trust_email: Option<bool>,
    /// true or false: create users on first sign-in.
    #[arg(long, value_name = "BOOL")]
    jit: Option<bool>,
    /// true or false.
    #[arg(long, value_name = "BOOL")]
    enabled: Option<bool>,
    /// true or false: local passwords for the claimed domains.
    #[arg(long, value_name = "BOOL")]
    allow_local_passwords: Option<bool>,
    /// true or false: keep the upstream's tokens (false forgets them at
    /// the next sign-in).
    #[arg(long, value_name = "BOOL")]
    keep_tokens: Option<bool>,
    /// Claim no email domains.
    #[arg(long, conflicts_with = "domains")]
    no_domains: bool,
    /// Join no organization on first sign-in.
    #[arg(long, conflicts_with = "organization")]
    no_organization: bool,
    /// Remove every group → role rule.
    #[arg(long, conflicts_with = "group_roles")]
    clear_group_roles: bool,
    /// saml: refuse IdP-initiated sign-in again.
    #[arg(long, conflicts_with = "allow_idp_initiated")]
    no_idp_initiated: bool,
    #[command(flatten)]
    flags: Flags,
}

fn apply(spec: &mut ProviderSpec, flags: Flags) {
    let Flags {
        organization,
        domains,
        button_label,
        issuer,
        client_id,
        client_secret_stdin: _,
        scopes,
        hosted_domain,
        tenant,
        authority_url,
        api_url,
        web_url,
        token_endpoint_auth_method,
        url,
        starttls,
        bind_dn,
        bind_password_stdin: _,
        user_base_dn,
        user_filter,
        user_dn_template,
        group_base_dn,
        active_directory,
        ca_file,
        allow_plaintext,
        saml: _,
        group_roles: _,
    } = flags;
    let set = |slot: &mut Option<String>, value: Option<String>| {
        if value.is_some() {
            *slot = value;
        }
    };
    if organization.is_some() {
        spec.organization = organization;
        spec.organization_id = None;
    }
    set(&mut spec.button_label, button_label);
    set(&mut spec.issuer, issuer);
    set(&mut spec.client_id, client_id);
    set(&mut spec.hosted_domain, hosted_domain);
    set(&mut spec.tenant, tenant);
    set(&mut spec.authority_url, authority_url);
    set(&mut spec.api_url, api_url);
    set(&mut spec.web_url, web_url);
    set(
        &mut spec.token_endpoint_auth_method,
        token_endpoint_auth_method,
    );
    let ldap = &mut spec.ldap;
    set(&mut ldap.url, url);
    set(&mut ldap.bind_dn, bind_dn);
    set(&mut ldap.user_base_dn, user_base_dn);
    set(&mut ldap.user_filter, user_filter);
    set(&mut ldap.user_dn_template, user_dn_template);
    set(&mut ldap.group_base_dn, group_base_dn);
    set(&mut ldap.ca_file, ca_file);
    ldap.starttls |= starttls;
    ldap.active_directory |= active_directory;
    ldap.allow_plaintext |= allow_plaintext;
    if !domains.is_empty() {
        spec.domains = domains;
    }
    if !scopes.is_empty() {
        spec.scopes = scopes;
    }
}

/// The `--group-role` rules, parsed (none given: `None`).
fn rules(flags: &Flags) -> Result<Option<Vec<GroupRoleSpec>>, AppError> {
    if flags.group_roles.is_empty() {
        return Ok(None);
    }
    flags
        .group_roles
        .iter()
        .enumerate()
        .map(|(i, text)| {
            group_roles::parse(text).map_err(|problem| {
                let error = RuleError {
                    index: Some(i),
                    problem,
                    text: text.clone(),
                };
                AppError::BadRequest(error.message())
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// The SAML settings and SP key of a new `--kind saml` provider.
#[cfg(feature = "saml")]
async fn saml_prepare(
    state: &AppState,
    flags: &crate::federation::saml_settings::SamlFlags,
    _actor: &Actor,
) -> Result<
    (
        Option<crate::federation::saml_settings::SamlSettings>,
        Option<String>,
    ),
    AppError,
> {
    let (settings, key) = crate::federation::saml_metadata::prepare(state, flags)
        .await
        .map_err(AppError::BadRequest)?;
    Ok((Some(settings), Some(key)))
}

/// Without the `saml` feature, `--kind saml` is refused by the spec check.
#[cfg(not(feature = "saml"))]
async fn saml_prepare(
    _state: &AppState,
    _flags: &crate::federation::saml_settings::SamlFlags,
    _actor: &Actor,
) -> Result<
    (
        Option<crate::federation::saml_settings::SamlSettings>,
        Option<String>,
    ),
    AppError,
> {
    Ok((None, None))
}

/// `provider refresh-metadata ID`.
#[cfg(feature = "saml")]
async fn refresh_metadata(state: &AppState, actor: &Actor, id: &str) -> Result<Value, AppError> {
    use crate::federation::saml_refresh::{self, Change, NotRefreshable};
    match saml_refresh::refresh(state, actor, &registry::Reach::global(), id).await? {
        Ok(done) if done.result == Change::Kept => Err(AppError::BadRequest(format!(
            "the metadata was refused, the stored one is kept: {}",
            done.reason.unwrap_or_default()
        ))),
        Ok(done) => to_json(&done),
        Err(NotRefreshable::NotSaml) => Err(AppError::BadRequest(format!(
            "provider {id} is not a SAML provider"
        ))),
        Err(NotRefreshable::NoUrl) => Err(AppError::BadRequest(format!(
            "provider {id} has no metadata URL (its metadata was given as a file)"
        ))),
    }
}

/// The SAML flags of `provider update`, checked (another kind refuses
/// them) and the new document loaded before the write.
async fn saml_update(
    state: &AppState,
    reach: &registry::Reach,
    id: &str,
    flags: &crate::federation::saml_settings::SamlFlags,
    idp_initiated_off: bool,
) -> Result<Option<SamlUpdate>, AppError> {
    if !flags.any() && !idp_initiated_off {
        return Ok(None);
    }
    let current = registry::show(state, reach, id, false).await?;
    if current.kind != Kind::Saml {
        return Err(AppError::BadRequest(format!(
            "--metadata-url, --metadata-file, --saml-preset, --attribute-* and the IdP-initiated \
             flags apply to --kind saml only, not {}",
            current.kind.as_str()
        )));
    }
    saml_update_of(state, flags, idp_initiated_off)
        .await
        .map(Some)
}

#[cfg(feature = "saml")]
type SamlUpdate = crate::federation::saml_metadata::Update;

#[cfg(feature = "saml")]
async fn saml_update_of(
    state: &AppState,
    flags: &crate::federation::saml_settings::SamlFlags,
    idp_initiated_off: bool,
) -> Result<SamlUpdate, AppError> {
    SamlUpdate::of_flags(state, flags, idp_initiated_off)
        .await
        .map_err(AppError::BadRequest)
}

/// Without the `saml` feature there is never a SAML change to apply.
#[cfg(not(feature = "saml"))]
#[derive(Debug, Clone)]
enum SamlUpdate {}

#[cfg(not(feature = "saml"))]
impl SamlUpdate {
    fn apply(self, _settings: &mut crate::federation::saml_settings::SamlSettings) {
        match self {}
    }
}

#[cfg(not(feature = "saml"))]
async fn saml_update_of(
    _state: &AppState,
    _flags: &crate::federation::saml_settings::SamlFlags,
    _idp_initiated_off: bool,
) -> Result<SamlUpdate, AppError> {
    Err(AppError::BadRequest(
        "the SAML flags: SAML is not available in this build (feature saml)".into(),
    ))
}

/// Without the `saml` feature there are no SAML providers to refresh.
#[cfg(not(feature = "saml"))]
async fn refresh_metadata(_state: &AppState, _actor: &Actor, _id: &str) -> Result<Value, AppError> {
    Err(AppError::BadRequest(
        "refresh-metadata: SAML is not available in this build (feature saml)".into(),
    ))
}

/// Run the command; `read_secret` reads the secret from stdin when asked.
/// Returns the JSON to print.
pub async fn run(
    state: &AppState,
    command: ProviderCommand,
    read_secret: impl FnOnce() -> Result<String, AppError>,
) -> Result<Value, AppError> {
    let actor = Actor::system("cli");
    let reach = registry::Reach::global();
    match command {
        ProviderCommand::Create(args) => {
            let args = *args;
            let secret = args.flags.reads_secret().then(read_secret).transpose()?;
            let mut spec = ProviderSpec {
                name: args.name,
                trust_email: args.trust_email,
                jit: !args.no_jit,
                allow_local_passwords: args.allow_local_passwords,
                keep_tokens: args.keep_tokens,
                enabled: !args.disabled,
                ..ProviderSpec::default()
            };
            // SAML (issue 15): metadata fetched or read, SP key made.
            let (saml, secret) = if args.kind == Kind::Saml {
                saml_prepare(state, &args.flags.saml, &actor).await?
            } else if args.flags.saml.any() {
                return Err(AppError::BadRequest(format!(
                    "--metadata-url, --metadata-file and --attribute-* apply to --kind saml only, not {}",
                    args.kind.as_str()
                )));
            } else {
                (None, secret)
            };
            spec.saml = saml;
            spec.group_roles = rules(&args.flags)?.unwrap_or_default();
            apply(&mut spec, args.flags);
            let created =
                registry::create(state, &actor, &reach, args.kind, spec, secret).await??;
            to_json(&created)
        }
        ProviderCommand::List => to_json(&registry::list(state).await?),
        ProviderCommand::Show { id } => to_json(&registry::show(state, &reach, &id, false).await?),
        ProviderCommand::Update(args) => {
            let args = *args;
            let secret = args.flags.reads_secret().then(read_secret).transpose()?;
            let new_rules = rules(&args.flags)?;
            let saml = saml_update(
                state,
                &reach,
                &args.id,
                &args.flags.saml,
                args.no_idp_initiated,
            )
            .await?;
            let change = move |spec: &mut ProviderSpec| {
                if let (Some(update), Some(settings)) = (saml, spec.saml.as_mut()) {
                    update.apply(settings);
                }
                if let Some(name) = args.name {
                    spec.name = name;
                }
                if let Some(v) = args.trust_email {
                    spec.trust_email = v;
                }
                if let Some(v) = args.jit {
                    spec.jit = v;
                }
                if let Some(v) = args.enabled {
                    spec.enabled = v;
                }
                if let Some(v) = args.allow_local_passwords {
                    spec.allow_local_passwords = v;
                }
                if let Some(v) = args.keep_tokens {
                    spec.keep_tokens = v;
                }
                if args.no_domains {
                    spec.domains.clear();
                }
                if args.no_organization {
                    spec.organization = None;
                    spec.organization_id = None;
                }
                if args.clear_group_roles {
                    spec.group_roles.clear();
                }
                if let Some(rules) = new_rules {
                    spec.group_roles = rules;
                }
                apply(spec, args.flags);
            };
            to_json(&registry::update(state, &actor, &reach, &args.id, change, secret).await??)
        }
        ProviderCommand::Test { id } => {
            let view = registry::show(state, &reach, &id, false).await?;
            let report = crate::federation::probe::run(state, &view).await?;
            match report.checks.iter().find(|c| !c.passed_ok()) {
                None => to_json(&report),
                Some(failed) => Err(AppError::BadRequest(format!(
                    "{}: {}{}",
                    failed.step.as_str(),
                    failed.reason.map_or("failed", |r| r.as_str()),
                    failed
                        .detail
                        .as_deref()
                        .map(|d| format!(" ({d})"))
                        .unwrap_or_default()
                ))),
            }
        }
        ProviderCommand::RefreshMetadata { id } => refresh_metadata(state, &actor, &id).await,
        ProviderCommand::Delete { id } => {
            let gone = registry::delete(state, &actor, &reach, &id).await?;
            Ok(json!({ "deleted": id, "released_domains": gone.released_domains }))
        }
        ProviderCommand::Restore { id } => {
            to_json(&registry::restore(state, &actor, &reach, &id).await?)
        }
    }
}
