//! Re-encryption for data-key rotation: move every value of one sealed
//! column from the old data key to the new one, `batch` values per
//! transaction, each value changing only while the row still holds what
//! was read (a concurrent write is never overwritten; a later sweep picks
//! it up if it was sealed with the old key). Each batch is audited
//! (`key.data_reencrypted`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::Envelope;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::sealed::{Column, Sealed};
use crate::store::write_tx;

/// Values moved by column, and those that could not be opened.
#[derive(Debug, Default)]
pub struct Moved {
    pub counts: BTreeMap<String, u64>,
    pub unreadable: Vec<String>,
}

impl Moved {
    pub fn merge(&mut self, other: Moved) {
        for (column, n) in other.counts {
            *self.counts.entry(column).or_default() += n;
        }
        self.unreadable.extend(other.unreadable);
    }
}

fn describe(column: Column, row: &Sealed) -> String {
    if row.key.1.is_empty() {
        format!("{} {}", column.name(), row.key.0)
    } else {
        format!("{} {}/{}", column.name(), row.key.0, row.key.1)
    }
}

/// Most batches one call goes through.
const MAX_ROUNDS: u32 = 10_000;

/// Move the values of `column` sealed by `from` to `to`.
#[allow(clippy::too_many_arguments)]
pub fn reencrypt(
    conn: &mut DbConnection,
    envelope: &Envelope,
    column: Column,
    from: &str,
    to: &str,
    batch: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Moved, AppError> {
    let mut moved = Moved::default();
    // Values that cannot be opened stay where they are and are skipped.
    let mut skip = 0_i64;
    // A bound on the rounds, so that writers still sealing with the old
    // key can never keep one run busy: what is left goes to the sweep.
    let mut rounds = 0_u32;
    loop {
        rounds += 1;
        if rounds > MAX_ROUNDS {
            tracing::warn!(
                column = column.name(),
                "re-encryption stopped after {MAX_ROUNDS} rounds: the rest is left to the sweep"
            );
            break;
        }
        let rows = column.sealed_by(conn, from, skip, batch)?;
        if rows.is_empty() {
            break;
        }
        let mut resealed = Vec::with_capacity(rows.len());
        for row in rows {
            match envelope.reseal(&row.value, &row.context, to) {
                Ok(value) => resealed.push((row, value)),
                Err(e) => {
                    tracing::warn!(value = %describe(column, &row), error = %e,
                        "a sealed value does not open: left under the old data key");
                    skip += 1;
                    moved.unreadable.push(describe(column, &row));
                }
            }
        }
        let count = write_tx(conn, |conn| {
            let mut count = 0_u64;
            for (row, value) in &resealed {
                if column.replace(conn, row, value)? {
                    count += 1;
                }
            }
            if count > 0 {
                audit::record(
                    conn,
                    actor,
                    Event::new(Action::DataKeyReencrypted, Outcome::Success)
                        .target("data_key", to)
                        .details(serde_json::json!({
                            "column": column.name(),
                            "from": from,
                            "to": to,
                            "count": count,
                        })),
                    now,
                )?;
            }
            Ok(count)
        })?;
        if count > 0 {
            *moved.counts.entry(column.name().to_owned()).or_default() += count;
        } else if !resealed.is_empty() {
            // Every row changed under us (writers still sealing with the
            // old key): leave them to the sweep rather than spin.
            break;
        }
    }
    Ok(moved)
}
