//! The one-row marker that initial setup has happened. Its primary key can
//! only be 1, so of any number of concurrent setups exactly one inserts it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::setup_state;
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::UserId;
use crate::error::AppError;

pub fn is_complete(conn: &mut DbConnection) -> Result<bool, AppError> {
    Ok(setup_state::table.count().get_result::<i64>(conn)? > 0)
}

/// Claim setup; `false` when someone else already did.
pub fn claim(
    conn: &mut DbConnection,
    admin_user_id: &UserId,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let result = diesel::insert_into(setup_state::table)
        .values((
            setup_state::id.eq(1),
            setup_state::completed_at.eq(now),
            setup_state::admin_user_id.eq(admin_user_id),
        ))
        .execute(conn);
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}
