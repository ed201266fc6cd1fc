//! Upstream identities linked to users (`identities`): one row per
//! (provider, subject), the key a federated sign-in is found by (SR-111).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{identities, providers};
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::{OrganizationId, UserId};
use crate::error::AppError;

/// An identity row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = identities)]
pub struct IdentityRow {
    pub provider_id: String,
    pub subject: String,
    pub user_id: UserId,
    /// The email the upstream gave at the last sign-in (informational).
    pub email: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
    /// The upstream's tokens, sealed, when the provider keeps them.
    pub tokens: Option<String>,
    /// The upstream's group names at the last sign-in (a JSON array).
    pub groups: String,
}

pub fn find(
    conn: &mut DbConnection,
    provider_id: &str,
    subject: &str,
) -> Result<Option<IdentityRow>, AppError> {
    Ok(identities::table
        .find((provider_id, subject))
        .select(IdentityRow::as_select())
        .first(conn)
        .optional()?)
}

/// Insert; `false` when this (provider, subject) is already linked.
pub fn insert(conn: &mut DbConnection, row: &IdentityRow) -> Result<bool, AppError> {
    match diesel::insert_into(identities::table)
        .values(row.clone())
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Record a sign-in through the identity, with the tokens to keep (none
/// forgets any kept before) and the groups it had (a JSON array).
pub fn touch(
    conn: &mut DbConnection,
    provider_id: &str,
    subject: &str,
    email: Option<&str>,
    tokens: Option<&str>,
    groups: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(identities::table.find((provider_id, subject)))
        .set((
            identities::last_login_at.eq(Some(now)),
            identities::email.eq(email),
            identities::tokens.eq(tokens),
            identities::groups.eq(groups),
        ))
        .execute(conn)?;
    Ok(())
}

/// A user's identities with their provider's name, by provider name.
pub fn of_user(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<(IdentityRow, String)>, AppError> {
    of_users(conn, std::slice::from_ref(user_id), None)
}

/// [`of_user`] for several users in one query, by user, then provider
/// name and subject. `within`: only identities at providers of these
/// organizations or of none (instance-wide), never another
/// organization's; `None`: all.
pub fn of_users(
    conn: &mut DbConnection,
    user_ids: &[UserId],
    within: Option<&[OrganizationId]>,
) -> Result<Vec<(IdentityRow, String)>, AppError> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = identities::table
        .inner_join(providers::table)
        .filter(identities::user_id.eq_any(user_ids))
        .order((
            identities::user_id.asc(),
            providers::name.asc(),
            identities::subject.asc(),
        ))
        .select((IdentityRow::as_select(), providers::name))
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(
            providers::organization_id
                .is_null()
                .or(providers::organization_id.eq_any(ids)),
        );
    }
    Ok(query.load(conn)?)
}

/// The group names of a user's identities (of providers not deleted) at
/// their last sign-ins: deduplicated, sorted. One query.
pub fn groups_of_user(conn: &mut DbConnection, user_id: &UserId) -> Result<Vec<String>, AppError> {
    let lists: Vec<String> = identities::table
        .inner_join(providers::table)
        .filter(identities::user_id.eq(user_id))
        .filter(providers::deleted_at.is_null())
        .select(identities::groups)
        .load(conn)?;
    let mut groups = std::collections::BTreeSet::new();
    for list in lists {
        // A list that does not read (never written so) counts as none.
        let names: Vec<String> = serde_json::from_str(&list).unwrap_or_default();
        groups.extend(names);
    }
    Ok(groups.into_iter().collect())
}

/// The groups of an identity as stored (a JSON array, sorted, deduplicated).
pub fn groups_json(groups: &[String]) -> String {
    let set: std::collections::BTreeSet<&String> = groups.iter().collect();
    serde_json::to_string(&set).unwrap_or_else(|_| "[]".into())
}

/// How many identities a user has.
pub fn count_for_user(conn: &mut DbConnection, user_id: &UserId) -> Result<i64, AppError> {
    Ok(identities::table
        .filter(identities::user_id.eq(user_id))
        .count()
        .get_result(conn)?)
}

/// Remove one identity of a user; whether it was theirs and is gone.
pub fn delete_one(
    conn: &mut DbConnection,
    user_id: &UserId,
    provider_id: &str,
    subject: &str,
) -> Result<bool, AppError> {
    let gone = diesel::delete(
        identities::table
            .find((provider_id, subject))
            .filter(identities::user_id.eq(user_id)),
    )
    .execute(conn)?;
    Ok(gone == 1)
}

/// Remove every identity of a user (the account is going away).
pub fn delete_for_user(conn: &mut DbConnection, user_id: &UserId) -> Result<usize, AppError> {
    Ok(diesel::delete(identities::table.filter(identities::user_id.eq(user_id))).execute(conn)?)
}
