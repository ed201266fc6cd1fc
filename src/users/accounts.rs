//! Account lifecycle rules shared by the CLI and the hosted pages: creating
//! a user (optionally into an organization) and deleting one. Each runs in
//! one transaction together with its audit records.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::{self, Action, Actor, ActorKind, Event, Outcome};
use crate::db::DbConnection;
use crate::domain::{Email, OrganizationId, Role, UserId};
use crate::error::AppError;
use crate::store::users::{self, Inserted, NewUser, User};
use crate::store::{naive, orgs, write_tx};

/// What to create.
#[derive(Debug, Clone)]
pub struct UserSpec {
    pub email: Email,
    pub display_name: String,
    /// An argon2id PHC string, or none (no password sign-in yet).
    pub password_hash: Option<String>,
    pub superuser: bool,
    pub email_verified: bool,
    /// Organization name and role.
    pub organization: Option<(String, Role)>,
}

/// A created user, as printed by the CLI.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedUser {
    pub id: UserId,
    pub email: String,
    pub superuser: bool,
    pub organization: Option<CreatedMembership>,
}

/// The membership made with a user.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedMembership {
    pub id: OrganizationId,
    pub name: String,
    pub role: Role,
}

/// Insert the user, its organization and membership, and audit records.
/// A live user with the same email is a [`AppError::Conflict`] (never a 500,
/// also when two creations race: the unique index decides).
pub fn create_user(
    conn: &mut DbConnection,
    actor: &Actor,
    spec: &UserSpec,
    now: DateTime<Utc>,
) -> Result<CreatedUser, AppError> {
    write_tx(conn, |conn| insert_user(conn, actor, spec, now))
}

/// [`create_user`] inside a caller's write transaction.
pub fn insert_user(
    conn: &mut DbConnection,
    actor: &Actor,
    spec: &UserSpec,
    now: DateTime<Utc>,
) -> Result<CreatedUser, AppError> {
    let id = UserId::generate();
    let row = NewUser {
        id: &id,
        email: spec.email.as_str(),
        display_name: spec.display_name.trim(),
        password_hash: spec.password_hash.as_deref(),
        email_verified: spec.email_verified,
        locked: false,
        superuser: spec.superuser,
        created_at: naive(now),
        updated_at: naive(now),
    };
    if users::insert(conn, &row)? == Inserted::AlreadyExists {
        return Err(AppError::Conflict(format!(
            "A user with the email {} already exists.",
            spec.email
        )));
    }
    let mut organization = None;
    if let Some((name, role)) = &spec.organization {
        let (org, created) = orgs::find_or_create(conn, name.trim(), naive(now))?;
        if created {
            audit::record(
                conn,
                actor,
                Event::new(Action::OrganizationCreated, Outcome::Success)
                    .target("organization", org.id.as_str())
                    .organization(org.id.as_str())
                    .details(serde_json::json!({ "name": org.name })),
                now,
            )?;
        }
        orgs::add_member(conn, &id, &org.id, role.as_str(), naive(now))?;
        organization = Some(CreatedMembership {
            id: org.id,
            name: org.name,
            role: *role,
        });
    }
    let mut event = Event::new(Action::UserCreated, Outcome::Success)
        .target("user", id.as_str())
        .details(serde_json::json!({
            "email": spec.email.as_str(),
            "superuser": spec.superuser,
            "organization": organization.as_ref().map(|o| &o.name),
            "role": organization.as_ref().map(|o| o.role.as_str()),
        }));
    if let Some(org) = &organization {
        event = event.organization(org.id.as_str());
    }
    audit::record(conn, actor, event, now)?;
    metrics::counter!("ostiary_users_created_total").increment(1);
    Ok(CreatedUser {
        id,
        email: spec.email.as_str().to_owned(),
        superuser: spec.superuser,
        organization,
    })
}

/// Soft-delete a user, end all their sessions and grants (SR-65), audited.
/// Returns the back-channel logout notices for the caller to dispatch
/// ([`crate::store::logout::LogoutQueue`]). Deleting the first
/// administrator does not reopen `/setup` (SR-86).
pub fn delete_user(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<crate::store::logout::Notice>, AppError> {
    write_tx(conn, |conn| delete_user_tx(conn, actor, user_id, now))
}

/// [`delete_user`] inside the caller's write transaction.
pub fn delete_user_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<crate::store::logout::Notice>, AppError> {
    {
        // `deleted_by` references a user; system actors are in the audit record.
        let by = (actor.kind == ActorKind::User)
            .then_some(actor.id.as_deref())
            .flatten();
        if !users::soft_delete(conn, user_id, by, naive(now))? {
            return Err(AppError::NotFound);
        }
        // SR-65: every session and every grant (offline ones too) ends;
        // upstream identities are unlinked, so a later sign-in through
        // them starts afresh instead of reaching a deleted account.
        let ended = crate::store::logout::end_all_tx(conn, user_id, None, now)?;
        crate::store::identities::delete_for_user(conn, user_id)?;
        audit::record(
            conn,
            actor,
            Event::new(Action::UserDeleted, Outcome::Success)
                .target("user", user_id)
                .details(serde_json::json!({
                    "sessions_revoked": ended.sessions,
                    "grants_revoked": ended.grants,
                })),
            now,
        )?;
        Ok(ended.notices)
    }
}

/// A user as `user list` and the admin API show it (S1).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserListing {
    #[schema(value_type = String)]
    pub id: UserId,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub disabled: bool,
    pub superuser: bool,
    /// Soft-deleted (only superusers see such accounts, with `include_deleted`).
    pub deleted: bool,
    /// `{"organization", "role"}` per membership (a caller of organization
    /// reach sees those in its organizations only).
    #[schema(value_type = Vec<Object>)]
    pub roles: Vec<serde_json::Value>,
    /// `{"provider", "subject"}` per linked upstream identity (a caller of
    /// organization reach: at its organizations' or instance-wide providers).
    #[schema(value_type = Vec<Object>)]
    pub identities: Vec<serde_json::Value>,
    /// E.164; `null` when not set.
    pub phone_number: Option<String>,
    /// Set by an administrator only (no SMS verification exists).
    pub phone_number_verified: bool,
    /// OIDC Core §5.1.1 members; `null` when not set.
    pub address: Option<crate::users::contact::Address>,
}

/// How `user list` and the admin API show `user`: with its roles and
/// linked identities. `within`: the caller's organizations when its reach
/// is limited (S8: it sees the account's memberships in those only, and
/// no identity at another organization's provider); `None`: everything.
pub fn listing(
    conn: &mut DbConnection,
    user: User,
    within: Option<&[OrganizationId]>,
) -> Result<UserListing, AppError> {
    listings(conn, vec![user], within)?
        .pop()
        .ok_or_else(|| AppError::Internal("a listing went missing".into()))
}

/// [`listing`] for a page of users: two queries for the whole page (per
/// 500 users), not two per user. In the order of `users`.
pub fn listings(
    conn: &mut DbConnection,
    users: Vec<User>,
    within: Option<&[OrganizationId]>,
) -> Result<Vec<UserListing>, AppError> {
    use std::collections::HashMap;
    // `ostiary user list` lists every user: the ids go in chunks that stay
    // under the databases' limits on bound parameters.
    const CHUNK: usize = 500;
    let ids: Vec<UserId> = users.iter().map(|u| u.id.clone()).collect();
    let mut roles: HashMap<UserId, Vec<serde_json::Value>> = HashMap::new();
    let mut identities: HashMap<UserId, Vec<serde_json::Value>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        for (user, organization, role) in orgs::memberships_of_users(conn, chunk, within)? {
            roles
                .entry(user)
                .or_default()
                .push(serde_json::json!({ "organization": organization, "role": role }));
        }
        for (row, _) in crate::store::identities::of_users(conn, chunk, within)? {
            identities
                .entry(row.user_id)
                .or_default()
                .push(serde_json::json!({ "provider": row.provider_id, "subject": row.subject }));
        }
    }
    Ok(users
        .into_iter()
        .map(|user| UserListing {
            address: crate::users::contact::Address::of(&user),
            roles: roles.remove(&user.id).unwrap_or_default(),
            identities: identities.remove(&user.id).unwrap_or_default(),
            phone_number: user.phone_number,
            phone_number_verified: user.phone_number_verified,
            id: user.id,
            email: user.email,
            email_verified: user.email_verified,
            name: user.display_name,
            disabled: user.locked,
            superuser: user.superuser,
            deleted: user.deleted_at.is_some(),
        })
        .collect())
}

/// Live users, optionally only the one with `email` or the members of the
/// organization named `organization` (which must exist).
pub fn list_users(
    conn: &mut DbConnection,
    email: Option<&str>,
    organization: Option<&str>,
) -> Result<Vec<UserListing>, AppError> {
    let email = match email {
        Some(raw) => Some(Email::parse(raw).map_err(AppError::BadRequest)?),
        None => None,
    };
    let org = match organization {
        Some(name) => Some(
            orgs::find_by_name(conn, name.trim())?
                .ok_or_else(|| AppError::BadRequest(format!("no organization named {name:?}")))?
                .id,
        ),
        None => None,
    };
    let found = users::list_live(conn, email.as_ref().map(Email::as_str), org.as_ref())?;
    listings(conn, found, None)
}
