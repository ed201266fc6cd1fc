//! The SAML subject of our sessions started by a SAML sign-in (single
//! logout): sealed NameID and SessionIndex per session id, taken when the
//! session logs out.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::saml_sessions;
use crate::error::AppError;

/// Remember `sealed` for `session_id` until `expires_at` (replacing an
/// earlier row); expired rows are purged first.
pub fn remember(
    conn: &mut DbConnection,
    session_id: &str,
    provider_id: &str,
    sealed: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::delete(saml_sessions::table.filter(saml_sessions::expires_at.lt(now))).execute(conn)?;
    diesel::delete(saml_sessions::table.find(session_id)).execute(conn)?;
    diesel::insert_into(saml_sessions::table)
        .values((
            saml_sessions::session_id.eq(session_id),
            saml_sessions::provider_id.eq(provider_id),
            saml_sessions::sealed.eq(sealed),
            saml_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Take (read and delete) the row of `session_id`: (provider id, sealed).
pub fn take(
    conn: &mut DbConnection,
    session_id: &str,
) -> Result<Option<(String, String)>, AppError> {
    let row = saml_sessions::table
        .find(session_id)
        .select((saml_sessions::provider_id, saml_sessions::sealed))
        .first::<(String, String)>(conn)
        .optional()?;
    if row.is_some() {
        diesel::delete(saml_sessions::table.find(session_id)).execute(conn)?;
    }
    Ok(row)
}

/// The key of a row kept for a pending login (a SAML sign-in whose second
/// factor is still due); [`rekey`] moves it to the session made after it.
pub fn pending_key(pending_login_id: &str) -> String {
    format!("pending:{pending_login_id}")
}

/// Move the row kept under `from` to the session `session_id` (until
/// `expires_at`); nothing when there is none.
pub fn rekey(
    conn: &mut DbConnection,
    from: &str,
    session_id: &str,
    expires_at: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(saml_sessions::table.find(from))
        .set((
            saml_sessions::session_id.eq(session_id),
            saml_sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(())
}
