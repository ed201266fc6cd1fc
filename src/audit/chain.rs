//! The hash chain (SR-151): each row stores SHA-256 over the previous row's
//! hash and its own canonical content, sequence number included, so a
//! modified, deleted, inserted or reordered row breaks the chain at that row.

use serde::Serialize;

use crate::crypto::token::sha256_hex;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::audit::{self as rows, AuditRow};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const PAGE: i64 = 1000;

/// SHA-256 hex over `prev_hash`, a newline and the canonical JSON content.
pub fn row_hash(row: &AuditRow) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        seq: i64,
        id: &'a str,
        created_at: String,
        request_id: Option<&'a str>,
        actor_type: &'a str,
        actor_id: Option<&'a str>,
        session_id: Option<&'a str>,
        organization_id: Option<&'a str>,
        action: &'a str,
        target_type: Option<&'a str>,
        target_id: Option<&'a str>,
        outcome: &'a str,
        ip: Option<&'a str>,
        user_agent: Option<&'a str>,
        details: &'a str,
    }
    let canonical = Canonical {
        seq: row.seq,
        id: &row.id,
        created_at: row.created_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        request_id: row.request_id.as_deref(),
        actor_type: &row.actor_type,
        actor_id: row.actor_id.as_deref(),
        session_id: row.session_id.as_deref(),
        organization_id: row.organization_id.as_deref(),
        action: &row.action,
        target_type: row.target_type.as_deref(),
        target_id: row.target_id.as_deref(),
        outcome: &row.outcome,
        ip: row.ip.as_deref(),
        user_agent: row.user_agent.as_deref(),
        details: &row.details,
    };
    let json = serde_json::to_string(&canonical).unwrap_or_default();
    let mut input = Vec::with_capacity(row.prev_hash.len() + 1 + json.len());
    input.extend_from_slice(row.prev_hash.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(json.as_bytes());
    sha256_hex(&input)
}

/// Result of walking the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    pub ok: bool,
    pub rows_checked: i64,
    /// Sequence number of the first row that does not fit, if any.
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
}

impl VerifyReport {
    fn broken(rows_checked: i64, seq: i64, reason: String) -> Self {
        Self {
            ok: false,
            rows_checked,
            first_broken_seq: Some(seq),
            reason: Some(reason),
        }
    }
}

/// Walk every row in sequence order and check numbering, links and hashes,
/// then that the head points at the last row (a removed tail).
pub fn verify(conn: &mut DbConnection) -> Result<VerifyReport, AppError> {
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_owned();
    let mut checked = 0;
    loop {
        let batch = rows::page(conn, expected_seq - 1, PAGE)?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            if row.seq != expected_seq {
                return Ok(VerifyReport::broken(
                    checked,
                    expected_seq,
                    format!(
                        "row {expected_seq} is missing (next row found is {})",
                        row.seq
                    ),
                ));
            }
            if row.prev_hash != prev_hash {
                return Ok(VerifyReport::broken(
                    checked,
                    row.seq,
                    format!(
                        "row {} does not link to the row before it (removed, inserted or reordered)",
                        row.seq
                    ),
                ));
            }
            if row_hash(&row) != row.hash {
                return Ok(VerifyReport::broken(
                    checked,
                    row.seq,
                    format!(
                        "row {} was modified: its content does not match its hash",
                        row.seq
                    ),
                ));
            }
            prev_hash = row.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    let (head_seq, head_hash) = rows::head(conn)?;
    if head_seq != checked || head_hash != prev_hash {
        return Ok(VerifyReport::broken(
            checked,
            checked + 1,
            format!(
                "the chain head records {head_seq} rows but {checked} remain: rows were removed from the end"
            ),
        ));
    }
    Ok(VerifyReport {
        ok: true,
        rows_checked: checked,
        first_broken_seq: None,
        reason: None,
    })
}
