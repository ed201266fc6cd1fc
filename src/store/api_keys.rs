//! API keys of the admin API (`api_keys`): found by the SHA-256 of the
//! whole key; the per-minute request window is kept in the row so that
//! every instance counts against the same limit.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::api_keys;
use crate::domain::{OrganizationId, TextList};
use crate::error::AppError;

/// An API key row (never the key itself).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    /// The first characters of the key, to recognise it in lists.
    pub prefix: String,
    pub secret_hash: String,
    pub organization_id: Option<OrganizationId>,
    #[diesel(serialize_as = String)]
    pub scopes: TextList,
    pub vendor: bool,
    /// CIDR blocks the key may be used from (none: anywhere).
    #[diesel(serialize_as = String)]
    pub allowed_ips: TextList,
    pub rate_limit_per_min: Option<i32>,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub last_used_ip: Option<String>,
    pub use_count: i64,
    pub window_start: Option<NaiveDateTime>,
    pub window_count: i32,
}

pub fn insert(conn: &mut DbConnection, row: &ApiKeyRow) -> Result<(), AppError> {
    diesel::insert_into(api_keys::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ApiKeyRow>, AppError> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_hash(conn: &mut DbConnection, hash: &str) -> Result<Option<ApiKeyRow>, AppError> {
    Ok(api_keys::table
        .filter(api_keys::secret_hash.eq(hash))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every key, oldest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ApiKeyRow>, AppError> {
    Ok(api_keys::table
        .order((api_keys::created_at.asc(), api_keys::id.asc()))
        .select(ApiKeyRow::as_select())
        .load(conn)?)
}

/// Keys bound to `organizations` (or every key), by creation time then
/// id, after the key `after`.
pub fn page(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ApiKeyRow>, AppError> {
    let mut query = api_keys::table.select(ApiKeyRow::as_select()).into_boxed();
    if let Some(orgs) = organizations {
        query = query.filter(api_keys::organization_id.eq_any(orgs.iter().map(|o| o.to_string())));
    }
    if let Some((at, id)) = after {
        query = query.filter(
            // `>=` first so that the index on created_at bounds the scan
            // (the bare OR made every page rescan from the start).
            api_keys::created_at
                .ge(at)
                .and(api_keys::created_at.gt(at).or(api_keys::id.gt(id))),
        );
    }
    Ok(query
        .order((api_keys::created_at.asc(), api_keys::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// The key `id` if bound to one of `organizations` (or any key).
pub fn find_in(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    id: &str,
) -> Result<Option<ApiKeyRow>, AppError> {
    let mut query = api_keys::table
        .filter(api_keys::id.eq(id))
        .select(ApiKeyRow::as_select())
        .into_boxed();
    if let Some(orgs) = organizations {
        query = query.filter(api_keys::organization_id.eq_any(orgs.iter().map(|o| o.to_string())));
    }
    Ok(query.first(conn).optional()?)
}

/// Mark revoked at `now`; whether a live key was revoked.
pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    Ok(diesel::update(
        api_keys::table
            .find(id)
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(Some(now)))
    .execute(conn)?
        == 1)
}

/// Let the key work until `until` at the latest.
pub fn expire_by(conn: &mut DbConnection, id: &str, until: NaiveDateTime) -> Result<(), AppError> {
    let current = find(conn, id)?.and_then(|k| k.expires_at);
    let at = current.map_or(until, |c| c.min(until));
    diesel::update(api_keys::table.find(id))
        .set(api_keys::expires_at.eq(Some(at)))
        .execute(conn)?;
    Ok(())
}

/// Record a use: the window restarts at `now` when it began at or before
/// `window_cutoff`; returns the row as updated.
pub fn record_use(
    conn: &mut DbConnection,
    key: &ApiKeyRow,
    ip: &str,
    now: NaiveDateTime,
    window_cutoff: NaiveDateTime,
) -> Result<ApiKeyRow, AppError> {
    let fresh = key.window_start.is_none_or(|start| start <= window_cutoff);
    let (start, count) = if fresh {
        (now, 1)
    } else {
        (
            key.window_start.unwrap_or(now),
            key.window_count.saturating_add(1),
        )
    };
    diesel::update(api_keys::table.find(&key.id))
        .set((
            api_keys::window_start.eq(Some(start)),
            api_keys::window_count.eq(count),
            api_keys::use_count.eq(api_keys::use_count + 1),
            api_keys::last_used_at.eq(Some(now)),
            api_keys::last_used_ip.eq(Some(ip)),
        ))
        .execute(conn)?;
    find(conn, &key.id)?.ok_or(AppError::NotFound)
}
