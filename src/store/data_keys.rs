//! Data keys, stored wrapped by the [`KeyProvider`] (S10).

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
}

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
    let key = Zeroizing::new(random_bytes::<32>());
    let wrapped = provider.wrap(&*key, &context(id, purpose))?;
    let result = diesel::insert_into(data_keys::table)
        .values((
            data_keys::id.eq(id),
            data_keys::purpose.eq(purpose),
            data_keys::wrapped_key.eq(STANDARD.encode(wrapped)),
            data_keys::master_key_id.eq(provider.id()),
            data_keys::active.eq(true),
            data_keys::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(conn);
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

pub fn all(conn: &mut DbConnection) -> Result<Vec<DataKey>, AppError> {
    Ok(data_keys::table
        .order(data_keys::created_at.asc())
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
