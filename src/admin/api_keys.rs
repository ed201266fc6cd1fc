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
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::TextList;
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
    pub organization: Option<String>,
    pub scopes: Vec<String>,
    pub expires_in: Option<Duration>,
    pub allowed_ips: Vec<String>,
    pub rate_limit_per_min: Option<i32>,
    pub vendor: bool,
}

/// A key as shown (never the key itself, never its hash).
#[derive(Debug, Clone, Serialize)]
pub struct KeyView {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub organization: Option<String>,
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
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub id: String,
    pub key: String,
    #[serde(flatten)]
    pub view: KeyView,
}

fn bad(message: impl Into<String>) -> AppError {
    AppError::BadRequest(message.into())
}

fn view(conn: &mut crate::db::DbConnection, row: ApiKeyRow) -> Result<KeyView, AppError> {
    let organization = match &row.organization_id {
        Some(id) => orgs::name_of(conn, id)?,
        None => None,
    };
    Ok(KeyView {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        organization,
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
fn checked(spec: &KeySpec) -> Result<(Vec<String>, Vec<String>), AppError> {
    let name = spec.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(bad("--name must be 1 to 100 characters"));
    }
    if spec.scopes.is_empty() {
        return Err(bad("--scope is required (e.g. users:read, or * for all)"));
    }
    let mut scopes = Vec::new();
    for raw in &spec.scopes {
        let scope = scopes::parse(raw).map_err(bad)?;
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let mut nets = Vec::new();
    for raw in &spec.allowed_ips {
        let net = parse_net(raw).ok_or_else(|| {
            bad(format!(
                "--allow-ip {raw:?} is not an address or CIDR block (e.g. 203.0.113.0/24)"
            ))
        })?;
        nets.push(net.to_string());
    }
    if spec
        .rate_limit_per_min
        .is_some_and(|n| !(1..=100_000).contains(&n))
    {
        return Err(bad("--rate-limit must be 1/min to 100000/min"));
    }
    if spec.expires_in.is_some_and(|d| d <= Duration::zero()) {
        return Err(bad("--expires-in must be positive"));
    }
    Ok((scopes, nets))
}

/// An address or CIDR block.
fn parse_net(raw: &str) -> Option<ipnet::IpNet> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| raw.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
        .map(|n| n.trunc())
}

fn new_row(
    spec: &KeySpec,
    scopes: Vec<String>,
    nets: Vec<String>,
    organization_id: Option<crate::domain::OrganizationId>,
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

/// Make a key; the answer holds the key, which is not stored.
pub async fn create(state: &AppState, actor: &Actor, spec: KeySpec) -> Result<Created, AppError> {
    let (scopes, nets) = checked(&spec)?;
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let organization_id = match &spec.organization {
                    Some(name) => Some(
                        orgs::find_by_name(conn, name.trim())?
                            .ok_or_else(|| bad(format!("no organization named {name:?}")))?
                            .id,
                    ),
                    None => None,
                };
                let (row, key) =
                    new_row(&spec, scopes, nets, organization_id, actor.id.clone(), now);
                api_keys::insert(conn, &row)?;
                let view = view(conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ApiKeyCreated, Outcome::Success)
                        .target("api_key", view.id.as_str())
                        .details(audit_details(&view)),
                    now,
                )?;
                Ok(Created {
                    id: view.id.clone(),
                    key,
                    view,
                })
            })
        })
        .await
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

/// Revoke a key now.
pub async fn revoke(state: &AppState, actor: &Actor, id: &str) -> Result<KeyView, AppError> {
    let (actor, id, now) = (actor.clone(), id.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !api_keys::revoke(conn, &id, naive(now))? {
                    return Err(match api_keys::find(conn, &id)? {
                        Some(_) => AppError::Conflict(format!("API key {id} is already revoked")),
                        None => AppError::NotFound,
                    });
                }
                let row = api_keys::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let view = view(conn, row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ApiKeyRevoked, Outcome::Success)
                        .target("api_key", id.as_str())
                        .details(audit_details(&view)),
                    now,
                )?;
                Ok(view)
            })
        })
        .await
}

/// Replace a key by a new one with the same settings; the old one keeps
/// working for `overlap` (never longer than it would have).
pub async fn rotate(
    state: &AppState,
    actor: &Actor,
    id: &str,
    overlap: Duration,
) -> Result<Created, AppError> {
    if overlap < Duration::zero() || overlap > Duration::days(30) {
        return Err(bad("--overlap must be between 0s and 30d"));
    }
    let (actor, id, now) = (actor.clone(), id.to_owned(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let old = api_keys::find(conn, &id)?.ok_or(AppError::NotFound)?;
                let live =
                    old.revoked_at.is_none() && old.expires_at.is_none_or(|at| utc(at) > now);
                if !live {
                    return Err(AppError::Conflict(format!(
                        "API key {id} is revoked or expired: create a new one"
                    )));
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
                Ok(Created {
                    id: view.id.clone(),
                    key,
                    view,
                })
            })
        })
        .await
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
    use super::parse_net;

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
