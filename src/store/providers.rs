//! Upstream identity providers (`providers`) and the email domains they
//! claim (`provider_domains`, one provider per domain). The secret column
//! holds only envelope-encrypted text (SR-115); sealing and opening it is
//! `federation::registry`'s job.

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

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProviderRow>, AppError> {
    Ok(providers::table
        .find(id)
        .select(ProviderRow::as_select())
        .first(conn)
        .optional()?)
}

/// Every provider, by name.
pub fn list(conn: &mut DbConnection) -> Result<Vec<ProviderRow>, AppError> {
    Ok(providers::table
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

/// Delete a provider (its domains go with it); whether it existed.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(providers::table.find(id)).execute(conn)? == 1)
}
