//! What an administrator does to an account (S2, S8): disable and enable
//! it, end all its sessions, soft-delete it — one implementation for the
//! admin API now and the console later. The target is looked up within
//! the caller's reach (other organizations' users are not found); only a
//! caller of global reach changes a superuser or an organization's owner
//! (SR-100); nobody disables or
//! deletes their own account this way. Every change is audited with the
//! actor (and a vendor key's claim), the target and before/after.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::domain::{OrganizationId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::{self, Notice};
use crate::store::{naive, orgs, users, write_tx};
use crate::users::accounts::{self, UserListing};

/// What a caller may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// `None`: every user; else members of these organizations only.
    pub organizations: Option<Vec<OrganizationId>>,
}

impl Reach {
    fn global(&self) -> bool {
        self.organizations.is_none()
    }
}

/// A change to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Disable,
    Enable,
    RevokeSessions,
    Delete,
}

/// Why a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such live user in reach.
    NotFound,
    /// A superuser or an owner, and the caller's reach is not global.
    Protected,
    /// The caller's own account.
    Itself,
}

/// The account after a change (none once deleted) and the back-channel
/// logouts to send.
type Applied = (Option<UserListing>, Vec<Notice>);

fn apply_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    reach: &Reach,
    target: &UserId,
    change: Change,
    now: DateTime<Utc>,
) -> Result<Result<Applied, Refusal>, AppError> {
    let Some(user) = users::find_in_reach(conn, reach.organizations.as_deref(), target)? else {
        return Ok(Err(Refusal::NotFound));
    };
    // SR-100: an organization's caller acts as its administrator, and an
    // administrator does not change a superuser or an owner.
    let owner = match &reach.organizations {
        Some(orgs) => !orgs::organization_ids_with_role(conn, target, &["owner"])?
            .iter()
            .all(|o| !orgs.contains(o)),
        None => false,
    };
    if (user.superuser || owner) && !reach.global() {
        return Ok(Err(Refusal::Protected));
    }
    let own = actor.id.as_deref() == Some(target.as_str());
    if own && matches!(change, Change::Disable | Change::Delete) {
        return Ok(Err(Refusal::Itself));
    }
    let before = user.locked;
    let notices = match change {
        Change::Disable | Change::Enable => {
            let locked = change == Change::Disable;
            users::set_locked(conn, target, locked, naive(now))?;
            // A disabled account keeps no session and no grant.
            let ended = if locked {
                logout::end_all_tx(conn, target, None, now)?
            } else {
                logout::Ended {
                    sessions: 0,
                    grants: 0,
                    notices: Vec::new(),
                }
            };
            let action = if locked {
                Action::UserDisabled
            } else {
                Action::UserEnabled
            };
            audit::record(
                conn,
                actor,
                Event::new(action, Outcome::Success)
                    .target("user", target)
                    .details(json!({
                        "before": { "disabled": before },
                        "after": { "disabled": locked },
                        "sessions_revoked": ended.sessions,
                        "grants_revoked": ended.grants,
                    })),
                now,
            )?;
            ended.notices
        }
        Change::RevokeSessions => {
            let ended = logout::end_all_tx(conn, target, None, now)?;
            audit::record(
                conn,
                actor,
                Event::new(Action::SignOutAll, Outcome::Success)
                    .target("user", target)
                    .details(json!({
                        "sessions_revoked": ended.sessions,
                        "grants_revoked": ended.grants,
                        "by_administrator": true,
                    })),
                now,
            )?;
            ended.notices
        }
        Change::Delete => {
            let notices = accounts::delete_user_tx(conn, actor, target, now)?;
            return Ok(Ok((None, notices)));
        }
    };
    let after = users::find(conn, target)?.ok_or(AppError::NotFound)?;
    Ok(Ok((Some(accounts::listing(conn, after)?), notices)))
}

/// Make `change` to `target`; the account as it is now (none once
/// deleted), or why not. Back-channel logouts are sent after commit.
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
                apply_tx(conn, &actor, &reach, &target, change, now)
            })
        })
        .await?;
    Ok(outcome.map(|(user, notices)| {
        state.logout.send(notices);
        user
    }))
}
