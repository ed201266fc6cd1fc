//! Remembered consents (S3, SR-22): which scopes a user allowed a client,
//! one row per user+client, merged on each new grant, deleted on revocation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{clients, consents};
use crate::domain::{ClientId, OrganizationId, Scopes, UserId};
use crate::error::AppError;

/// A consent row (`scopes` decoded when read).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct Consent {
    pub user_id: UserId,
    pub client_id: ClientId,
    #[diesel(serialize_as = String)]
    pub scopes: Scopes,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn find(
    conn: &mut DbConnection,
    user_id: &UserId,
    client_id: &ClientId,
) -> Result<Option<Consent>, AppError> {
    Ok(consents::table
        .filter(consents::user_id.eq(user_id))
        .filter(consents::client_id.eq(client_id))
        .select(Consent::as_select())
        .first(conn)
        .optional()?)
}

/// Add `scopes` to the user's consent for the client (creating it). Call
/// inside a write transaction; returns the merged scope list.
pub fn merge(
    conn: &mut DbConnection,
    user_id: &UserId,
    client_id: &ClientId,
    scopes: &[String],
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let existing = find(conn, user_id, client_id)?;
    let existing_row = existing.is_some();
    let mut merged = existing.map(|c| c.scopes.into_vec()).unwrap_or_default();
    for s in scopes {
        if !merged.contains(s) {
            merged.push(s.clone());
        }
    }
    let json = Scopes::from(merged.as_slice()).to_json();
    if existing_row {
        diesel::update(
            consents::table
                .filter(consents::user_id.eq(user_id))
                .filter(consents::client_id.eq(client_id)),
        )
        .set((consents::scopes.eq(&json), consents::updated_at.eq(now)))
        .execute(conn)?;
    } else {
        diesel::insert_into(consents::table)
            .values(Consent {
                user_id: user_id.to_owned(),
                client_id: client_id.to_owned(),
                scopes: Scopes::new(merged.clone()),
                created_at: now,
                updated_at: now,
            })
            .execute(conn)?;
    }
    Ok(merged)
}

/// Delete a consent; returns whether there was one.
pub fn delete(
    conn: &mut DbConnection,
    user_id: &UserId,
    client_id: &ClientId,
) -> Result<bool, AppError> {
    let n = diesel::delete(
        consents::table
            .filter(consents::user_id.eq(user_id))
            .filter(consents::client_id.eq(client_id)),
    )
    .execute(conn)?;
    Ok(n > 0)
}

/// The user's consents with the client names, most recent first.
/// `within`: only consents to clients of these organizations or of none
/// (instance-wide), never another organization's; `None`: all.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    within: Option<&[OrganizationId]>,
) -> Result<Vec<(Consent, String)>, AppError> {
    let mut query = consents::table
        .inner_join(clients::table)
        .filter(consents::user_id.eq(user_id))
        .order(consents::updated_at.desc())
        .limit(200)
        .select((Consent::as_select(), clients::name))
        .into_boxed();
    if let Some(ids) = within {
        query = query.filter(
            clients::organization_id
                .is_null()
                .or(clients::organization_id.eq_any(ids)),
        );
    }
    Ok(query.load(conn)?)
}
