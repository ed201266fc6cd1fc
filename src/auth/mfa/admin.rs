//! Changing MFA policies and acknowledging upstream MFA (S5), with their
//! audit records — the operations behind `ostiary mfa …` (and the admin
//! console later). Subjects are checked: a login method or upstream type
//! must be known, an organization is named and stored by id, a client must
//! exist.

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::policy::{self, LOGIN_METHODS, OPTIONAL, REQUIRED, Scope, UPSTREAM_TYPES};
use crate::db::DbConnection;
use crate::domain::ClientId;
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
        (Scope::Organization, Some(name)) => match orgs::find_by_name(conn, name)? {
            Some(org) => Ok(org.id.into_string()),
            None => bad(format!("no organization named {name:?}")),
        },
        (Scope::Client, Some(id)) => match clients::find(conn, &ClientId::from(id))? {
            Some(c) => Ok(c.id.into_string()),
            None => bad(format!("no client with id {id:?}")),
        },
    }
}

/// Create or change a rule; returns it.
pub fn set(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: Scope,
    given_subject: Option<&str>,
    requirement: &str,
    now: DateTime<Utc>,
) -> Result<PolicyRow, AppError> {
    if requirement != REQUIRED && requirement != OPTIONAL {
        return Err(AppError::BadRequest(format!(
            "requirement must be {REQUIRED} or {OPTIONAL}, not {requirement:?}"
        )));
    }
    write_tx(conn, |conn| {
        let subject = subject(conn, scope, given_subject)?;
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
    })
}

/// Delete a rule; `false` when there was none.
pub fn remove(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: Scope,
    given_subject: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    write_tx(conn, |conn| {
        let subject = subject(conn, scope, given_subject)?;
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
        Ok(removed)
    })
}

/// Record the explicit acknowledgment that SSO logins through `upstream`
/// may rely on that upstream's own MFA (used by federation, S7).
pub fn acknowledge_upstream(
    conn: &mut DbConnection,
    actor: &Actor,
    upstream: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if !policy::UPSTREAM_TYPES.contains(&upstream) {
        return Err(AppError::BadRequest(format!(
            "unknown upstream type {upstream:?}; expected one of {}",
            UPSTREAM_TYPES.join(", ")
        )));
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
        Ok(created)
    })
}

/// Everything configured, for `ostiary mfa policy list`.
pub fn list(conn: &mut DbConnection) -> Result<serde_json::Value, AppError> {
    Ok(serde_json::json!({
        "policies": mfa_policies::list(conn)?,
        "upstream_acknowledgments": mfa_policies::acknowledgments(conn)?,
    }))
}
