//! What an administrator does to an existing account (S2, S8): disable
//! and enable it, unlock it, verify its address, reset its second factors,
//! end all its sessions, change its profile, soft-delete and restore it —
//! one implementation for the CLI, the admin API and the console. The
//! target is looked up within the caller's reach in the query (other
//! organizations' users are not found). SR-100: a caller of organization
//! reach changes only accounts that belong to its organizations alone and
//! are neither superusers nor owners — an account is global, so changing
//! one that also belongs elsewhere would reach into another organization;
//! privilege-bearing fields (superuser) and restoring need global reach;
//! nobody disables, deletes or demotes their own account this way. Every
//! change is audited with the actor (and a vendor key's claim), the target
//! and before/after.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::domain::{Email, OrganizationId, SessionId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::{self, Notice};
use crate::store::users::User;
use crate::store::{
    backup_codes, mfa_totp, naive, orgs, passkeys, sessions, throttle, users, write_tx,
};
use crate::users::accounts::{self, UserListing};
use crate::users::contact::{self, CheckedContact};

/// What a caller may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// `None`: every user; else members of these organizations only.
    pub organizations: Option<Vec<OrganizationId>>,
}

impl Reach {
    pub fn global(&self) -> bool {
        self.organizations.is_none()
    }
}

/// Profile fields an administrator sets; `None` leaves one as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub display_name: Option<String>,
    /// A new address starts unverified.
    pub email: Option<Email>,
    /// Global reach only.
    pub superuser: Option<bool>,
    /// Phone number and address (checked by [`contact::check`]).
    pub contact: Option<CheckedContact>,
}

/// A change to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    Disable,
    Enable,
    RevokeSessions,
    Delete,
    /// Forget the sign-in throttle's counters on the account.
    Unlock,
    /// Mark the address verified.
    VerifyEmail,
    /// Remove every second factor (TOTP, backup codes, passkeys) and end
    /// the sessions: the user enrols again.
    ResetMfa,
    /// Bring a soft-deleted account back (global reach only).
    Restore,
    /// End one of the account's sessions (and the grants made in it).
    RevokeSession(SessionId),
    Update(Profile),
}

/// Why a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such user in reach.
    NotFound,
    /// A superuser, an owner or a member of another organization, and the
    /// caller's reach is not global.
    Protected,
    /// The change needs global reach (restoring, the superuser flag).
    NeedsGlobal,
    /// The caller's own account (disable, delete, superuser flag).
    Itself,
    /// Another live account has that address.
    EmailTaken,
    /// It would leave no live superuser.
    LastSuperuser,
}

impl Refusal {
    /// Why, in words (the API and the CLI say the same).
    pub fn message(self) -> &'static str {
        match self {
            Self::NotFound => "no such user",
            Self::Protected => {
                "only a caller of global reach changes a superuser, an owner or a member of another organization"
            }
            Self::NeedsGlobal => "this change needs a caller of global reach",
            Self::Itself => "you cannot do this to your own account",
            Self::EmailTaken => "another account has this email address",
            Self::LastSuperuser => "this would leave no superuser",
        }
    }
}

/// Why a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadName {
    /// More than 200 characters.
    TooLong,
    /// A control character.
    Control,
}

impl BadName {
    /// Why, in words (the API says this).
    pub fn message(self) -> &'static str {
        match self {
            Self::TooLong => "must be at most 200 characters",
            Self::Control => "must not contain control characters",
        }
    }
}

/// The rule for a display name an administrator sets (the API and the
/// console): at most 200 characters, no control characters.
pub fn check_display_name(name: &str) -> Result<(), BadName> {
    if name.chars().count() > 200 {
        Err(BadName::TooLong)
    } else if name.chars().any(char::is_control) {
        Err(BadName::Control)
    } else {
        Ok(())
    }
}

/// The account after a change (none once deleted) and the back-channel
/// logouts to send.
type Applied = (Option<UserListing>, Vec<Notice>);

/// End one session of a user (and the grants made in it) inside the
/// caller's write transaction, audited: the back-channel
/// logouts to send after commit, or `None` if the session is not the
/// user's or already ended.
pub fn revoke_session_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    user_id: &UserId,
    session_id: &SessionId,
    now: DateTime<Utc>,
) -> Result<Option<Vec<logout::Notice>>, AppError> {
    if !sessions::revoke(conn, user_id, session_id, naive(now))? {
        return Ok(None);
    }
    let notices = logout::end_sessions(conn, std::slice::from_ref(session_id), naive(now))?;
    audit::record(
        conn,
        actor,
        Event::new(Action::SessionRevoked, Outcome::Success)
            .target("session", session_id.as_str())
            .details(serde_json::json!({ "user_id": user_id.as_str() })),
        now,
    )?;
    Ok(Some(notices))
}

/// Whether an organization's caller must leave `user` alone (SR-100);
/// the console reads it to offer no change the service would refuse.
pub fn protected(conn: &mut DbConnection, reach: &Reach, user: &User) -> Result<bool, AppError> {
    let Some(orgs) = &reach.organizations else {
        return Ok(false);
    };
    if user.superuser {
        return Ok(true);
    }
    Ok(orgs::roles_of(conn, &user.id)?
        .iter()
        .any(|(org, role)| role == "owner" || !orgs.contains(org)))
}

fn refused_for_self(change: &Change) -> bool {
    match change {
        Change::Disable | Change::Delete => true,
        Change::Update(profile) => profile.superuser.is_some(),
        Change::Enable
        | Change::RevokeSessions
        | Change::RevokeSession(_)
        | Change::Unlock
        | Change::VerifyEmail
        | Change::ResetMfa
        | Change::Restore => false,
    }
}

fn needs_global(change: &Change) -> bool {
    match change {
        Change::Restore => true,
        Change::Update(profile) => profile.superuser.is_some(),
        Change::Disable
        | Change::Enable
        | Change::RevokeSessions
        | Change::RevokeSession(_)
        | Change::Delete
        | Change::Unlock
        | Change::VerifyEmail
        | Change::ResetMfa => false,
    }
}

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: Action,
    target: &UserId,
    details: Value,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event::new(action, Outcome::Success)
            .target("user", target)
            .details(details),
        now,
    )
}

/// Apply a profile change; the audit diff, or why not. Refusals come
/// before any write (the address's unique index decides in a savepoint).
fn update_tx(
    conn: &mut DbConnection,
    user: &User,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<Result<Value, Refusal>, AppError> {
    let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
    let demote = profile.superuser == Some(false) && user.superuser;
    if demote && users::count_superusers(conn)? <= 1 {
        return Ok(Err(Refusal::LastSuperuser));
    }
    if let Some(email) = profile.email.as_ref().filter(|e| e.as_str() != user.email) {
        if !users::set_unverified_email(conn, &user.id, email.as_str(), naive(now))? {
            return Ok(Err(Refusal::EmailTaken));
        }
        before.insert("email".into(), json!(user.email));
        before.insert("email_verified".into(), json!(user.email_verified));
        after.insert("email".into(), json!(email.as_str()));
        after.insert("email_verified".into(), json!(false));
    }
    let name = profile.display_name.as_deref().map(str::trim);
    if let Some(name) = name.filter(|n| *n != user.display_name) {
        users::set_display_name(conn, &user.id, name, naive(now))?;
        before.insert("display_name".into(), json!(user.display_name));
        after.insert("display_name".into(), json!(name));
    }
    if let Some(superuser) = profile.superuser.filter(|s| *s != user.superuser) {
        users::set_superuser(conn, &user.id, superuser, naive(now))?;
        before.insert("superuser".into(), json!(user.superuser));
        after.insert("superuser".into(), json!(superuser));
    }
    if let Some(change) = &profile.contact {
        let (b, a) = contact::apply_tx(conn, user, change, now)?;
        before.extend(b);
        after.extend(a);
    }
    Ok(Ok(json!({ "before": before, "after": after })))
}

fn apply_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: &Reach,
    target: &UserId,
    change: &Change,
    now: DateTime<Utc>,
) -> Result<Result<Applied, Refusal>, AppError> {
    if needs_global(change) && !reach.global() {
        return Ok(Err(Refusal::NeedsGlobal));
    }
    let restoring = *change == Change::Restore;
    let Some(user) = users::find_in_reach(conn, reach.organizations.as_deref(), restoring, target)?
    else {
        return Ok(Err(Refusal::NotFound));
    };
    if protected(conn, reach, &user)? {
        return Ok(Err(Refusal::Protected));
    }
    if actor.id.as_deref() == Some(target.as_str()) && refused_for_self(change) {
        return Ok(Err(Refusal::Itself));
    }
    let notices = match change {
        Change::Disable | Change::Enable => {
            let locked = *change == Change::Disable;
            users::set_locked(conn, target, locked, naive(now))?;
            // A disabled account keeps no session and no grant.
            let ended = if locked {
                logout::end_all_tx(conn, target, None, now)?
            } else {
                logout::Ended::default()
            };
            let action = if locked {
                Action::UserDisabled
            } else {
                Action::UserEnabled
            };
            let details = json!({
                "before": { "disabled": user.locked },
                "after": { "disabled": locked },
                "sessions_revoked": ended.sessions,
                "grants_revoked": ended.grants,
            });
            record(conn, actor, action, target, details, now)?;
            ended.notices
        }
        Change::RevokeSessions => {
            let ended = logout::end_all_tx(conn, target, None, now)?;
            let details = json!({
                "sessions_revoked": ended.sessions,
                "grants_revoked": ended.grants,
                "by_administrator": true,
            });
            record(conn, actor, Action::SignOutAll, target, details, now)?;
            ended.notices
        }
        Change::RevokeSession(session) => {
            match revoke_session_tx(conn, actor, target, session, now)? {
                Some(notices) => notices,
                None => return Ok(Err(Refusal::NotFound)),
            }
        }
        Change::Delete => {
            let notices = accounts::delete_user_tx(conn, actor, target, now)?;
            return Ok(Ok((None, notices)));
        }
        Change::Unlock => {
            let cleared = throttle::clear_account(conn, &user.email, target.as_str())?;
            let details = json!({ "throttle_counters_cleared": cleared });
            record(conn, actor, Action::UserUnlocked, target, details, now)?;
            Vec::new()
        }
        Change::VerifyEmail => {
            users::mark_verified(conn, target, naive(now))?;
            let details = json!({
                "email": user.email,
                "before": { "email_verified": user.email_verified },
                "after": { "email_verified": true },
            });
            record(
                conn,
                actor,
                Action::UserEmailVerifiedByAdmin,
                target,
                details,
                now,
            )?;
            Vec::new()
        }
        Change::ResetMfa => {
            let totp = mfa_totp::delete(conn, target)?;
            let codes = backup_codes::delete_all(conn, target)?;
            let keys = passkeys::delete_all_for_user(conn, target)?;
            let ended = logout::end_all_tx(conn, target, None, now)?;
            let details = json!({
                "totp_removed": totp,
                "backup_codes_removed": codes,
                "passkeys_removed": keys,
                "sessions_revoked": ended.sessions,
                "grants_revoked": ended.grants,
            });
            record(conn, actor, Action::UserMfaReset, target, details, now)?;
            ended.notices
        }
        Change::Restore => {
            if user.deleted_at.is_none() {
                Vec::new()
            } else if users::restore(conn, target, naive(now))? {
                let details =
                    json!({ "before": { "deleted": true }, "after": { "deleted": false } });
                record(conn, actor, Action::UserRestored, target, details, now)?;
                Vec::new()
            } else {
                return Ok(Err(Refusal::EmailTaken));
            }
        }
        Change::Update(profile) => match update_tx(conn, &user, profile, now)? {
            Ok(diff) => {
                record(conn, actor, Action::UserUpdated, target, diff, now)?;
                Vec::new()
            }
            Err(refusal) => return Ok(Err(refusal)),
        },
    };
    let after = users::find(conn, target)?.ok_or(AppError::NotFound)?;
    Ok(Ok((
        Some(accounts::listing(
            conn,
            after,
            reach.organizations.as_deref(),
        )?),
        notices,
    )))
}

/// Make `change` to `target`; the account as it is now (none once
/// deleted), or why not. Every refusal is decided before anything is
/// written. Back-channel logouts are sent after commit.
pub async fn apply(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    target: &UserId,
    change: Change,
) -> Result<Result<Option<UserListing>, Refusal>, AppError> {
    let (actor, target, now) = (actor.clone(), target.clone(), state.now());
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                apply_tx(conn, &actor, &reach, &target, &change, now)
            })
        })
        .await?;
    Ok(outcome.map(|(user, notices)| {
        state.logout.send(notices);
        user
    }))
}
