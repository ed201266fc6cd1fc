//! What the console's dashboard counts (S8): sign-in events of a period,
//! users, second-factor adoption and live sessions — everything, or only
//! what concerns the members of some organizations.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{
    auth_sessions, memberships, mfa_totp, passkeys, security_audit_logs, users,
};
use crate::domain::OrganizationId;
use crate::error::AppError;

/// The most sign-in events one dashboard reads (a bound on its memory;
/// beyond it the charts say so).
pub const MAX_EVENTS: i64 = 200_000;

/// One sign-in attempt: when, whether it succeeded, its details (JSON).
#[derive(Debug, Clone, Queryable)]
pub struct SignIn {
    pub at: NaiveDateTime,
    pub action: String,
    pub details: String,
}

fn members(
    orgs: &[OrganizationId],
) -> diesel::dsl::Select<
    diesel::dsl::Filter<
        memberships::table,
        diesel::dsl::EqAny<memberships::organization_id, Vec<String>>,
    >,
    memberships::user_id,
> {
    memberships::table
        .filter(
            memberships::organization_id
                .eq_any(orgs.iter().map(ToString::to_string).collect::<Vec<_>>()),
        )
        .select(memberships::user_id)
}

/// Sign-in successes and failures since `since`, oldest first, at most
/// [`MAX_EVENTS`]; for organizations, those by or about their members.
pub fn sign_ins(
    conn: &mut DbConnection,
    orgs: Option<&[OrganizationId]>,
    since: NaiveDateTime,
) -> Result<Vec<SignIn>, AppError> {
    let t = security_audit_logs::table;
    let mut query = t
        .filter(security_audit_logs::action.eq_any(["login.success", "login.failure"]))
        .filter(security_audit_logs::created_at.ge(since))
        .select((
            security_audit_logs::created_at,
            security_audit_logs::action,
            security_audit_logs::details,
        ))
        .into_boxed();
    if let Some(orgs) = orgs {
        let ids: Vec<String> = members(orgs).load(conn)?;
        query = query.filter(
            security_audit_logs::actor_id
                .eq_any(ids.clone())
                .or(security_audit_logs::target_type
                    .eq("user")
                    .and(security_audit_logs::target_id.eq_any(ids))),
        );
    }
    Ok(query
        .order(security_audit_logs::seq.asc())
        .limit(MAX_EVENTS)
        .load(conn)?)
}

/// Counts over the live users in reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserCounts {
    pub users: i64,
    pub with_totp: i64,
    pub with_passkey: i64,
    /// With either.
    pub with_mfa: i64,
    pub active_sessions: i64,
}

/// Count the rows of `$query` whose `$user` column is a live user in
/// `$scope` (`None`: every live user; `Some(ids)`: those ids).
macro_rules! count_in_scope {
    ($conn:expr, $scope:expr, $query:expr, $user:expr) => {
        match $scope {
            None => $query
                .filter(
                    $user.eq_any(
                        users::table
                            .filter(users::deleted_at.is_null())
                            .select(users::id),
                    ),
                )
                .count()
                .get_result::<i64>($conn)?,
            Some(ids) => $query
                .filter($user.eq_any(ids.clone()))
                .count()
                .get_result::<i64>($conn)?,
        }
    };
}

/// Count the live users of `$query` (on `users`) in `$scope`.
macro_rules! count_users {
    ($conn:expr, $scope:expr, $query:expr) => {
        match $scope {
            None => $query.count().get_result::<i64>($conn)?,
            Some(ids) => $query
                .filter(users::id.eq_any(ids.clone()))
                .count()
                .get_result::<i64>($conn)?,
        }
    };
}

/// Users, second-factor adoption and live sessions at `now`.
pub fn user_counts(
    conn: &mut DbConnection,
    orgs: Option<&[OrganizationId]>,
    now: NaiveDateTime,
) -> Result<UserCounts, AppError> {
    // An organization's live members (organizations are small enough to
    // list; everything is counted in SQL).
    let scope: Option<Vec<String>> = match orgs {
        Some(orgs) => Some(
            users::table
                .filter(users::deleted_at.is_null())
                .filter(users::id.eq_any(members(orgs)))
                .select(users::id)
                .load(conn)?,
        ),
        None => None,
    };
    let scope = scope.as_ref();
    let live = users::table.filter(users::deleted_at.is_null());
    let totp_users = mfa_totp::table
        .filter(mfa_totp::confirmed_at.is_not_null())
        .select(mfa_totp::user_id);
    let passkey_users = passkeys::table.select(passkeys::user_id);
    Ok(UserCounts {
        users: count_users!(conn, scope, live),
        with_totp: count_users!(conn, scope, live.filter(users::id.eq_any(totp_users))),
        with_passkey: count_users!(conn, scope, live.filter(users::id.eq_any(passkey_users))),
        with_mfa: count_users!(
            conn,
            scope,
            live.filter(
                users::id
                    .eq_any(totp_users)
                    .or(users::id.eq_any(passkey_users))
            )
        ),
        active_sessions: count_in_scope!(
            conn,
            scope,
            auth_sessions::table
                .filter(auth_sessions::revoked_at.is_null())
                .filter(auth_sessions::expires_at.gt(now)),
            auth_sessions::user_id
        ),
    })
}

/// Creation times of the live users in reach created since `since`.
pub fn created_since(
    conn: &mut DbConnection,
    orgs: Option<&[OrganizationId]>,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, AppError> {
    let mut q = users::table
        .filter(users::deleted_at.is_null())
        .filter(users::created_at.ge(since))
        .select(users::created_at)
        .into_boxed();
    if let Some(orgs) = orgs {
        let ids: Vec<String> = members(orgs).load(conn)?;
        q = q.filter(users::id.eq_any(ids));
    }
    Ok(q.order(users::created_at.asc()).load(conn)?)
}
