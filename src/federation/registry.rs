//! The provider registry as a service: create, list, show, update and
//! delete providers, for the CLI now and the admin API and console later
//! (one implementation of each rule). Secrets are sealed with the envelope
//! key before they are stored and never leave this module (SR-115); every
//! change is audited with its actor, without the secret.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::spec::{self, ProviderSpec, Settings};
use crate::state::AppState;
use crate::store::providers::{self, ProviderRow, Refused};
use crate::store::{naive, orgs, utc, write_tx};

/// A provider as shown (JSON): never its secret, only whether it has one.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    pub enabled: bool,
    pub organization: Option<String>,
    pub domains: Vec<String>,
    pub trust_email: bool,
    pub jit: bool,
    pub allow_local_passwords: bool,
    pub keep_tokens: bool,
    pub button_label: Option<String>,
    pub settings: Settings,
    pub has_secret: bool,
    /// The redirect URI to register upstream (redirect-based kinds).
    pub callback_url: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

fn secret_context(id: &str) -> String {
    format!("provider:{id}:secret")
}

/// `{issuer}/login/providers/{id}/callback`
pub fn callback_url(state: &AppState, id: &str) -> String {
    format!(
        "{}/login/providers/{id}/callback",
        state.config.public_base()
    )
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

fn view(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    row: ProviderRow,
) -> Result<ProviderView, AppError> {
    let kind = Kind::parse(&row.kind)
        .ok_or_else(|| AppError::Internal(format!("provider {}: unknown kind", row.id)))?;
    let settings: Settings = serde_json::from_str(&row.settings).map_err(|e| {
        AppError::Internal(format!("provider {}: settings unreadable: {e}", row.id))
    })?;
    let organization = match &row.organization_id {
        Some(id) => orgs::name_of(conn, id)?,
        None => None,
    };
    Ok(ProviderView {
        domains: providers::domains_of(conn, &row.id)?,
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

/// The checked row for `spec` (secret sealed) and its domains.
#[allow(clippy::too_many_arguments)]
fn checked_row(
    state: &AppState,
    conn: &mut crate::db::DbConnection,
    id: &str,
    kind: Kind,
    spec: &ProviderSpec,
    secret: SecretChange<'_>,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(ProviderRow, Vec<String>), AppError> {
    let allow_private = state.config.oidc.allow_private_targets;
    let (settings, domains) = spec::validate(kind, spec, allow_private).map_err(bad)?;
    let secret = match secret {
        SecretChange::New(s) if s.is_empty() || s.len() > 4096 => {
            return Err(bad("the client secret must be 1 to 4096 bytes"));
        }
        SecretChange::New(s) => Some(state.envelope.encrypt(s.as_bytes(), &secret_context(id))?),
        SecretChange::Keep(sealed) => sealed,
    };
    if settings.needs_secret() && secret.is_none() {
        return Err(bad(format!(
            "--kind {} with {} needs --client-secret-stdin",
            kind.as_str(),
            settings.token_endpoint_auth_method
        )));
    }
    let organization_id = match &spec.organization {
        Some(name) => Some(
            orgs::find_by_name(conn, name.trim())?
                .ok_or_else(|| bad(format!("no organization named {name:?}")))?
                .id,
        ),
        None => None,
    };
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
        created_at: naive(created_at),
        updated_at: naive(now),
        allow_local_passwords: spec.allow_local_passwords,
        keep_tokens: spec.keep_tokens,
    };
    Ok((row, domains))
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
        "domains": view.domains,
        "trust_email": view.trust_email,
        "jit": view.jit,
        "allow_local_passwords": view.allow_local_passwords,
        "keep_tokens": view.keep_tokens,
        "settings": view.settings,
    })
}

/// Register a provider; its id and callback URL are in the answer.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    kind: Kind,
    spec: ProviderSpec,
    secret: Option<String>,
) -> Result<ProviderView, AppError> {
    let now = state.now();
    let id = uuid::Uuid::now_v7().to_string();
    let (st, actor) = (state.clone(), actor.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let secret = match &secret {
                    Some(s) => SecretChange::New(s),
                    None => SecretChange::Keep(None),
                };
                let (row, domains) = checked_row(&st, conn, &id, kind, &spec, secret, now, now)?;
                if let Some(why) = providers::insert(conn, &row, &domains)? {
                    return Err(refused(why));
                }
                let created = view(&st, conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderCreated, Outcome::Success)
                        .target("provider", created.id.as_str())
                        .details(details(&created)),
                    now,
                )?;
                Ok(created)
            })
        })
        .await
}

/// Every provider, by name.
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

/// One provider.
pub async fn show(state: &AppState, id: &str) -> Result<ProviderView, AppError> {
    let (st, id) = (state.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            let row = providers::find(conn, &id)?.ok_or(AppError::NotFound)?;
            view(&st, conn, row)
        })
        .await
}

/// The spec a stored provider was made from (to change some of it).
pub fn spec_of(view: &ProviderView) -> ProviderSpec {
    let s = &view.settings;
    ProviderSpec {
        name: view.name.clone(),
        organization: view.organization.clone(),
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
        client_id: Some(s.client_id.clone()),
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
        token_endpoint_auth_method: Some(s.token_endpoint_auth_method.clone()),
    }
}

/// Change a provider: `change` edits its current spec; a new secret
/// replaces the sealed one, none keeps it. Checked like a creation.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: &str,
    change: impl FnOnce(&mut ProviderSpec) + Send + 'static,
    secret: Option<String>,
) -> Result<ProviderView, AppError> {
    let now = state.now();
    let (st, actor, id) = (state.clone(), actor.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let old = providers::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let kept_secret = old.secret.clone();
                let before = view(&st, conn, old)?;
                let mut spec = spec_of(&before);
                change(&mut spec);
                let change = match &secret {
                    Some(s) => SecretChange::New(s),
                    None => SecretChange::Keep(kept_secret),
                };
                let (row, domains) = checked_row(
                    &st,
                    conn,
                    &id,
                    before.kind,
                    &spec,
                    change,
                    before.created_at,
                    now,
                )?;
                if let Some(why) = providers::update(conn, &row, &domains)? {
                    return Err(refused(why));
                }
                let after = view(&st, conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderUpdated, Outcome::Success)
                        .target("provider", id.as_str())
                        .details(json!({
                            "before": details(&before),
                            "after": details(&after),
                            "secret_replaced": secret.is_some(),
                        })),
                    now,
                )?;
                Ok(after)
            })
        })
        .await
}

/// Delete a provider (and its claimed domains).
pub async fn delete(state: &AppState, actor: &Actor, id: &str) -> Result<(), AppError> {
    let now = state.now();
    let (st, actor, id) = (state.clone(), actor.clone(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let row = providers::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let gone = view(&st, conn, row)?;
                providers::delete(conn, &id)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ProviderDeleted, Outcome::Success)
                        .target("provider", id.as_str())
                        .details(details(&gone)),
                    now,
                )?;
                Ok(())
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
            p.enabled && Kind::parse(&p.kind).is_some_and(|k| k.is_oidc() || k == Kind::Github)
        })
        .map(|p| Button {
            icon: Kind::parse(&p.kind).map_or("oidc", Kind::upstream_type),
            label: p.button_label.unwrap_or(p.name),
            id: p.id,
        })
        .collect())
}
