//! Organizations and their members (S2, S8): creating and renaming an
//! organization, giving a user a role in it and taking it away — one
//! implementation for the CLI, the admin API and the console. SR-100: the
//! organization is looked up within the caller's reach; creating one, and
//! anything about the `owner` role, needs global reach; an organization's
//! caller changes the roles of its existing members but adds nobody
//! directly (it invites); nobody changes their own role. Audited with
//! before/after.

use chrono::{DateTime, Utc};
use diesel::Connection;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::{OrganizationId, Role, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs::{self, Organization};
use crate::store::{naive, users, write_tx};
use crate::users::admin::Reach;

/// Why a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such organization (or member) in reach.
    NotFound,
    /// Needs global reach (creating, the owner role).
    NeedsGlobal,
    /// Another organization has this name.
    NameTaken,
    /// The caller's own membership.
    Itself,
}

impl Refusal {
    /// Why, in words (the API and the CLI say the same).
    pub fn message(self) -> &'static str {
        match self {
            Self::NotFound => "no such organization or member",
            Self::NeedsGlobal => {
                "creating organizations and anything about owners needs a caller of global reach"
            }
            Self::NameTaken => "another organization has this name",
            Self::Itself => "you cannot change your own membership",
        }
    }
}

/// A checked organization name: trimmed, 1–100 characters, no control
/// characters.
pub fn check_name(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err("must be 1 to 100 characters".into());
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(name.to_owned())
}

fn insert(
    conn: &mut DbConnection,
    actor: &Actor,
    name: &str,
    now: DateTime<Utc>,
) -> Result<Result<Organization, Refusal>, AppError> {
    let org = Organization {
        id: OrganizationId::from(uuid::Uuid::now_v7().to_string()),
        name: name.to_owned(),
        created_at: naive(now),
    };
    // A savepoint: the unique name decides, without aborting the
    // transaction on PostgreSQL.
    match conn.transaction(|conn| orgs::insert(conn, &org)) {
        Ok(()) => {}
        Err(e) if is_unique_violation(&e) => return Ok(Err(Refusal::NameTaken)),
        Err(e) => return Err(e.into()),
    }
    audit::record(
        conn,
        actor,
        Event::new(Action::OrganizationCreated, Outcome::Success)
            .target("organization", org.id.as_str())
            .organization(org.id.as_str())
            .details(json!({ "name": org.name })),
        now,
    )?;
    Ok(Ok(org))
}

/// Create an organization (global reach only); a taken name is refused.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    name: String,
) -> Result<Result<Organization, Refusal>, AppError> {
    if !reach.global() {
        return Ok(Err(Refusal::NeedsGlobal));
    }
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| write_tx(conn, |conn| insert(conn, &actor, &name, now)))
        .await
}

/// Rename an organization in reach.
pub async fn rename(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: &OrganizationId,
    name: String,
) -> Result<Result<Organization, Refusal>, AppError> {
    let (actor, reach, id, now) = (actor.clone(), reach.clone(), id.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(org) = orgs::find_in(conn, reach.organizations.as_deref(), &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if org.name == name {
                    return Ok(Ok(org));
                }
                match conn.transaction(|conn| orgs::rename(conn, &id, &name)) {
                    Ok(()) => {}
                    Err(e) if is_unique_violation(&e) => return Ok(Err(Refusal::NameTaken)),
                    Err(e) => return Err(e.into()),
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::OrganizationUpdated, Outcome::Success)
                        .target("organization", id.as_str())
                        .organization(id.as_str())
                        .details(json!({
                            "before": { "name": org.name },
                            "after": { "name": name },
                        })),
                    now,
                )?;
                Ok(Ok(Organization {
                    name: name.clone(),
                    ..org
                }))
            })
        })
        .await
}

/// A change to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberChange {
    /// Give the user this role (adding them if they are not a member).
    Set(Role),
    Remove,
}

fn set_member_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: &Reach,
    org: &OrganizationId,
    user: &UserId,
    change: MemberChange,
    now: DateTime<Utc>,
) -> Result<Result<Option<Role>, Refusal>, AppError> {
    if orgs::find_in(conn, reach.organizations.as_deref(), org)?.is_none() {
        return Ok(Err(Refusal::NotFound));
    }
    if users::find(conn, user)?.is_none() {
        return Ok(Err(Refusal::NotFound));
    }
    let current = orgs::role_in(conn, user, org)?;
    // An organization's caller adds nobody directly (it invites).
    if current.is_none() && !reach.global() {
        return Ok(Err(Refusal::NotFound));
    }
    let touches_owner =
        current.as_deref() == Some("owner") || change == MemberChange::Set(Role::Owner);
    if touches_owner && !reach.global() {
        return Ok(Err(Refusal::NeedsGlobal));
    }
    if actor.id.as_deref() == Some(user.as_str()) {
        return Ok(Err(Refusal::Itself));
    }
    let (action, after) = match (change, &current) {
        (MemberChange::Remove, None) => return Ok(Err(Refusal::NotFound)),
        (MemberChange::Remove, Some(_)) => {
            orgs::remove_member(conn, user, org)?;
            (Action::MembershipRemoved, None)
        }
        (MemberChange::Set(role), None) => {
            orgs::add_member(conn, user, org, role.as_str(), naive(now))?;
            (Action::MembershipAdded, Some(role))
        }
        (MemberChange::Set(role), Some(was)) if was == role.as_str() => {
            return Ok(Ok(Some(role)));
        }
        (MemberChange::Set(role), Some(_)) => {
            orgs::set_role(conn, user, org, role.as_str())?;
            (Action::MembershipChanged, Some(role))
        }
    };
    audit::record(
        conn,
        actor,
        Event::new(action, Outcome::Success)
            .target("user", user.as_str())
            .organization(org.as_str())
            .details(json!({
                "before": { "role": current },
                "after": { "role": after.map(Role::as_str) },
            })),
        now,
    )?;
    Ok(Ok(after))
}

/// Set or remove `user`'s membership of `org`; the role now (none once
/// removed), or why not.
pub async fn set_member(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    org: &OrganizationId,
    user: &UserId,
    change: MemberChange,
) -> Result<Result<Option<Role>, Refusal>, AppError> {
    let (actor, reach, org, user, now) = (
        actor.clone(),
        reach.clone(),
        org.clone(),
        user.clone(),
        state.now(),
    );
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                set_member_tx(conn, &actor, &reach, &org, &user, change, now)
            })
        })
        .await
}
