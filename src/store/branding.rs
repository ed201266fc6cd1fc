//! Organizations' branding (`organization_branding`): display name,
//! colours and logo. The logo's bytes are read only when it is served.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::organization_branding as branding;
use crate::domain::OrganizationId;
use crate::error::AppError;

/// An organization's branding, without the logo's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct LookRow {
    pub organization_id: OrganizationId,
    pub display_name: Option<String>,
    pub primary_color: Option<String>,
    pub accent_color: Option<String>,
    /// The logo's content type (none: no logo).
    pub logo_type: Option<String>,
    pub updated_at: NaiveDateTime,
}

/// A stored logo: its content type, bytes, and when it last changed.
pub type LogoRow = (String, Vec<u8>, NaiveDateTime);

pub fn find_look(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
) -> Result<Option<LookRow>, AppError> {
    Ok(branding::table
        .find(organization_id)
        .select((
            branding::organization_id,
            branding::display_name,
            branding::primary_color,
            branding::accent_color,
            branding::logo_type,
            branding::updated_at,
        ))
        .first(conn)
        .optional()?)
}

/// The branding of each of `ids` that has one.
pub fn looks_of(conn: &mut DbConnection, ids: &[OrganizationId]) -> Result<Vec<LookRow>, AppError> {
    Ok(branding::table
        .filter(branding::organization_id.eq_any(ids.iter().map(|i| i.to_string())))
        .select((
            branding::organization_id,
            branding::display_name,
            branding::primary_color,
            branding::accent_color,
            branding::logo_type,
            branding::updated_at,
        ))
        .load(conn)?)
}

pub fn find_logo(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
) -> Result<Option<LogoRow>, AppError> {
    let found: Option<(Option<String>, Option<Vec<u8>>, NaiveDateTime)> = branding::table
        .find(organization_id)
        .select((branding::logo_type, branding::logo, branding::updated_at))
        .first(conn)
        .optional()?;
    Ok(match found {
        Some((Some(kind), Some(bytes), at)) => Some((kind, bytes, at)),
        _ => None,
    })
}

/// Make the row of `organization_id` if it has none (in the caller's
/// write transaction).
fn ensure(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let exists = branding::table
        .find(organization_id)
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        diesel::insert_into(branding::table)
            .values((
                branding::organization_id.eq(organization_id),
                branding::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Set the display name and colours (run in a write transaction).
pub fn save_look(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
    display_name: Option<&str>,
    primary_color: Option<&str>,
    accent_color: Option<&str>,
    now: NaiveDateTime,
    by: Option<&str>,
) -> Result<(), AppError> {
    ensure(conn, organization_id, now)?;
    diesel::update(branding::table.find(organization_id))
        .set((
            branding::display_name.eq(display_name),
            branding::primary_color.eq(primary_color),
            branding::accent_color.eq(accent_color),
            branding::updated_at.eq(now),
            branding::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

/// Set (or, with `None`, remove) the logo (run in a write transaction).
pub fn save_logo(
    conn: &mut DbConnection,
    organization_id: &OrganizationId,
    logo: Option<(&str, &[u8])>,
    now: NaiveDateTime,
    by: Option<&str>,
) -> Result<(), AppError> {
    ensure(conn, organization_id, now)?;
    diesel::update(branding::table.find(organization_id))
        .set((
            branding::logo_type.eq(logo.map(|(kind, _)| kind)),
            branding::logo.eq(logo.map(|(_, bytes)| bytes)),
            branding::updated_at.eq(now),
            branding::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}
