//! `GET /admin/users/{id}` (S8): one user in the caller's reach — whether
//! and why they cannot sign in (disabled, paused by the throttle, second
//! factors) with the action that helps right next to it, then profile,
//! memberships, second factors, linked identities, sessions, consents and
//! recent audit events. Another organization's user is not found (404).

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, Duration, Utc};

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::user_form::role_label;
use crate::admin::console::users::{user_path, when};
use crate::admin::scopes::Scope;
use crate::auth::mfa::factors::{self, Factors};
use crate::auth::throttle::blocked_until;
use crate::domain::UserId;
use crate::error::AppError;
use crate::flow::account::describe_amr;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::audit::AuditRow;
use crate::store::consents::Consent;
use crate::store::identities::IdentityRow;
use crate::store::passkeys::PasskeyRow;
use crate::store::sessions::AuthSession;
use crate::store::throttle::Throttle;
use crate::store::users::User;
use crate::store::{audit, consents, identities, naive, orgs, passkeys, sessions, throttle, users};
use crate::users::admin::{self, Reach};

/// How many audit events the page shows.
const EVENTS: i64 = 20;

/// Everything the page reads, in one go.
struct Loaded {
    user: User,
    memberships: Vec<(String, String)>,
    factors: Factors,
    passkeys: Vec<PasskeyRow>,
    identities: Vec<(IdentityRow, String)>,
    sessions: Vec<AuthSession>,
    consents: Vec<(Consent, String)>,
    events: Vec<AuditRow>,
    counters: Vec<Throttle>,
    protected: bool,
}

/// What to read besides the user (by the caller's scopes).
#[derive(Clone, Copy)]
struct Reads {
    sessions: bool,
    audit: bool,
}

pub struct SessionView {
    pub id: String,
    pub device: String,
    pub ip: String,
    pub methods: String,
    pub created: String,
    pub last_seen: String,
}

pub struct PasskeyView {
    pub name: String,
    pub created: String,
    pub last_used: Option<String>,
}

pub struct IdentityView {
    pub provider: String,
    /// The upstream's address, else its subject.
    pub account: String,
    pub linked: String,
    pub last_used: Option<String>,
}

pub struct ConsentView {
    pub application: String,
    pub scopes: String,
    pub since: String,
}

pub struct EventView {
    pub when: String,
    pub action: String,
    pub success: bool,
    /// The user themself did it.
    pub by_user: bool,
    /// The signed-in administrator did it.
    pub by_you: bool,
    /// Who else: actor type and a short id (`actor` in full).
    pub actor_short: String,
    pub actor: String,
    pub ip: String,
}

/// The sign-in throttle's hold on the account.
pub struct Throttled {
    /// Until when sign-in is paused or locked (from some source or all).
    pub until: Option<String>,
    /// The most failed attempts any counter holds.
    pub failures: i32,
}

#[derive(Template)]
#[template(path = "admin/users/show.html")]
pub struct UserPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
    pub disabled: bool,
    pub superuser: bool,
    pub deleted: bool,
    pub has_password: bool,
    pub created: String,
    pub updated: String,
    /// `(organization, role name key)`.
    pub memberships: Vec<(String, &'static str)>,
    pub totp: bool,
    pub passkeys: Vec<PasskeyView>,
    pub backup_codes_left: i64,
    /// Any second factor (or backup codes) to reset.
    pub has_mfa: bool,
    pub throttled: Throttled,
    pub identities: Vec<IdentityView>,
    pub show_sessions: bool,
    pub sessions: Vec<SessionView>,
    pub consents: Vec<ConsentView>,
    pub show_events: bool,
    pub events: Vec<EventView>,
    /// The caller may change this account (a writer, the account in
    /// reach of changes, not deleted).
    pub can_change: bool,
    /// An organization's caller looking at an account only a superuser
    /// changes (SR-100).
    pub protected: bool,
    /// The signed-in administrator's own account.
    pub is_self: bool,
    /// A deleted account a superuser may restore.
    pub can_restore: bool,
}

fn load(
    conn: &mut crate::db::DbConnection,
    reach: &Reach,
    id: &UserId,
    reads: Reads,
    now: DateTime<Utc>,
    idle_cutoff: chrono::NaiveDateTime,
) -> Result<Option<Loaded>, AppError> {
    let orgs_in = reach.organizations.as_deref();
    // Deleted accounts are for superusers only (like `include_deleted`).
    let Some(user) = users::find_in_reach(conn, orgs_in, reach.global(), id)? else {
        return Ok(None);
    };
    let events = if reads.audit {
        let scope: Option<Vec<String>> = reach
            .organizations
            .as_ref()
            .map(|ids| ids.iter().map(ToString::to_string).collect());
        audit::recent_for_user_in(conn, id, scope.as_deref(), EVENTS)?
    } else {
        Vec::new()
    };
    let sessions = if reads.sessions {
        sessions::list_live(conn, id, naive(now), idle_cutoff)?
    } else {
        Vec::new()
    };
    Ok(Some(Loaded {
        // S8: of the account's links to organizations, only those in reach.
        memberships: orgs::memberships_of_users(conn, std::slice::from_ref(id), orgs_in)?
            .into_iter()
            .map(|(_, organization, role)| (organization, role))
            .collect(),
        factors: factors::of(conn, id)?,
        passkeys: passkeys::list_for_user(conn, id)?,
        identities: identities::of_users(conn, std::slice::from_ref(id), orgs_in)?,
        consents: consents::list_for_user(conn, id, orgs_in)?,
        counters: throttle::of_account(conn, &user.email, id.as_str())?,
        protected: admin::protected(conn, reach, &user)?,
        sessions,
        events,
        user,
    }))
}

fn throttled(counters: &[Throttle], now: DateTime<Utc>) -> Throttled {
    let until = counters
        .iter()
        .filter_map(|c| blocked_until(Some(c), now))
        .max();
    Throttled {
        until: until.map(|t| when(naive(t))),
        failures: counters.iter().map(|c| c.failures).max().unwrap_or(0),
    }
}

fn event_view(row: AuditRow, user: &UserId, you: &UserId) -> EventView {
    let actor_id = row.actor_id.as_deref();
    let short: String = actor_id.unwrap_or_default().chars().take(8).collect();
    EventView {
        when: when(row.created_at),
        success: row.outcome == "success",
        by_user: actor_id == Some(user.as_str()),
        by_you: actor_id == Some(you.as_str()),
        actor_short: match actor_id {
            Some(id) if id.chars().count() > 8 => format!("{} {short}…", row.actor_type),
            Some(id) => format!("{} {id}", row.actor_type),
            None => row.actor_type.clone(),
        },
        actor: match actor_id {
            Some(id) => format!("{} {id}", row.actor_type),
            None => row.actor_type,
        },
        action: row.action,
        ip: row.ip.unwrap_or_default(),
    }
}

/// `GET /admin/users/{id}`
pub async fn get_user(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::read("users"))
        .map_err(respond::problem)?;
    let id = path.into_inner();
    user_path(&id)?;
    let reads = Reads {
        sessions: caller.require(Scope::read("sessions")).is_ok(),
        audit: caller.require(Scope::read("audit")).is_ok(),
    };
    let reach = crate::admin::api::users::reach_of(caller);
    let now = state.now();
    let idle_cutoff = naive(now - Duration::seconds(state.config.session.idle_timeout_secs));
    let user_id = UserId::from(id.clone());
    let loaded = state
        .db
        .run({
            let reach = reach.clone();
            move |conn| load(conn, &reach, &user_id, reads, now, idle_cutoff)
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let t = console.chrome.t;
    let user = loaded.user;
    let deleted = user.deleted_at.is_some();
    let is_self = user.id == console.current.user.id;
    let writer = console.chrome.writer;
    let uid = user.id.clone();
    respond::page(&UserPage {
        t,
        chrome: console.chrome("users"),
        has_mfa: loaded.factors.any() || loaded.factors.backup_codes_left > 0,
        totp: loaded.factors.totp,
        backup_codes_left: loaded.factors.backup_codes_left,
        passkeys: loaded
            .passkeys
            .into_iter()
            .map(|p| PasskeyView {
                name: p.name,
                created: when(p.created_at),
                last_used: p.last_used_at.map(when),
            })
            .collect(),
        throttled: throttled(&loaded.counters, now),
        memberships: loaded
            .memberships
            .into_iter()
            .map(|(org, role)| (org, role_label(&role)))
            .collect(),
        identities: loaded
            .identities
            .into_iter()
            .map(|(i, provider)| IdentityView {
                provider,
                account: i.email.unwrap_or(i.subject),
                linked: when(i.created_at),
                last_used: i.last_login_at.map(when),
            })
            .collect(),
        show_sessions: reads.sessions,
        sessions: loaded
            .sessions
            .into_iter()
            .map(|s| SessionView {
                id: s.id.to_string(),
                methods: describe_amr(&s.amr, t),
                device: s.device_label,
                ip: s.ip,
                created: when(s.created_at),
                last_seen: when(s.last_seen_at),
            })
            .collect(),
        consents: loaded
            .consents
            .into_iter()
            .map(|(c, application)| ConsentView {
                application,
                scopes: c.scopes.join(" "),
                since: when(c.updated_at),
            })
            .collect(),
        show_events: reads.audit,
        events: loaded
            .events
            .into_iter()
            .map(|row| event_view(row, &uid, &console.current.user.id))
            .collect(),
        can_change: writer && !loaded.protected && !deleted,
        protected: loaded.protected,
        can_restore: writer && deleted && reach.global(),
        is_self,
        id: user.id.to_string(),
        email: user.email,
        email_verified: user.email_verified,
        name: user.display_name,
        disabled: user.locked,
        superuser: user.superuser,
        deleted,
        has_password: user.password_hash.is_some(),
        created: when(user.created_at),
        updated: when(user.updated_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter(failures: i32, next: i64, locked: Option<i64>, now: DateTime<Utc>) -> Throttle {
        Throttle {
            key: "k".into(),
            failures,
            window_started_at: naive(now),
            next_attempt_at: naive(now + Duration::seconds(next)),
            locked_until: locked.map(|s| naive(now + Duration::seconds(s))),
        }
    }

    #[test]
    fn the_longest_hold_and_the_most_failures_are_shown() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let none = throttled(&[], now);
        assert!(none.until.is_none() && none.failures == 0);
        let past = throttled(&[counter(2, -5, None, now)], now);
        assert!(past.until.is_none());
        assert_eq!(past.failures, 2);
        let held = throttled(
            &[counter(5, 1, Some(600), now), counter(7, 30, None, now)],
            now,
        );
        assert_eq!(held.failures, 7);
        assert_eq!(held.until, Some(when(naive(now + Duration::seconds(600)))));
    }
}
