//! Data keys, stored wrapped by the [`KeyProvider`] (S10), with their
//! rotation state: `staged` → `active` → `retiring` → `retired` (data keys
//! only; the CSRF and MAC keys stay `active`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use zeroize::Zeroizing;

use crate::crypto::KeyProvider;
use crate::crypto::token::random_bytes;
use crate::db::schema::data_keys;
use crate::db::{DbConnection, is_unique_violation};
use crate::error::AppError;

/// A wrapped data key.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = data_keys)]
pub struct DataKey {
    pub id: String,
    pub purpose: String,
    pub wrapped_key: String,
    pub master_key_id: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub state: String,
    pub activated_at: Option<NaiveDateTime>,
    pub retired_at: Option<NaiveDateTime>,
}

/// Loaded by every instance but sealing nothing yet.
pub const STAGED: &str = "staged";
/// Seals new values.
pub const ACTIVE: &str = "active";
/// Replaced; values sealed by it are being re-encrypted.
pub const RETIRING: &str = "retiring";
/// No stored value references it; kept for backups.
pub const RETIRED: &str = "retired";

/// Create the key `id` unless it exists; concurrent creators agree on the
/// first one stored.
pub fn ensure(
    conn: &mut DbConnection,
    provider: &dyn KeyProvider,
    id: &str,
    purpose: &str,
) -> Result<(), AppError> {
    let exists = data_keys::table
        .filter(data_keys::id.eq(id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(());
    }
    insert(
        conn,
        provider,
        id,
        purpose,
        ACTIVE,
        chrono::Utc::now().naive_utc(),
    )
    .map(|_| ())
}

/// Store a new random key `id` in `state`, wrapped by `provider`; false
/// when the id is taken (another process stored it first).
pub fn insert(
    conn: &mut DbConnection,
    provider: &dyn KeyProvider,
    id: &str,
    purpose: &str,
    state: &str,
    now: NaiveDateTime,
) -> Result<bool, AppError> {
    let key = Zeroizing::new(random_bytes::<32>());
    let wrapped = provider.wrap(&*key, &context(id, purpose))?;
    let result = diesel::insert_into(data_keys::table)
        .values((
            data_keys::id.eq(id),
            data_keys::purpose.eq(purpose),
            data_keys::wrapped_key.eq(STANDARD.encode(wrapped)),
            data_keys::master_key_id.eq(provider.id()),
            data_keys::active.eq(state == ACTIVE),
            data_keys::created_at.eq(now),
            data_keys::state.eq(state),
            data_keys::activated_at.eq((state == ACTIVE).then_some(now)),
        ))
        .execute(conn);
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// The data keys (`purpose` "data") in `state`, oldest first.
pub fn data_in_state(conn: &mut DbConnection, state: &str) -> Result<Vec<DataKey>, AppError> {
    Ok(data_keys::table
        .filter(data_keys::purpose.eq("data"))
        .filter(data_keys::state.eq(state))
        .order((data_keys::created_at.asc(), data_keys::id.asc()))
        .select(DataKey::as_select())
        .load(conn)?)
}

/// Make the staged key `id` the active one and the active ones retiring,
/// unless it is not staged any more (another run did it); whether it
/// changed. Run inside a write transaction.
pub fn activate(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let changed = diesel::update(
        data_keys::table
            .filter(data_keys::id.eq(id))
            .filter(data_keys::state.eq(STAGED)),
    )
    .set((
        data_keys::state.eq(ACTIVE),
        data_keys::active.eq(true),
        data_keys::activated_at.eq(Some(now)),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Ok(false);
    }
    diesel::update(
        data_keys::table
            .filter(data_keys::purpose.eq("data"))
            .filter(data_keys::state.eq(ACTIVE))
            .filter(data_keys::id.ne(id)),
    )
    .set((data_keys::state.eq(RETIRING), data_keys::active.eq(false)))
    .execute(conn)?;
    Ok(true)
}

/// Mark the retiring key `id` retired; whether it changed.
pub fn retire(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, AppError> {
    let changed = diesel::update(
        data_keys::table
            .filter(data_keys::id.eq(id))
            .filter(data_keys::state.eq(RETIRING)),
    )
    .set((
        data_keys::state.eq(RETIRED),
        data_keys::retired_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<DataKey>, AppError> {
    Ok(data_keys::table
        .order((data_keys::created_at.asc(), data_keys::id.asc()))
        .select(DataKey::as_select())
        .load(conn)?)
}

/// Unwrap a stored key with `provider`, which must be the master key that
/// wrapped it.
pub fn unwrap(provider: &dyn KeyProvider, row: &DataKey) -> Result<Zeroizing<Vec<u8>>, AppError> {
    if row.master_key_id != provider.id() {
        return Err(AppError::Config(format!(
            "data key {} is wrapped by master key {} but the configured master key is {}: \
             point OSTIARY_MASTER_KEY_FILE at the original key (or list it in \
             OSTIARY_PREVIOUS_MASTER_KEY_FILES while rotating)",
            row.id,
            row.master_key_id,
            provider.id()
        )));
    }
    let wrapped = STANDARD
        .decode(&row.wrapped_key)
        .map_err(|_| AppError::Internal(format!("data key {} is not base64", row.id)))?;
    provider.unwrap(&wrapped, &context(&row.id, &row.purpose))
}

/// Store `key` (the unwrapped data key of `row`) wrapped by `provider`
/// instead, unless another process did first: the row changes only while
/// it still names the master key it was read with. Whether it changed.
pub fn rewrap(
    conn: &mut DbConnection,
    provider: &dyn KeyProvider,
    row: &DataKey,
    key: &[u8],
) -> Result<bool, AppError> {
    let wrapped = provider.wrap(key, &context(&row.id, &row.purpose))?;
    let changed = diesel::update(
        data_keys::table
            .filter(data_keys::id.eq(&row.id))
            .filter(data_keys::master_key_id.eq(&row.master_key_id)),
    )
    .set((
        data_keys::wrapped_key.eq(STANDARD.encode(wrapped)),
        data_keys::master_key_id.eq(provider.id()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

fn context(id: &str, purpose: &str) -> String {
    format!("data-key:{id}:{purpose}")
}
