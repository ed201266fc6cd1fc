//! Changing MFA policies and acknowledging upstream MFA (S5), with their
//! audit records — the operations behind `ostiary mfa …` and
//! `/api/v1/mfa-policies`. Subjects are checked: a login method or upstream type
//! must be known, an organization is named (by name or id) and stored by
//! id, a client must exist.
//!
//! Reach (S8, SR-100): a caller limited to organizations reads and changes
//! only the rules of those organizations; global, login-method, upstream
//! and client rules and the upstream acknowledgments are for callers of
//! global reach (clients have no organization yet). Another
//! organization's rule is not found.

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::policy::{self, LOGIN_METHODS, OPTIONAL, REQUIRED, Scope, UPSTREAM_TYPES};
use crate::db::DbConnection;
use crate::domain::{ClientId, OrganizationId};
use crate::error::AppError;
use crate::store::mfa_policies::{self, Acknowledgment, PolicyRow};
use crate::store::{clients, naive, orgs, write_tx};

/// The stored subject for `scope` and what the operator typed, or why it
/// is refused.
fn subject(conn: &mut DbConnection, scope: Scope, given: Option<&str>) -> Result<String, AppError> {
    let bad = |msg: String| Err(AppError::BadRequest(msg));
    match (scope, given) {
        (Scope::Global, None | Some("*")) => Ok("*".into()),
        (Scope::Global, Some(_)) => bad("a global rule takes no --subject".into()),
        (_, None) => bad(format!("a {scope} rule needs --subject")),
        (Scope::LoginMethod, Some(m)) if LOGIN_METHODS.contains(&m) => Ok(m.to_owned()),
        (Scope::LoginMethod, Some(m)) => bad(format!(
            "unknown login method {m:?}; expected one of {}",
            LOGIN_METHODS.join(", ")
        )),
        (Scope::Upstream, Some(u)) if UPSTREAM_TYPES.contains(&u) => Ok(u.to_owned()),
        (Scope::Upstream, Some(u)) => bad(format!(
            "unknown upstream type {u:?}; expected one of {}",
            UPSTREAM_TYPES.join(", ")
        )),
        (Scope::Organization, Some(name)) => {
            let by_id = orgs::find_in(conn, None, &OrganizationId::from(name))?;
            match by_id.map_or_else(|| orgs::find_by_name(conn, name), |o| Ok(Some(o)))? {
                Some(org) => Ok(org.id.into_string()),
                None => bad(format!("no organization named {name:?}")),
            }
        }
        (Scope::Client, Some(id)) => match clients::find(conn, &ClientId::from(id))? {
            Some(c) => Ok(c.id.into_string()),
            None => bad(format!("no client with id {id:?}")),
        },
    }
}

/// The organizations a caller reaches (`None`: everything).
pub type Reach<'a> = Option<&'a [OrganizationId]>;

/// Why a caller limited to organizations may not touch a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfReach {
    /// Not an organization rule: for callers of global reach only.
    GlobalOnly,
    /// Another organization's (or no such) organization.
    NotFound,
}

impl From<OutOfReach> for AppError {
    fn from(o: OutOfReach) -> Self {
        match o {
            OutOfReach::GlobalOnly => {
                AppError::BadRequest("this rule is for callers of global reach".into())
            }
            OutOfReach::NotFound => AppError::NotFound,
        }
    }
}

/// The stored subject of a rule the caller may touch, or why not.
fn reachable_subject(
    conn: &mut DbConnection,
    reach: Reach<'_>,
    scope: Scope,
    given: Option<&str>,
) -> Result<Result<String, OutOfReach>, AppError> {
    let Some(ids) = reach else {
        return subject(conn, scope, given).map(Ok);
    };
    if scope != Scope::Organization {
        return Ok(Err(OutOfReach::GlobalOnly));
    }
    Ok(match subject(conn, scope, given) {
        Ok(id) if ids.iter().any(|o| o.as_str() == id) => Ok(id),
        Ok(_) | Err(AppError::BadRequest(_)) => Err(OutOfReach::NotFound),
        Err(e) => return Err(e),
    })
}

/// Create or change a rule; returns it.
pub fn set(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: Reach<'_>,
    scope: Scope,
    given_subject: Option<&str>,
    requirement: &str,
    now: DateTime<Utc>,
) -> Result<Result<PolicyRow, OutOfReach>, AppError> {
    if requirement != REQUIRED && requirement != OPTIONAL {
        return Err(AppError::BadRequest(format!(
            "requirement must be {REQUIRED} or {OPTIONAL}, not {requirement:?}"
        )));
    }
    let set = write_tx(conn, |conn| {
        let subject = match reachable_subject(conn, reach, scope, given_subject)? {
            Ok(subject) => subject,
            Err(why) => return Ok(Err(why)),
        };
        let previous =
            mfa_policies::upsert(conn, scope.as_str(), &subject, requirement, naive(now))?;
        audit::record(
            conn,
            actor,
            Event::new(Action::MfaPolicyChanged, Outcome::Success)
                .target("mfa_policy", format!("{}:{subject}", scope.as_str()))
                .details(serde_json::json!({
                    "scope": scope.as_str(), "subject": subject,
                    "requirement": requirement, "previous": previous,
                })),
            now,
        )?;
        mfa_policies::find(conn, scope.as_str(), &subject)?
            .ok_or_else(|| AppError::Internal("policy vanished after upsert".into()))
            .map(Ok)
    })?;
    // Committed: the cached rules are stale now (never before the commit).
    mfa_policies::changed();
    Ok(set)
}

/// Delete a rule; `false` when there was none.
pub fn remove(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: Reach<'_>,
    scope: Scope,
    given_subject: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Result<bool, OutOfReach>, AppError> {
    let removed = write_tx(conn, |conn| {
        let subject = match reachable_subject(conn, reach, scope, given_subject)? {
            Ok(subject) => subject,
            Err(why) => return Ok(Err(why)),
        };
        let removed = mfa_policies::remove(conn, scope.as_str(), &subject)?;
        if removed {
            audit::record(
                conn,
                actor,
                Event::new(Action::MfaPolicyChanged, Outcome::Success)
                    .target("mfa_policy", format!("{}:{subject}", scope.as_str()))
                    .details(serde_json::json!({
                        "scope": scope.as_str(), "subject": subject, "requirement": null,
                    })),
                now,
            )?;
        }
        Ok(Ok(removed))
    })?;
    mfa_policies::changed();
    Ok(removed)
}

/// Record the explicit acknowledgment that SSO logins through `upstream`
/// may rely on that upstream's own MFA (used by federation, S7).
pub fn acknowledge_upstream(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: Reach<'_>,
    upstream: &str,
    now: DateTime<Utc>,
) -> Result<Result<bool, OutOfReach>, AppError> {
    if reach.is_some() {
        return Ok(Err(OutOfReach::GlobalOnly));
    }
    if !policy::UPSTREAM_TYPES.contains(&upstream) {
        return Err(AppError::BadRequest(format!(
            "unknown upstream type {upstream:?}; expected one of {}",
            UPSTREAM_TYPES.join(", ")
        )));
    }
    if upstream == "ldap" {
        return Err(AppError::BadRequest(
            "a directory (LDAP) sign-in is a password sign-in: there is no upstream MFA to accept; require MFA for it with an upstream rule instead".into(),
        ));
    }
    write_tx(conn, |conn| {
        let row = Acknowledgment {
            upstream: upstream.to_owned(),
            acknowledged_by: actor.id.clone().unwrap_or_else(|| "unknown".into()),
            acknowledged_at: naive(now),
        };
        let created = mfa_policies::acknowledge(conn, &row)?;
        if created {
            audit::record(
                conn,
                actor,
                Event::new(Action::MfaUpstreamAcknowledged, Outcome::Success)
                    .target("upstream", upstream)
                    .details(serde_json::json!({
                        "statement": "SSO logins through this upstream may satisfy MFA with the upstream's own amr",
                    })),
                now,
            )?;
        }
        Ok(Ok(created))
    })
}

/// The rules and acknowledgments a caller sees.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Configured {
    pub policies: Vec<PolicyRow>,
    pub upstream_acknowledgments: Vec<Acknowledgment>,
}

/// Everything configured in reach (`ostiary mfa policy list` sees all; a
/// caller limited to organizations their rules and no acknowledgment).
pub fn list(conn: &mut DbConnection, reach: Reach<'_>) -> Result<Configured, AppError> {
    Ok(match reach {
        None => Configured {
            policies: mfa_policies::list(conn)?,
            upstream_acknowledgments: mfa_policies::acknowledgments(conn)?,
        },
        Some(ids) => {
            let subjects: Vec<String> = ids.iter().map(ToString::to_string).collect();
            Configured {
                policies: mfa_policies::list_of(conn, Scope::Organization.as_str(), &subjects)?,
                upstream_acknowledgments: Vec::new(),
            }
        }
    })
}
