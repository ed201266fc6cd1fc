//! SAML assertion ids already consumed (SR-122): kept in the database until
//! their `NotOnOrAfter` so that a second use is refused on every instance.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::saml_assertions;
use crate::db::{DbConnection, is_unique_violation};
use crate::error::AppError;

/// Record `assertion_id` of `provider_id` until `expires_at`; `false` when
/// it was recorded before (a replay). Expired ids are purged first.
pub fn remember(
    conn: &mut DbConnection,
    provider_id: &str,
    assertion_id: &str,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    diesel::delete(saml_assertions::table.filter(saml_assertions::expires_at.lt(now)))
        .execute(conn)?;
    match diesel::insert_into(saml_assertions::table)
        .values((
            saml_assertions::provider_id.eq(provider_id),
            saml_assertions::assertion_id.eq(assertion_id),
            saml_assertions::expires_at.eq(expires_at),
        ))
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
