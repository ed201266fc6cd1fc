//! API keys as a service (S8, SR-56): made, listed, revoked and rotated by
//! the CLI now and the API and console later (one implementation of each
//! rule), and checked on every API request. A key is `ost_` and 256 random
//! bits, shown once; only its SHA-256 is stored. A key is global or bound
//! to one organization, scoped, optionally expiring, limited to networks
//! (CIDR) and to a number of requests per minute counted in the database,
//! so all instances share the count.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::json;

use crate::admin::scopes;
use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::config::parse_net;
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::{OrganizationId, TextList};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::api_keys::{self, ApiKeyRow};
use crate::store::{naive, orgs, utc, write_tx};

/// What identifies an Ostiary key (secret scanners can look for it).
pub const PREFIX: &str = "ost_";
/// The length of the window of the rate limit.
const WINDOW_SECS: i64 = 60;

/// What an operator asks for.
#[derive(Debug, Clone, Default)]
pub struct KeySpec {
    pub name: String,
    /// Bound to this organization, by name (the CLI) …
    pub organization: Option<String>,
    /// … or by id (the API).
    pub organization_id: Option<OrganizationId>,
    pub scopes: Vec<String>,
    pub expires_in: Option<Duration>,
    pub allowed_ips: Vec<String>,
    pub rate_limit_per_min: Option<i32>,
    pub vendor: bool,
}

/// Who manages keys: an operator (the CLI: everything), or an admin-API
/// caller, whose reach and scopes bound every key it makes, rotates or
/// revokes — a key never begets a key stronger than itself (SR-100).
#[derive(Debug, Clone)]
pub struct Manager {
    /// `None`: every key; else keys bound to these organizations.
    pub organizations: Option<Vec<OrganizationId>>,
    pub scopes: Vec<String>,
    /// When the manager is itself a key: its limits, which every key it
    /// makes inherits and which bound every key it touches.
    pub limits: Option<KeyLimits>,
}

/// What confines a key besides its scopes and organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyLimits {
    pub vendor: bool,
    /// CIDR blocks (none: anywhere).
    pub nets: Vec<String>,
    pub expires_at: Option<DateTime<Utc>>,
    pub rate_limit_per_min: Option<i32>,
}

impl KeyLimits {
    /// The limits of a stored key.
    pub fn of(row: &ApiKeyRow) -> Self {
        Self {
            vendor: row.vendor,
            nets: row.allowed_ips.to_vec(),
            expires_at: row.expires_at.map(utc),
            rate_limit_per_min: row.rate_limit_per_min,
        }
    }

    /// The first limit of ours that `other` escapes, by field name: a
    /// vendor key's duty to name user and ticket, a network, an expiry, a
    /// rate.
    fn escaped_by(&self, other: &KeyLimits) -> Option<&'static str> {
        let ours: Vec<ipnet::IpNet> = self.nets.iter().filter_map(|n| n.parse().ok()).collect();
        let within = |net: &String| {
            net.parse::<ipnet::IpNet>()
                .is_ok_and(|n| ours.iter().any(|o| o.contains(&n)))
        };
        if self.vendor && !other.vendor {
            Some("vendor")
        } else if !ours.is_empty() && (other.nets.is_empty() || !other.nets.iter().all(within)) {
            Some("allowed_ips")
        } else if self
            .expires_at
            .is_some_and(|ours| other.expires_at.is_none_or(|theirs| theirs > ours))
        {
            Some("expires_in")
        } else if self
            .rate_limit_per_min
            .is_some_and(|ours| other.rate_limit_per_min.is_none_or(|theirs| theirs > ours))
        {
            Some("rate_limit_per_min")
        } else {
            None
        }
    }
}

impl Manager {
    pub fn operator() -> Self {
        Self {
            organizations: None,
            scopes: vec!["*".into()],
            limits: None,
        }
    }

    /// Fill what a new key leaves open with the manager's own limits, so
    /// that by default a key makes a key like itself.
    fn inherit(&self, spec: &mut KeySpec, now: DateTime<Utc>) {
        let Some(limits) = &self.limits else {
            return;
        };
        spec.vendor |= limits.vendor;
        if spec.allowed_ips.is_empty() {
            spec.allowed_ips = limits.nets.clone();
        }
        if spec.expires_in.is_none() {
            spec.expires_in = limits.expires_at.map(|at| at - now);
        }
        if spec.rate_limit_per_min.is_none() {
            spec.rate_limit_per_min = limits.rate_limit_per_min;
        }
    }

    /// The limit of the manager's that `other` escapes, if any.
    fn escaped_by(&self, other: &KeyLimits) -> Option<&'static str> {
        self.limits.as_ref().and_then(|l| l.escaped_by(other))
    }

    /// Whether every one of `wanted` is within the manager's scopes.
    fn covers(&self, wanted: &[String]) -> bool {
        wanted.iter().all(|w| scopes::covers(&self.scopes, w))
    }

    fn reaches(&self, org: Option<&OrganizationId>) -> bool {
        match (&self.organizations, org) {
            (None, _) => true,
            (Some(list), Some(org)) => list.contains(org),
            (Some(_), None) => false,
        }
    }
}

/// Invalid input: the API's field, the CLI's flag, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub flag: &'static str,
    pub message: String,
}

/// Why a key was not made, rotated or revoked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRefusal {
    /// No such key in reach.
    NotFound,
    /// Beyond the manager's scopes or reach (the field says which).
    Beyond(&'static str),
    Invalid(Invalid),
    /// Revoked or expired: nothing to rotate.
    Dead,
    AlreadyRevoked,
}

impl KeyRefusal {
    /// The refusal as the CLI reports it.
    pub fn into_error(self) -> AppError {
        match self {
            Self::NotFound => AppError::NotFound,
            Self::Beyond(field) => bad(format!("{field}: beyond what you may grant")),
            Self::Invalid(i) => bad(format!("{} {}", i.flag, i.message)),
            Self::Dead => {
                AppError::Conflict("the API key is revoked or expired: create a new one".into())
            }
            Self::AlreadyRevoked => AppError::Conflict("the API key is already revoked".into()),
        }
    }
}

/// A key as shown (never the key itself, never its hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    /// The organization's name (none: a global key).
    pub organization: Option<String>,
    pub organization_id: Option<String>,
    pub scopes: Vec<String>,
    pub vendor: bool,
    pub allowed_ips: Vec<String>,
    pub rate_limit_per_min: Option<i32>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_used_ip: Option<String>,
    pub use_count: i64,
}

/// A new key: its view and, this once, the key.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
    /// The key itself: shown only in this answer.
    pub key: String,
    #[serde(flatten)]
    pub view: KeyView,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

fn invalid(field: &'static str, flag: &'static str, message: impl Into<String>) -> KeyRefusal {
    KeyRefusal::Invalid(Invalid {
        field,
        flag,
        message: message.into(),
    })
}

/// How a key is shown; `created_at` and `id` also page the list.
pub fn view(conn: &mut crate::db::DbConnection, row: ApiKeyRow) -> Result<KeyView, AppError> {
    let organization = match &row.organization_id {
        Some(id) => orgs::name_of(conn, id)?,
        None => None,
    };
    Ok(KeyView {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        organization,
        organization_id: row.organization_id.map(|o| o.to_string()),
        scopes: row.scopes.to_vec(),
        vendor: row.vendor,
        allowed_ips: row.allowed_ips.to_vec(),
        rate_limit_per_min: row.rate_limit_per_min,
        expires_at: row.expires_at.map(utc),
        revoked_at: row.revoked_at.map(utc),
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
        last_used_ip: row.last_used_ip,
        use_count: row.use_count,
    })
}

/// The checked parts of a spec: scopes, networks (canonical CIDR).
fn checked(spec: &KeySpec) -> Result<(Vec<String>, Vec<String>), KeyRefusal> {
    let name = spec.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(invalid(
            "name",
            "--name",
            "must be 1 to 100 characters, none of them control characters",
        ));
    }
    if spec.scopes.is_empty() {
        return Err(invalid(
            "scopes",
            "--scope",
            "is required (e.g. users:read, or * for all)",
        ));
    }
    let mut scopes = Vec::new();
    for raw in &spec.scopes {
        let scope = scopes::parse(raw).map_err(|m| invalid("scopes", "--scope", m))?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let mut nets = Vec::new();
    for raw in &spec.allowed_ips {
        let net = parse_net(raw).ok_or_else(|| {
            invalid(
                "allowed_ips",
                "--allow-ip",
                format!("{raw:?} is not an address or CIDR block (e.g. 203.0.113.0/24)"),
            )
        })?;
        nets.push(net.to_string());
    }
    if spec
        .rate_limit_per_min
        .is_some_and(|n| !(1..=100_000).contains(&n))
    {
        return Err(invalid(
            "rate_limit_per_min",
            "--rate-limit",
            "must be 1/min to 100000/min",
        ));
    }
    if spec.expires_in.is_some_and(|d| d <= Duration::zero()) {
        return Err(invalid("expires_in", "--expires-in", "must be positive"));
    }
    Ok((scopes, nets))
}

fn new_row(
    spec: &KeySpec,
    scopes: Vec<String>,
    nets: Vec<String>,
    organization_id: Option<OrganizationId>,
    created_by: Option<String>,
    now: DateTime<Utc>,
) -> (ApiKeyRow, String) {
    let key = format!("{PREFIX}{}", random_token());
    let row = ApiKeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        name: spec.name.trim().to_owned(),
        prefix: key.chars().take(PREFIX.len() + 6).collect(),
        secret_hash: sha256_hex(key.as_bytes()),
        organization_id,
        scopes: TextList::new(scopes),
        vendor: spec.vendor,
        allowed_ips: TextList::new(nets),
        rate_limit_per_min: spec.rate_limit_per_min,
        expires_at: spec.expires_in.map(|d| naive(now + d)),
        revoked_at: None,
        created_by,
        created_at: naive(now),
        last_used_at: None,
        last_used_ip: None,
        use_count: 0,
        window_start: None,
        window_count: 0,
    };
    (row, key)
}

fn audit_details(view: &KeyView) -> serde_json::Value {
    json!({
        "name": view.name,
        "prefix": view.prefix,
        "organization": view.organization,
        "scopes": view.scopes,
        "vendor": view.vendor,
        "allowed_ips": view.allowed_ips,
        "rate_limit_per_min": view.rate_limit_per_min,
        "expires_at": view.expires_at,
    })
}

/// The organization a new key is bound to: named, or given by id, or the
/// manager's only one; within the manager's reach.
fn organization_of(
    conn: &mut crate::db::DbConnection,
    manager: &Manager,
    spec: &KeySpec,
) -> Result<Result<Option<OrganizationId>, KeyRefusal>, AppError> {
    let id = match (&spec.organization, &spec.organization_id) {
        (Some(name), _) => match orgs::find_by_name(conn, name.trim())? {
            Some(org) => Some(org.id),
            None => {
                return Ok(Err(invalid(
                    "organization_id",
                    "--org",
                    format!("names no organization ({name:?})"),
                )));
            }
        },
        (None, Some(id)) => match orgs::find_in(conn, manager.organizations.as_deref(), id)? {
            Some(org) => Some(org.id),
            None => {
                return Ok(Err(invalid(
                    "organization_id",
                    "--org",
                    "names no organization in your reach",
                )));
            }
        },
        (None, None) => match manager.organizations.as_deref() {
            Some([only]) => Some(only.clone()),
            _ => None,
        },
    };
    if !manager.reaches(id.as_ref()) {
        return Ok(Err(KeyRefusal::Beyond("organization_id")));
    }
    Ok(Ok(id))
}

/// Make a key as `manager`; the answer holds the key, which is not stored.
pub async fn create_by(
    state: &AppState,
    actor: &Actor,
    manager: &Manager,
    mut spec: KeySpec,
) -> Result<Result<Created, KeyRefusal>, AppError> {
    let now = state.now();
    manager.inherit(&mut spec, now);
    let (scopes, nets) = match checked(&spec) {
        Ok(parts) => parts,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if !manager.covers(&scopes) {
        return Ok(Err(KeyRefusal::Beyond("scopes")));
    }
    let limits = KeyLimits {
        vendor: spec.vendor,
        nets: nets.clone(),
        expires_at: spec.expires_in.map(|d| now + d),
        rate_limit_per_min: spec.rate_limit_per_min,
    };
    if let Some(field) = manager.escaped_by(&limits) {
        return Ok(Err(KeyRefusal::Beyond(field)));
    }
    let (actor, manager) = (actor.clone(), manager.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let organization_id = match organization_of(conn, &manager, &spec)? {
                    Ok(id) => id,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let (row, key) = new_row(
                    &spec,
                    scopes.clone(),
                    nets.clone(),
                    organization_id,
                    actor.id.clone(),
                    now,
                );
                api_keys::insert(conn, &row)?;
                let view = view(conn, row)?;
                let mut event = Event::new(Action::ApiKeyCreated, Outcome::Success)
                    .target("api_key", view.id.as_str())
                    .details(audit_details(&view));
                if let Some(org) = &view.organization_id {
                    event = event.organization(org);
                }
                audit::record(conn, &actor, event, now)?;
                Ok(Ok(Created {
                    id: view.id.clone(),
                    key,
                    view,
                }))
            })
        })
        .await
}

/// Make a key as the operator (the CLI).
pub async fn create(state: &AppState, actor: &Actor, spec: KeySpec) -> Result<Created, AppError> {
    create_by(state, actor, &Manager::operator(), spec)
        .await?
        .map_err(KeyRefusal::into_error)
}

/// Every key, oldest first.
pub async fn list(state: &AppState) -> Result<Vec<KeyView>, AppError> {
    state
        .db
        .run(|conn| {
            api_keys::list(conn)?
                .into_iter()
                .map(|row| view(conn, row))
                .collect()
        })
        .await
}

/// The live key `id` the manager may touch: in reach, and no stronger
/// than the manager.
fn touchable(
    conn: &mut crate::db::DbConnection,
    manager: &Manager,
    id: &str,
) -> Result<Result<ApiKeyRow, KeyRefusal>, AppError> {
    let Some(row) = api_keys::find_in(conn, manager.organizations.as_deref(), id)? else {
        return Ok(Err(KeyRefusal::NotFound));
    };
    if !manager.covers(&row.scopes) {
        return Ok(Err(KeyRefusal::Beyond("scopes")));
    }
    if let Some(field) = manager.escaped_by(&KeyLimits::of(&row)) {
        return Ok(Err(KeyRefusal::Beyond(field)));
    }
    Ok(Ok(row))
}

/// Revoke a key now, as `manager`.
pub async fn revoke_by(
    state: &AppState,
    actor: &Actor,
    manager: &Manager,
    id: &str,
) -> Result<Result<KeyView, KeyRefusal>, AppError> {
    let (actor, manager, id, now) = (actor.clone(), manager.clone(), id.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if let Err(refusal) = touchable(conn, &manager, &id)? {
                    return Ok(Err(refusal));
                }
                if !api_keys::revoke(conn, &id, naive(now))? {
                    return Ok(Err(KeyRefusal::AlreadyRevoked));
                }
                let row = api_keys::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let view = view(conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ApiKeyRevoked, Outcome::Success)
                        .target("api_key", id.as_str())
                        .details(json!({
                            "before": { "revoked": false },
                            "after": { "revoked": true },
                            "key": audit_details(&view),
                        })),
                    now,
                )?;
                Ok(Ok(view))
            })
        })
        .await
}

/// Revoke a key now, as the operator.
pub async fn revoke(state: &AppState, actor: &Actor, id: &str) -> Result<KeyView, AppError> {
    revoke_by(state, actor, &Manager::operator(), id)
        .await?
        .map_err(KeyRefusal::into_error)
}

/// Replace a key by a new one with the same settings, as `manager`; the
/// old one keeps working for `overlap` (never longer than it would have).
pub async fn rotate_by(
    state: &AppState,
    actor: &Actor,
    manager: &Manager,
    id: &str,
    overlap: Duration,
) -> Result<Result<Created, KeyRefusal>, AppError> {
    if overlap < Duration::zero() || overlap > Duration::days(30) {
        return Ok(Err(invalid(
            "overlap",
            "--overlap",
            "must be between 0s and 30d",
        )));
    }
    let (actor, manager, id, now) = (actor.clone(), manager.clone(), id.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let old = match touchable(conn, &manager, &id)? {
                    Ok(old) => old,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                let live =
                    old.revoked_at.is_none() && old.expires_at.is_none_or(|at| utc(at) > now);
                if !live {
                    return Ok(Err(KeyRefusal::Dead));
                }
                let spec = KeySpec {
                    name: old.name.clone(),
                    vendor: old.vendor,
                    rate_limit_per_min: old.rate_limit_per_min,
                    expires_in: old.expires_at.map(|at| utc(at) - now),
                    ..KeySpec::default()
                };
                let (row, key) = new_row(
                    &spec,
                    old.scopes.to_vec(),
                    old.allowed_ips.to_vec(),
                    old.organization_id.clone(),
                    actor.id.clone(),
                    now,
                );
                api_keys::insert(conn, &row)?;
                api_keys::expire_by(conn, &id, naive(now + overlap))?;
                let view = view(conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ApiKeyRotated, Outcome::Success)
                        .target("api_key", id.as_str())
                        .details(json!({
                            "replaced_by": view.id,
                            "overlap_secs": overlap.num_seconds(),
                        })),
                    now,
                )?;
                Ok(Ok(Created {
                    id: view.id.clone(),
                    key,
                    view,
                }))
            })
        })
        .await
}

/// Rotate a key as the operator.
pub async fn rotate(
    state: &AppState,
    actor: &Actor,
    id: &str,
    overlap: Duration,
) -> Result<Created, AppError> {
    rotate_by(state, actor, &Manager::operator(), id, overlap)
        .await?
        .map_err(KeyRefusal::into_error)
}

/// Why a presented key is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Unknown, revoked or expired: 401.
    Unknown,
    /// Not from an allowed network: 403.
    Network,
    /// Over its rate: 429, retry after this many seconds.
    Limited { retry_after: i64 },
}

/// Check a presented key from `ip` and count the use.
pub async fn authenticate(
    state: &AppState,
    presented: &str,
    ip: &str,
) -> Result<Result<ApiKeyRow, Refused>, AppError> {
    if !presented.starts_with(PREFIX) || presented.len() > 200 {
        return Ok(Err(Refused::Unknown));
    }
    let hash = sha256_hex(presented.as_bytes());
    let (ip, now) = (ip.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            let Some(key) = api_keys::find_by_hash(conn, &hash)? else {
                return Ok(Err(Refused::Unknown));
            };
            let live = key.revoked_at.is_none() && key.expires_at.is_none_or(|at| utc(at) > now);
            if !live {
                return Ok(Err(Refused::Unknown));
            }
            let nets = key.allowed_ips.to_vec();
            let from = ip.parse::<std::net::IpAddr>().ok();
            let allowed = nets.is_empty()
                || from.is_some_and(|addr| {
                    nets.iter()
                        .filter_map(|n| n.parse::<ipnet::IpNet>().ok())
                        .any(|n| n.contains(&addr))
                });
            if !allowed {
                return Ok(Err(Refused::Network));
            }
            // Counted in one serialized write, so parallel requests (on any
            // instance) cannot all pass the same count.
            let cutoff = naive(now - Duration::seconds(WINDOW_SECS));
            let used = write_tx(conn, |conn| {
                let current = api_keys::find(conn, &key.id)?.ok_or(AppError::NotFound)?;
                crate::alerts::key_ips::note(conn, &key.id, &ip, now)?;
                api_keys::record_use(conn, &current, &ip, naive(now), cutoff)
            })?;
            if let Some(limit) = used.rate_limit_per_min
                && used.window_count > limit
            {
                let start = used.window_start.map_or(now, utc);
                let retry_after = (start + Duration::seconds(WINDOW_SECS) - now)
                    .num_seconds()
                    .max(1);
                return Ok(Err(Refused::Limited { retry_after }));
            }
            Ok(Ok(used))
        })
        .await
}

#[cfg(test)]
mod tests {
    use crate::config::parse_net;

    #[test]
    fn networks_are_addresses_or_blocks() {
        assert_eq!(
            parse_net("203.0.113.7").unwrap().to_string(),
            "203.0.113.7/32"
        );
        assert_eq!(
            parse_net("203.0.113.7/24").unwrap().to_string(),
            "203.0.113.0/24"
        );
        assert_eq!(
            parse_net("2001:db8::1/64").unwrap().to_string(),
            "2001:db8::/64"
        );
        assert!(parse_net("example.com").is_none());
        assert!(parse_net("10.0.0.0/33").is_none());
    }
}
