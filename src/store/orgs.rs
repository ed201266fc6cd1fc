//! Organizations and memberships (roles owner/admin/auditor/member).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{memberships, organizations};
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::{OrganizationId, UserId};
use crate::error::AppError;

/// An organization row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: OrganizationId,
    pub name: String,
    pub created_at: NaiveDateTime,
}

/// The organization named `name`, created when missing (race-safe: a
/// concurrent creation is read back).
pub fn find_or_create(
    conn: &mut DbConnection,
    name: &str,
    now: NaiveDateTime,
) -> Result<(Organization, bool), AppError> {
    if let Some(org) = find_by_name(conn, name)? {
        return Ok((org, false));
    }
    let org = Organization {
        id: OrganizationId::from(uuid::Uuid::now_v7().to_string()),
        name: name.to_owned(),
        created_at: now,
    };
    match insert(conn, &org) {
        Ok(()) => Ok((org, true)),
        Err(e) if is_unique_violation(&e) => find_by_name(conn, name)?
            .map(|o| (o, false))
            .ok_or(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// Insert an organization (the unique name decides: the diesel error is
/// returned for the caller to tell a taken name).
pub fn insert(conn: &mut DbConnection, org: &Organization) -> Result<(), diesel::result::Error> {
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(&org.id),
            organizations::name.eq(&org.name),
            organizations::created_at.eq(org.created_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Rename an organization (a taken name is the diesel error).
pub fn rename(
    conn: &mut DbConnection,
    id: &OrganizationId,
    name: &str,
) -> Result<(), diesel::result::Error> {
    diesel::update(organizations::table.find(id))
        .set(organizations::name.eq(name))
        .execute(conn)
        .map(|_| ())
}

/// The user's role in an organization, if a member.
pub fn role_in(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
) -> Result<Option<String>, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::organization_id.eq(organization_id))
        .select(memberships::role)
        .first(conn)
        .optional()?)
}

/// Change a member's role (a person's doing: the membership is theirs from
/// now on, and no provider's rule changes it again).
pub fn set_role(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
    role: &str,
) -> Result<(), AppError> {
    diesel::update(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::organization_id.eq(organization_id)),
    )
    .set((
        memberships::role.eq(role),
        memberships::granted_by.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Change the role of a membership a provider's rule granted (it stays
/// the provider's).
pub fn set_granted_role(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
    role: &str,
) -> Result<(), AppError> {
    diesel::update(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::organization_id.eq(organization_id)),
    )
    .set(memberships::role.eq(role))
    .execute(conn)?;
    Ok(())
}

/// Mark a membership as granted by `provider_id` (a provider's rules may
/// change it at later sign-ins).
pub fn mark_granted(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
    provider_id: &str,
) -> Result<(), AppError> {
    diesel::update(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::organization_id.eq(organization_id)),
    )
    .set(memberships::granted_by.eq(Some(provider_id)))
    .execute(conn)?;
    Ok(())
}

/// (organization id, role, granted by) for every membership of a user;
/// `granted by` is the provider whose rule granted it, none for a person.
pub fn grants_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<(OrganizationId, String, Option<String>)>, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((
            memberships::organization_id,
            memberships::role,
            memberships::granted_by,
        ))
        .load::<(String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(org, role, by)| (OrganizationId::from(org), role, by))
        .collect())
}

/// Add `user_id` to `org_id` with `role`, granted by `provider_id`'s rule;
/// `false` when a membership appeared meanwhile (a concurrent sign-in: in
/// a savepoint, so the transaction goes on on PostgreSQL).
pub fn add_granted(
    conn: &mut DbConnection,
    user_id: &UserId,
    org_id: &OrganizationId,
    role: &str,
    provider_id: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(memberships::table)
            .values((
                memberships::user_id.eq(user_id),
                memberships::organization_id.eq(org_id),
                memberships::role.eq(role),
                memberships::created_at.eq(now),
                memberships::granted_by.eq(Some(provider_id)),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Remove a membership.
pub fn remove_member(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
) -> Result<(), AppError> {
    diesel::delete(
        memberships::table
            .filter(memberships::user_id.eq(user_id))
            .filter(memberships::organization_id.eq(organization_id)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn find_by_name(conn: &mut DbConnection, name: &str) -> Result<Option<Organization>, AppError> {
    Ok(organizations::table
        .filter(organizations::name.eq(name))
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

/// The name of the organization `id`, if it exists.
pub fn name_of(conn: &mut DbConnection, id: &OrganizationId) -> Result<Option<String>, AppError> {
    Ok(organizations::table
        .filter(organizations::id.eq(id))
        .select(organizations::name)
        .first(conn)
        .optional()?)
}

/// Add `user_id` to `org_id` with `role`.
pub fn add_member(
    conn: &mut DbConnection,
    user_id: &UserId,
    org_id: &OrganizationId,
    role: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::user_id.eq(user_id),
            memberships::organization_id.eq(org_id),
            memberships::role.eq(role),
            memberships::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// (organization name, role) for every membership of a user, by name.
pub fn memberships_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<(String, String)>, AppError> {
    Ok(
        memberships_of_users(conn, std::slice::from_ref(user_id), None)?
            .into_iter()
            .map(|(_, organization, role)| (organization, role))
            .collect(),
    )
}

/// [`memberships_of`] for several users in one query: (user, organization
/// name, role), by user then organization name. `within`: only the
/// memberships in these organizations (what a caller of organization reach
/// may see); `None`: all.
pub fn memberships_of_users(
    conn: &mut DbConnection,
    user_ids: &[UserId],
    within: Option<&[OrganizationId]>,
) -> Result<Vec<(UserId, String, String)>, AppError> {
    if user_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = memberships::table
        .inner_join(organizations::table)
        .filter(memberships::user_id.eq_any(user_ids))
        .select((memberships::user_id, organizations::name, memberships::role))
        .order((memberships::user_id.asc(), organizations::name.asc()))
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(memberships::organization_id.eq_any(ids));
    }
    Ok(query.load(conn)?)
}

/// (organization id, role) for every membership of a user.
pub fn roles_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<(OrganizationId, String)>, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select((memberships::organization_id, memberships::role))
        .load(conn)?)
}

/// Ids of the organizations the user belongs to.
pub fn organization_ids_of(
    conn: &mut DbConnection,
    user_id: &UserId,
) -> Result<Vec<String>, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .select(memberships::organization_id)
        .load(conn)?)
}

/// Ids of the organizations where the user has one of `roles`.
pub fn organization_ids_with_role(
    conn: &mut DbConnection,
    user_id: &UserId,
    roles: &[&str],
) -> Result<Vec<OrganizationId>, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::role.eq_any(roles))
        .select(memberships::organization_id)
        .load::<String>(conn)?
        .into_iter()
        .map(OrganizationId::from)
        .collect())
}

/// Whether the user is a member of the organization.
pub fn is_member(
    conn: &mut DbConnection,
    user_id: &UserId,
    organization_id: &OrganizationId,
) -> Result<bool, AppError> {
    Ok(memberships::table
        .filter(memberships::user_id.eq(user_id))
        .filter(memberships::organization_id.eq(organization_id))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// One page of organizations (all, or only `ids`), by creation time then
/// id, after the key `after`; `search` matches the name.
pub fn page(
    conn: &mut DbConnection,
    ids: Option<&[OrganizationId]>,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Organization>, AppError> {
    let mut query = organizations::table
        .select(Organization::as_select())
        .into_boxed();
    if let Some(ids) = ids {
        query = query.filter(organizations::id.eq_any(ids.iter().map(|i| i.to_string())));
    }
    if let Some(q) = search {
        query = query.filter(
            crate::store::users::lower(organizations::name)
                .like(crate::store::contains_pattern(&q.to_lowercase()))
                .escape('\\'),
        );
    }
    if let Some((at, id)) = after {
        query = query.filter(
            organizations::created_at
                .gt(at)
                .or(organizations::created_at
                    .eq(at)
                    .and(organizations::id.gt(id))),
        );
    }
    Ok(query
        .order((organizations::created_at.asc(), organizations::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// The organization `id`, if it exists (and is in `ids` when given).
pub fn find_in(
    conn: &mut DbConnection,
    ids: Option<&[OrganizationId]>,
    id: &OrganizationId,
) -> Result<Option<Organization>, AppError> {
    if ids.is_some_and(|ids| !ids.contains(id)) {
        return Ok(None);
    }
    Ok(organizations::table
        .find(id)
        .select(Organization::as_select())
        .first(conn)
        .optional()?)
}

/// A live member of an organization.
#[derive(Debug, Clone, Queryable)]
pub struct Member {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    /// `owner`, `admin`, `auditor` or `member`.
    pub role: String,
}

/// Every live member, by email.
pub fn members_of(conn: &mut DbConnection, id: &OrganizationId) -> Result<Vec<Member>, AppError> {
    use crate::db::schema::users;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(id))
        .filter(users::deleted_at.is_null())
        .select((
            users::id,
            users::email,
            users::display_name,
            memberships::role,
        ))
        .order(users::email.asc())
        .load(conn)?)
}

/// (organization id, number of live members) for each of `ids` that has
/// members.
pub fn member_counts(
    conn: &mut DbConnection,
    ids: &[OrganizationId],
) -> Result<Vec<(String, i64)>, AppError> {
    use crate::db::schema::users;
    Ok(memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq_any(ids.iter().map(|i| i.to_string())))
        .filter(users::deleted_at.is_null())
        .group_by(memberships::organization_id)
        .select((memberships::organization_id, diesel::dsl::count_star()))
        .load(conn)?)
}
