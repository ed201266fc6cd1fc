//! MFA policies (`mfa_policies`) and acknowledgments of upstream MFA
//! (`mfa_upstream_acknowledgments`), S5.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{mfa_policies, mfa_upstream_acknowledgments};
use crate::error::AppError;
use crate::store::cache_events::{Changed, announce};

/// One policy rule.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = mfa_policies)]
pub struct PolicyRow {
    pub id: String,
    pub scope: String,
    pub subject: String,
    pub requirement: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An acknowledgment row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = mfa_upstream_acknowledgments)]
pub struct Acknowledgment {
    pub upstream: String,
    pub acknowledged_by: String,
    pub acknowledged_at: NaiveDateTime,
}

/// Bumped after every committed change of a rule made in this process,
/// and when another instance announces one (`cache_events`), so the cache
/// of rules (`client_cache`) reloads.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// The generation of the rules as changed through this process.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// Call after a change of the rules has committed: a cache filled before
/// (even from a read that raced the change) is stale from now on.
pub fn changed() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
}

pub fn list(conn: &mut DbConnection) -> Result<Vec<PolicyRow>, AppError> {
    Ok(mfa_policies::table
        .order((mfa_policies::scope, mfa_policies::subject))
        .select(PolicyRow::as_select())
        .load(conn)?)
}

/// The rules of `scope` for these subjects only.
pub fn list_of(
    conn: &mut DbConnection,
    scope: &str,
    subjects: &[String],
) -> Result<Vec<PolicyRow>, AppError> {
    Ok(mfa_policies::table
        .filter(mfa_policies::scope.eq(scope))
        .filter(mfa_policies::subject.eq_any(subjects))
        .order((mfa_policies::scope, mfa_policies::subject))
        .select(PolicyRow::as_select())
        .load(conn)?)
}

pub fn find(
    conn: &mut DbConnection,
    scope: &str,
    subject: &str,
) -> Result<Option<PolicyRow>, AppError> {
    Ok(mfa_policies::table
        .filter(mfa_policies::scope.eq(scope))
        .filter(mfa_policies::subject.eq(subject))
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Create or update the rule for `scope`+`subject`; returns the previous
/// requirement, if any.
pub fn upsert(
    conn: &mut DbConnection,
    scope: &str,
    subject: &str,
    requirement: &str,
    now: NaiveDateTime,
) -> Result<Option<String>, AppError> {
    let previous = find(conn, scope, subject)?;
    match &previous {
        Some(row) => {
            diesel::update(mfa_policies::table.find(&row.id))
                .set((
                    mfa_policies::requirement.eq(requirement),
                    mfa_policies::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(mfa_policies::table)
                .values(&PolicyRow {
                    id: uuid::Uuid::new_v4().to_string(),
                    scope: scope.to_owned(),
                    subject: subject.to_owned(),
                    requirement: requirement.to_owned(),
                    created_at: now,
                    updated_at: now,
                })
                .execute(conn)?;
        }
    }
    announce(conn, &Changed::MfaRules)?;
    Ok(previous.map(|r| r.requirement))
}

pub fn remove(conn: &mut DbConnection, scope: &str, subject: &str) -> Result<bool, AppError> {
    let removed = diesel::delete(
        mfa_policies::table
            .filter(mfa_policies::scope.eq(scope))
            .filter(mfa_policies::subject.eq(subject)),
    )
    .execute(conn)?
        == 1;
    if removed {
        announce(conn, &Changed::MfaRules)?;
    }
    Ok(removed)
}

pub fn acknowledge(conn: &mut DbConnection, row: &Acknowledgment) -> Result<bool, AppError> {
    let exists = mfa_upstream_acknowledgments::table
        .find(&row.upstream)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(mfa_upstream_acknowledgments::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

pub fn acknowledgments(conn: &mut DbConnection) -> Result<Vec<Acknowledgment>, AppError> {
    Ok(mfa_upstream_acknowledgments::table
        .order(mfa_upstream_acknowledgments::upstream)
        .select(Acknowledgment::as_select())
        .load(conn)?)
}
