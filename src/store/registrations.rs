//! Dynamic client registration (RFC 7591 / 7592) at rest: the initial
//! access tokens administrators issue ([`RegistrationToken`]) and the
//! registration access token of each registered client
//! ([`ClientRegistration`]). Both tokens are found by their SHA-256, never
//! stored in the clear (SR-141); a use of an initial access token is one
//! conditional UPDATE, so concurrent registrations cannot exceed its uses.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{client_registrations, registration_tokens};
use crate::domain::{ClientId, OrganizationId};
use crate::error::AppError;

/// An initial access token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = registration_tokens)]
pub struct RegistrationToken {
    pub id: String,
    pub token_hash: String,
    /// The organization the clients registered with it belong to.
    pub organization_id: Option<OrganizationId>,
    pub expires_at: Option<NaiveDateTime>,
    /// How many clients it may register (`None`: no limit).
    pub max_uses: Option<i32>,
    pub use_count: i32,
    /// The actor id of the administrator who issued it.
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

/// A registered client's registration access token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = client_registrations)]
pub struct ClientRegistration {
    pub client_id: ClientId,
    pub access_token_hash: String,
    pub registration_token_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert_token(conn: &mut DbConnection, row: &RegistrationToken) -> Result<(), AppError> {
    diesel::insert_into(registration_tokens::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Initial access tokens, newest first: every one (`reach` `None`) or
/// those of these organizations.
pub fn list_tokens(
    conn: &mut DbConnection,
    reach: Option<&[OrganizationId]>,
) -> Result<Vec<RegistrationToken>, AppError> {
    let mut query = registration_tokens::table
        .select(RegistrationToken::as_select())
        .order((
            registration_tokens::created_at.desc(),
            registration_tokens::id.desc(),
        ))
        .into_boxed();
    if let Some(orgs) = reach {
        query = query.filter(
            registration_tokens::organization_id
                .eq_any(orgs.iter().map(|o| o.to_string()).collect::<Vec<_>>()),
        );
    }
    Ok(query.load(conn)?)
}

/// The initial access token `id` in `reach`.
pub fn find_token(
    conn: &mut DbConnection,
    reach: Option<&[OrganizationId]>,
    id: &str,
) -> Result<Option<RegistrationToken>, AppError> {
    let mut query = registration_tokens::table
        .filter(registration_tokens::id.eq(id))
        .select(RegistrationToken::as_select())
        .into_boxed();
    if let Some(orgs) = reach {
        query = query.filter(
            registration_tokens::organization_id
                .eq_any(orgs.iter().map(|o| o.to_string()).collect::<Vec<_>>()),
        );
    }
    Ok(query.first(conn).optional()?)
}

pub fn revoke_token(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), AppError> {
    diesel::update(
        registration_tokens::table
            .filter(registration_tokens::id.eq(id))
            .filter(registration_tokens::revoked_at.is_null()),
    )
    .set(registration_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

/// Use the live (unrevoked, unexpired, not used up) initial access token
/// whose hash is `token_hash` once; `None` when there is none.
pub fn use_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<RegistrationToken>, AppError> {
    let used =
        diesel::update(
            registration_tokens::table
                .filter(registration_tokens::token_hash.eq(token_hash))
                .filter(registration_tokens::revoked_at.is_null())
                .filter(
                    registration_tokens::expires_at
                        .is_null()
                        .or(registration_tokens::expires_at.gt(now)),
                )
                .filter(registration_tokens::max_uses.is_null().or(
                    registration_tokens::max_uses.gt(registration_tokens::use_count.nullable()),
                )),
        )
        .set(registration_tokens::use_count.eq(registration_tokens::use_count + 1))
        .execute(conn)?;
    if used == 0 {
        return Ok(None);
    }
    Ok(registration_tokens::table
        .filter(registration_tokens::token_hash.eq(token_hash))
        .select(RegistrationToken::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_registration(
    conn: &mut DbConnection,
    row: &ClientRegistration,
) -> Result<(), AppError> {
    diesel::insert_into(client_registrations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The client whose registration access token hashes to `access_token_hash`.
pub fn client_of(
    conn: &mut DbConnection,
    access_token_hash: &str,
) -> Result<Option<ClientId>, AppError> {
    Ok(client_registrations::table
        .filter(client_registrations::access_token_hash.eq(access_token_hash))
        .select(client_registrations::client_id)
        .first(conn)
        .optional()?)
}

/// The live initial access token whose hash is `token_hash`, without using
/// it.
pub fn peek_token(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<RegistrationToken>, AppError> {
    let row: Option<RegistrationToken> = registration_tokens::table
        .filter(registration_tokens::token_hash.eq(token_hash))
        .select(RegistrationToken::as_select())
        .first(conn)
        .optional()?;
    Ok(row.filter(|r| {
        r.revoked_at.is_none()
            && r.expires_at.is_none_or(|t| t > now)
            && r.max_uses.is_none_or(|m| r.use_count < m)
    }))
}
