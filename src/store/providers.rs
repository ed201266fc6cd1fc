//! Upstream identity providers (`providers`) and the email domains they
//! claim (`provider_domains`, one provider per domain). The secret column
//! holds only envelope-encrypted text (SR-115); sealing and opening it is
//! `federation::registry`'s job. A soft-deleted provider (`deleted_at`)
//! is invisible to [`find`] and [`list`], which sign-in uses; its domains
//! are released and remembered in `released_domains` for a restore.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{provider_domains, providers};
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::OrganizationId;
use crate::error::AppError;

/// A provider row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = providers, treat_none_as_null = true)]
pub struct ProviderRow {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub enabled: bool,
    pub organization_id: Option<OrganizationId>,
    pub trust_email: bool,
    pub jit: bool,
    pub button_label: Option<String>,
    /// JSON object of the kind's settings (issuer, client id, scopes, …).
    pub settings: String,
    /// Envelope-encrypted client secret, never the secret itself.
    pub secret: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Local passwords still sign in for the domains it claims.
    pub allow_local_passwords: bool,
    /// The upstream's tokens are kept (sealed) on the identity.
    pub keep_tokens: bool,
    /// Soft-deleted then (S8), by `deleted_by` (an actor id).
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<String>,
    /// JSON array of the domains released by the deletion.
    pub released_domains: Option<String>,
}

/// Why a write was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// A domain is claimed by another provider (named when known: a
    /// concurrent claim is seen only as the unique violation).
    DomainTaken {
        domain: String,
        owner: Option<String>,
    },
}

fn claim(
    conn: &mut DbConnection,
    id: &str,
    domains: &[String],
) -> Result<Option<Refused>, AppError> {
    // Look first: on PostgreSQL a failed insert aborts the transaction,
    // so the owner could not be read afterwards.
    for domain in domains {
        if let Some(owner) = owner_of_domain(conn, domain)?.filter(|o| o != id) {
            return Ok(Some(Refused::DomainTaken {
                domain: domain.clone(),
                owner: Some(owner),
            }));
        }
    }
    for domain in domains {
        let inserted = diesel::insert_into(provider_domains::table)
            .values((
                provider_domains::domain.eq(domain),
                provider_domains::provider_id.eq(id),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Ok(Some(Refused::DomainTaken {
                    domain: domain.clone(),
                    owner: None,
                }));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Insert a provider with its domains (inside the caller's transaction,
/// which must roll back on a refusal).
pub fn insert(
    conn: &mut DbConnection,
    row: &ProviderRow,
    domains: &[String],
) -> Result<Option<Refused>, AppError> {
    diesel::insert_into(providers::table)
        .values(row.clone())
        .execute(conn)?;
    claim(conn, &row.id, domains)
}

/// Replace a provider's fields and domains (inside the caller's
/// transaction, which must roll back on a refusal).
pub fn update(
    conn: &mut DbConnection,
    row: &ProviderRow,
    domains: &[String],
) -> Result<Option<Refused>, AppError> {
    diesel::update(providers::table.find(&row.id))
        .set(row.clone())
        .execute(conn)?;
    diesel::delete(provider_domains::table.filter(provider_domains::provider_id.eq(&row.id)))
        .execute(conn)?;
    claim(conn, &row.id, domains)
}

/// The live (not deleted) provider `id`: what sign-in uses.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProviderRow>, AppError> {
    Ok(providers::table
        .find(id)
        .filter(providers::deleted_at.is_null())
        .select(ProviderRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every live provider, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ProviderRow>, AppError> {
    Ok(providers::table
        .filter(providers::deleted_at.is_null())
        .order((providers::name.asc(), providers::id.asc()))
        .select(ProviderRow::as_select())
        .load(conn)?)
}

/// The domains a provider claims, sorted.
pub fn domains_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, AppError> {
    Ok(provider_domains::table
        .filter(provider_domains::provider_id.eq(id))
        .order(provider_domains::domain.asc())
        .select(provider_domains::domain)
        .load(conn)?)
}

/// The provider claiming `domain` (lower-case), if any.
pub fn owner_of_domain(conn: &mut DbConnection, domain: &str) -> Result<Option<String>, AppError> {
    Ok(provider_domains::table
        .find(domain)
        .select(provider_domains::provider_id)
        .first(conn)
        .optional()?)
}

/// Providers as the admin sees them: live ones (and deleted ones when
/// `deleted`), of these organizations only when `organizations` is given
/// (global providers, without an organization, are then out of reach).
fn in_reach<'a>(
    organizations: Option<&'a [OrganizationId]>,
    deleted: bool,
) -> providers::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<ProviderRow, crate::db::MultiBackend>>,
> {
    let mut query = providers::table
        .select(ProviderRow::as_select())
        .into_boxed();
    if !deleted {
        query = query.filter(providers::deleted_at.is_null());
    }
    if let Some(orgs) = organizations {
        query = query.filter(providers::organization_id.eq_any(orgs.iter().cloned()));
    }
    query
}

/// The provider `id` if in reach (deleted too when `deleted`).
pub fn find_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    id: &str,
    deleted: bool,
) -> Result<Option<ProviderRow>, AppError> {
    Ok(in_reach(organizations, deleted)
        .filter(providers::id.eq(id))
        .first(conn)
        .optional()?)
}

/// A page of providers in reach, by creation time then id, after `after`,
/// whose name or id contains `search` (any case).
pub fn page_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    deleted: bool,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<ProviderRow>, AppError> {
    use crate::store::users::lower;
    let mut query = in_reach(organizations, deleted);
    if let Some(q) = search {
        let pattern = crate::store::contains_pattern(&q.to_lowercase());
        query = query.filter(
            lower(providers::name)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(providers::id).like(pattern).escape('\\')),
        );
    }
    if let Some((at, id)) = after {
        query = query.filter(
            // `>=` first so that the index on created_at bounds the scan
            // (the bare OR made every page rescan from the start).
            providers::created_at
                .ge(at)
                .and(providers::created_at.gt(at).or(providers::id.gt(id))),
        );
    }
    Ok(query
        .order((providers::created_at.asc(), providers::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// Soft-delete a live provider: mark it, release its domains and remember
/// them; the released domains.
pub fn soft_delete(
    conn: &mut DbConnection,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let domains = domains_of(conn, id)?;
    let remembered = serde_json::to_string(&domains)
        .map_err(|e| AppError::Internal(format!("provider domains: {e}")))?;
    diesel::delete(provider_domains::table.filter(provider_domains::provider_id.eq(id)))
        .execute(conn)?;
    diesel::update(providers::table.find(id))
        .set((
            providers::deleted_at.eq(Some(at)),
            providers::deleted_by.eq(Some(by)),
            providers::released_domains.eq(Some(remembered)),
            providers::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(domains)
}

/// Bring a soft-deleted provider back: it claims again each released
/// domain nobody claimed meanwhile. (reclaimed, lost to another provider).
pub fn restore(
    conn: &mut DbConnection,
    row: &ProviderRow,
    at: NaiveDateTime,
) -> Result<(Vec<String>, Vec<String>), AppError> {
    let released: Vec<String> = match &row.released_domains {
        Some(text) => serde_json::from_str(text)
            .map_err(|e| AppError::Internal(format!("provider {}: domains: {e}", row.id)))?,
        None => Vec::new(),
    };
    let (mut back, mut lost) = (Vec::new(), Vec::new());
    for domain in released {
        if owner_of_domain(conn, &domain)?.is_some() {
            lost.push(domain);
        } else {
            back.push(domain);
        }
    }
    diesel::update(providers::table.find(&row.id))
        .set((
            providers::deleted_at.eq(None::<NaiveDateTime>),
            providers::deleted_by.eq(None::<String>),
            providers::released_domains.eq(None::<String>),
            providers::updated_at.eq(at),
        ))
        .execute(conn)?;
    if let Some(Refused::DomainTaken { domain, .. }) = claim(conn, &row.id, &back)? {
        // Claimed by someone else between the look and the insert.
        return Err(AppError::Conflict(format!(
            "the domain {domain} was just claimed by another provider; try again"
        )));
    }
    Ok((back, lost))
}

/// Delete a provider (its domains go with it); whether it existed.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(providers::table.find(id)).execute(conn)? == 1)
}
