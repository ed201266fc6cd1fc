//! The sealer (docs/audit.md): links appended audit rows into the hash
//! chain in sequence order, off the request path. Every instance runs one;
//! they take turns through a transaction-scoped lock (a PostgreSQL
//! advisory lock, SQLite's write lock), so no request ever waits for it.
//!
//! A sequence number no committed row holds is either still being written
//! (its transaction commits later) or was used up by a transaction that
//! rolled back. On PostgreSQL every audit insert takes its transaction id
//! before its number (`security_audit_next_seq()`), so once every
//! transaction older than a snapshot taken after the hole was seen has
//! ended, a number still missing is a gap for good and is sealed as one.
//! SQLite numbers rows one past the largest under its single writer, so it
//! has no such holes: one there means a row was removed, and it is never
//! sealed over.

use chrono::{DateTime, Utc};
use diesel::Connection;
use diesel::sql_types::{BigInt, Bool};

use crate::audit::chain::{gap_hash, row_hash};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::audit::{self as rows, SEAL_EVENT, SEAL_GAP, Seal};
use crate::store::naive;

/// Rows sealed per transaction.
const BATCH: i64 = 1000;
/// The advisory lock key sealers take turns on ("ostiary seal").
const LOCK_KEY: i64 = 0x6f73_7469_7365_616c;

/// A hole seen at the head of the unsealed rows: every number below
/// `below` was handed out before the snapshot whose `xmax` is kept.
#[derive(Debug, Clone, Copy)]
struct Hole {
    below: i64,
    xmax: i64,
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Events linked into the chain.
    pub sealed: usize,
    /// Rolled-back numbers sealed as gaps.
    pub gaps: usize,
    /// Another instance's sealer held the turn.
    pub busy: bool,
    /// Stopped at a number not committed yet (or, on SQLite, removed).
    pub waiting: bool,
}

impl Pass {
    /// Whether a full batch was sealed (more may be waiting).
    fn full(&self) -> bool {
        (self.sealed + self.gaps) as i64 >= BATCH
    }
}

/// One sealer; it remembers the hole it is waiting on between passes.
#[derive(Debug, Default)]
pub struct Sealer {
    hole: Option<Hole>,
    /// Wait for another sealer's turn to end instead of skipping the pass.
    wait_for_turn: bool,
}

#[derive(diesel::QueryableByName)]
struct Snapshot {
    #[diesel(sql_type = BigInt)]
    xmin: i64,
    #[diesel(sql_type = BigInt)]
    xmax: i64,
}

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

#[derive(diesel::QueryableByName)]
struct LastValue {
    #[diesel(sql_type = BigInt)]
    last_value: i64,
}

fn snapshot(conn: &mut DbConnection) -> Result<Option<Snapshot>, AppError> {
    let DbConnection::Pg(pg) = conn else {
        return Ok(None);
    };
    use diesel::RunQueryDsl;
    Ok(Some(
        diesel::sql_query(
            "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, \
             pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xmax",
        )
        .get_result::<Snapshot>(pg)?,
    ))
}

/// Take this transaction's turn; false when another sealer has it (and
/// `wait` is off: with it on, wait until that sealer's pass commits).
fn take_turn(conn: &mut DbConnection, wait: bool) -> Result<bool, AppError> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Pg(pg) if wait => {
            use diesel::connection::SimpleConnection;
            pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({LOCK_KEY})"))?;
            Ok(true)
        }
        DbConnection::Pg(pg) => Ok(diesel::sql_query(format!(
            "SELECT pg_try_advisory_xact_lock({LOCK_KEY}) AS locked"
        ))
        .get_result::<Locked>(pg)?
        .locked),
        DbConnection::Sqlite(_) => {
            rows::take_sqlite_write_lock(conn)?;
            Ok(true)
        }
    }
}

/// The largest number the PostgreSQL sequence handed out: a row above it
/// was not appended by Ostiary and is never sealed over.
fn last_handed_out(conn: &mut DbConnection) -> Result<i64, AppError> {
    use diesel::RunQueryDsl;
    let DbConnection::Pg(pg) = conn else {
        return Ok(0);
    };
    Ok(
        diesel::sql_query("SELECT last_value FROM security_audit_logs_seq")
            .get_result::<LastValue>(pg)?
            .last_value,
    )
}

impl Sealer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Seal what can be sealed now, up to one batch, in one transaction.
    pub fn pass(&mut self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Pass, AppError> {
        conn.transaction(|conn| self.pass_in(conn, now))
    }

    /// Seal until nothing more can be sealed now.
    pub fn drain(&mut self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Pass, AppError> {
        let mut total = Pass::default();
        loop {
            let pass = self.pass(conn, now)?;
            total.sealed += pass.sealed;
            total.gaps += pass.gaps;
            total.busy = pass.busy;
            total.waiting = pass.waiting;
            if !pass.full() {
                return Ok(total);
            }
        }
    }

    fn pass_in(&mut self, conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Pass, AppError> {
        if !take_turn(conn, self.wait_for_turn)? {
            return Ok(Pass {
                busy: true,
                ..Pass::default()
            });
        }
        // Taken before the rows are read: a transaction that had ended by
        // now and committed is visible to the read below.
        let before = snapshot(conn)?;
        let (head_seq, head_hash) = rows::head(conn)?;
        let appended = rows::page(conn, head_seq, BATCH)?;
        let mut pass = Pass::default();
        let mut seals = Vec::with_capacity(appended.len());
        let mut expected = head_seq + 1;
        let mut prev = head_hash;
        let sealed_at = naive(crate::clock::micros(now));
        for row in &appended {
            if row.seq > expected {
                let upto = self.final_gaps_below(conn, expected, row.seq, before.as_ref())?;
                for seq in expected..upto {
                    let hash = gap_hash(&prev, seq);
                    seals.push(Seal {
                        seq,
                        kind: SEAL_GAP.into(),
                        prev_hash: std::mem::replace(&mut prev, hash.clone()),
                        hash,
                        sealed_at,
                    });
                    pass.gaps += 1;
                }
                expected = upto;
                if row.seq > expected {
                    pass.waiting = true;
                    break;
                }
            }
            let hash = row_hash(&prev, row);
            seals.push(Seal {
                seq: row.seq,
                kind: SEAL_EVENT.into(),
                prev_hash: std::mem::replace(&mut prev, hash.clone()),
                hash,
                sealed_at,
            });
            pass.sealed += 1;
            expected += 1;
        }
        rows::append_seals(conn, &seals)?;
        if pass.gaps > 0 {
            tracing::info!(
                gaps = pass.gaps,
                "audit numbers of rolled-back transactions sealed as gaps"
            );
        }
        metrics::counter!("ostiary_audit_sealed_total").increment(pass.sealed as u64);
        Ok(pass)
    }

    /// The missing numbers `from..next` (the next row found is `next`):
    /// how far they may be sealed as gaps now (`from` when not at all).
    fn final_gaps_below(
        &mut self,
        conn: &mut DbConnection,
        from: i64,
        next: i64,
        before: Option<&Snapshot>,
    ) -> Result<i64, AppError> {
        let Some(before) = before else {
            if self.hole.is_none() {
                tracing::error!(
                    missing = from,
                    "audit row missing before a later one on SQLite: it was removed; sealing stops here (run `ostiary audit verify`)"
                );
                self.hole = Some(Hole {
                    below: next,
                    xmax: 0,
                });
            }
            return Ok(from);
        };
        if let Some(hole) = self.hole
            && hole.below > from
            && before.xmin >= hole.xmax
        {
            // Every transaction that could hold these numbers had ended
            // before this pass read the rows: they rolled back.
            self.hole = None;
            let upto = next.min(hole.below);
            let handed_out = last_handed_out(conn)?;
            if upto - 1 > handed_out {
                tracing::error!(
                    seq = next,
                    "audit row numbered beyond what the sequence handed out: not appended by Ostiary; sealing stops here"
                );
                return Ok(from);
            }
            return Ok(upto.min(from + BATCH));
        }
        if self.hole.is_none_or(|h| h.below <= from) {
            // Every number below `next` was taken before `next`, which is
            // committed, so before this snapshot.
            let after = snapshot(conn)?.map_or(0, |s| s.xmax);
            self.hole = Some(Hole {
                below: next,
                xmax: after,
            });
        }
        Ok(from)
    }
}

/// One drain with a fresh sealer that waits for its turn: what callers
/// that need every row committed so far sealed before they read (webhooks,
/// alerts, checkpoints, the CLI, shutdown) run first. Numbers still held
/// by open transactions stay unsealed.
pub fn seal_now(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Pass, AppError> {
    Sealer {
        wait_for_turn: true,
        ..Sealer::default()
    }
    .drain(conn, now)
}
