//! Users: normalized unique email (a partial unique index over live rows),
//! argon2id hash, flags, soft delete.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::UserId;
use crate::error::AppError;
use crate::store::search_term::Term;

/// A user row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub password_hash: Option<String>,
    pub email_verified: bool,
    pub locked: bool,
    pub superuser: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<String>,
    /// E.164 (`+` and digits), normalized by the users layer.
    pub phone_number: Option<String>,
    /// Set by an administrator only (no SMS verification exists).
    pub phone_number_verified: bool,
    /// OIDC Core §5.1.1 address members as a JSON object.
    pub address: Option<String>,
}

/// A user to insert.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a UserId,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: Option<&'a str>,
    pub email_verified: bool,
    pub locked: bool,
    pub superuser: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Outcome of an insert that may race with another.
#[derive(Debug, PartialEq, Eq)]
pub enum Inserted {
    Created,
    AlreadyExists,
}

/// Insert; a live user with the same email already existing is
/// [`Inserted::AlreadyExists`], not an error.
pub fn insert(conn: &mut DbConnection, user: &NewUser<'_>) -> Result<Inserted, AppError> {
    match diesel::insert_into(users::table).values(user).execute(conn) {
        Ok(_) => Ok(Inserted::Created),
        Err(e) if is_unique_violation(&e) => Ok(Inserted::AlreadyExists),
        Err(e) => Err(e.into()),
    }
}

/// The live (not deleted) user with this normalized email.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// A live user by id.
pub fn find(conn: &mut DbConnection, id: &UserId) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::id.eq(id))
        .filter(users::deleted_at.is_null())
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// Live users, by email; only `email` (normalized) when given, only
/// members of `organization` when given.
pub fn list_live(
    conn: &mut DbConnection,
    email: Option<&str>,
    organization: Option<&crate::domain::OrganizationId>,
) -> Result<Vec<User>, AppError> {
    use crate::db::schema::memberships;
    let mut query = users::table
        .filter(users::deleted_at.is_null())
        .order(users::email.asc())
        .select(User::as_select())
        .into_boxed();
    if let Some(email) = email {
        query = query.filter(users::email.eq(email.to_owned()));
    }
    if let Some(org) = organization {
        let members = memberships::table
            .filter(memberships::organization_id.eq(org.clone()))
            .select(memberships::user_id);
        query = query.filter(users::id.eq_any(members));
    }
    Ok(query.load(conn)?)
}

/// Number of live users.
pub fn count(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(users::table
        .filter(users::deleted_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Soft-delete a live user: the row stays (audit references it) but the
/// email becomes free and the user can no longer sign in.
pub fn soft_delete(
    conn: &mut DbConnection,
    id: &UserId,
    by: Option<&str>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((
        users::deleted_at.eq(Some(now)),
        users::deleted_by.eq(by),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Replace the password hash of a live user.
pub fn set_password(
    conn: &mut DbConnection,
    id: &UserId,
    hash: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((
        users::password_hash.eq(Some(hash)),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Mark a live user's email address as verified; false when it already was.
pub fn mark_verified(
    conn: &mut DbConnection,
    id: &UserId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null())
            .filter(users::email_verified.eq(false)),
    )
    .set((users::email_verified.eq(true), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(n > 0)
}

/// Move a live user to a new (normalized) address, verified by the link
/// that proved it; `false` when another live account has it (the unique
/// index decides, so two accounts racing for one address cannot both win).
pub fn set_email(
    conn: &mut DbConnection,
    id: &UserId,
    email: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    match diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((
        users::email.eq(email),
        users::email_verified.eq(true),
        users::updated_at.eq(now),
    ))
    .execute(conn)
    {
        Ok(n) => Ok(n > 0),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Set the phone number, its verified flag and the address (JSON) of a
/// live user.
pub fn set_contact(
    conn: &mut DbConnection,
    id: &UserId,
    phone_number: Option<&str>,
    phone_number_verified: bool,
    address: Option<&str>,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((
        users::phone_number.eq(phone_number),
        users::phone_number_verified.eq(phone_number_verified),
        users::address.eq(address),
        users::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n > 0)
}

/// Set the display name of a live user.
pub fn set_display_name(
    conn: &mut DbConnection,
    id: &UserId,
    name: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let n = diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((users::display_name.eq(name), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(n > 0)
}

/// Number of live, unlocked superusers.
pub fn count_superusers(conn: &mut DbConnection) -> Result<i64, AppError> {
    Ok(users::table
        .filter(users::deleted_at.is_null())
        .filter(users::superuser.eq(true))
        .filter(users::locked.eq(false))
        .count()
        .get_result(conn)?)
}

diesel::define_sql_function!(
    /// SQL `lower()`: case-insensitive matching on both databases.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// Which live users an admin-API caller may see: all, or the members of
/// some organizations (`None` / `Some(ids)`), filtered in the query.
fn in_reach<'a>(
    organizations: Option<&'a [crate::domain::OrganizationId]>,
    include_deleted: bool,
) -> users::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<User, crate::db::MultiBackend>>,
> {
    use crate::db::schema::memberships;
    let mut query = users::table.select(User::as_select()).into_boxed();
    if !include_deleted {
        query = query.filter(users::deleted_at.is_null());
    }
    if let Some(orgs) = organizations {
        let members = memberships::table
            .filter(memberships::organization_id.eq_any(orgs.iter().map(|o| o.to_string())))
            .select(memberships::user_id);
        query = query.filter(users::id.eq_any(members));
    }
    query
}

/// One page of users in reach (live ones, or deleted ones too), by
/// creation time then id, after the (created_at, id) key `after`; `search`
/// matches email or name, case-insensitively.
pub fn page_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[crate::domain::OrganizationId]>,
    include_deleted: bool,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<User>, AppError> {
    page_in_reach_where(
        conn,
        organizations,
        include_deleted,
        false,
        search,
        after,
        limit,
    )
}

/// [`page_in_reach`], only disabled accounts when `disabled_only` (the
/// console's status filter).
pub fn page_in_reach_where(
    conn: &mut DbConnection,
    organizations: Option<&[crate::domain::OrganizationId]>,
    include_deleted: bool,
    disabled_only: bool,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<User>, AppError> {
    let mut query = in_reach(organizations, include_deleted);
    if disabled_only {
        query = query.filter(users::locked.eq(true));
    }
    if let Some(q) = search {
        query = match crate::store::search_term::parse(q) {
            Term::Exact(value) => query.filter(
                lower(users::email)
                    .eq(value.clone())
                    .or(lower(users::display_name).eq(value)),
            ),
            Term::Like { start, word } => {
                let from_start = lower(users::email)
                    .like(start.clone())
                    .escape('\\')
                    .or(lower(users::display_name).like(start).escape('\\'));
                match word {
                    Some(word) => query
                        .filter(from_start.or(lower(users::display_name).like(word).escape('\\'))),
                    None => query.filter(from_start),
                }
            }
        };
    }
    if let Some((at, id)) = after {
        query = query.filter(
            // `>=` first so that the index on created_at bounds the scan
            // (the bare OR made every page rescan from the start).
            users::created_at
                .ge(at)
                .and(users::created_at.gt(at).or(users::id.gt(id))),
        );
    }
    Ok(query
        .order((users::created_at.asc(), users::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// The user `id` (live, or deleted too), if in reach.
pub fn find_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[crate::domain::OrganizationId]>,
    include_deleted: bool,
    id: &UserId,
) -> Result<Option<User>, AppError> {
    Ok(in_reach(organizations, include_deleted)
        .filter(users::id.eq(id.clone()))
        .first(conn)
        .optional()?)
}

/// Set a live user's `locked` flag (disabled by an administrator).
pub fn set_locked(
    conn: &mut DbConnection,
    id: &UserId,
    locked: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((users::locked.eq(locked), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(())
}

/// Bring a soft-deleted user back; `false` when another live account has
/// taken the address meanwhile (the unique index decides).
pub fn restore(conn: &mut DbConnection, id: &UserId, now: NaiveDateTime) -> Result<bool, AppError> {
    // A savepoint: a unique violation must not abort the caller's
    // transaction (PostgreSQL).
    match conn.transaction(|conn| {
        diesel::update(
            users::table
                .filter(users::id.eq(id))
                .filter(users::deleted_at.is_not_null()),
        )
        .set((
            users::deleted_at.eq(None::<NaiveDateTime>),
            users::deleted_by.eq(None::<String>),
            users::updated_at.eq(now),
        ))
        .execute(conn)
    }) {
        Ok(n) => Ok(n > 0),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// An administrator moves a live user to a new (normalized) address, not
/// yet proven; `false` when another live account has it.
pub fn set_unverified_email(
    conn: &mut DbConnection,
    id: &UserId,
    email: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    // A savepoint: a unique violation must not abort the caller's
    // transaction (PostgreSQL).
    match conn.transaction(|conn| {
        diesel::update(
            users::table
                .filter(users::id.eq(id))
                .filter(users::deleted_at.is_null()),
        )
        .set((
            users::email.eq(email),
            users::email_verified.eq(false),
            users::updated_at.eq(now),
        ))
        .execute(conn)
    }) {
        Ok(n) => Ok(n > 0),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Grant or withdraw a live user's superuser flag.
pub fn set_superuser(
    conn: &mut DbConnection,
    id: &UserId,
    superuser: bool,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(
        users::table
            .filter(users::id.eq(id))
            .filter(users::deleted_at.is_null()),
    )
    .set((users::superuser.eq(superuser), users::updated_at.eq(now)))
    .execute(conn)?;
    Ok(())
}
