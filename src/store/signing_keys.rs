//! Token signing keys: private keys sealed with the envelope, public JWKs in
//! clear, each `next` → `current` → `retired`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::signing_keys;
use crate::error::AppError;

/// A stored key.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = signing_keys)]
pub struct SigningKeyRow {
    pub id: String,
    pub alg: String,
    pub private_key: String,
    pub public_jwk: String,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub activated_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &SigningKeyRow) -> Result<(), AppError> {
    diesel::insert_into(signing_keys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Keys worth loading: next, current, and retired ones still published.
pub fn published(
    conn: &mut DbConnection,
    retired_after: NaiveDateTime,
) -> Result<Vec<SigningKeyRow>, AppError> {
    Ok(signing_keys::table
        .filter(
            signing_keys::state
                .ne("retired")
                .or(signing_keys::retired_at.gt(retired_after)),
        )
        .order((signing_keys::alg.asc(), signing_keys::created_at.asc()))
        .select(SigningKeyRow::as_select())
        .load(conn)?)
}

/// Every key, newest first (for `keys list`).
pub fn all(conn: &mut DbConnection) -> Result<Vec<SigningKeyRow>, AppError> {
    Ok(signing_keys::table
        .order(signing_keys::created_at.desc())
        .select(SigningKeyRow::as_select())
        .load(conn)?)
}

/// Ids and states of the published keys: changes whenever a rotation happens.
pub fn fingerprint(
    conn: &mut DbConnection,
    retired_after: NaiveDateTime,
) -> Result<String, AppError> {
    let rows: Vec<(String, String)> = signing_keys::table
        .filter(
            signing_keys::state
                .ne("retired")
                .or(signing_keys::retired_at.gt(retired_after)),
        )
        .order(signing_keys::id.asc())
        .select((signing_keys::id, signing_keys::state))
        .load(conn)?;
    Ok(rows
        .iter()
        .map(|(id, state)| format!("{id}:{state}"))
        .collect::<Vec<_>>()
        .join(","))
}

/// Ids of keys of `alg` in `state`.
pub fn ids_in_state(
    conn: &mut DbConnection,
    alg: &str,
    state: &str,
) -> Result<Vec<String>, AppError> {
    Ok(signing_keys::table
        .filter(signing_keys::alg.eq(alg))
        .filter(signing_keys::state.eq(state))
        .select(signing_keys::id)
        .load(conn)?)
}

/// Move a key to `state`, stamping the matching time.
pub fn set_state(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let target = signing_keys::table.filter(signing_keys::id.eq(id));
    match state {
        "current" => diesel::update(target)
            .set((
                signing_keys::state.eq(state),
                signing_keys::activated_at.eq(Some(now)),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set((
                signing_keys::state.eq(state),
                signing_keys::retired_at.eq(Some(now)),
            ))
            .execute(conn)?,
    };
    Ok(())
}
