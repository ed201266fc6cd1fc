//! The hash chain (SR-151): each seal stores SHA-256 over the previous
//! seal's hash and its row's canonical content, sequence number included
//! (or, for a number no committed row holds, a gap marker), so a modified,
//! deleted, inserted or reordered row breaks the chain at that row. Rows
//! newer than the last seal are reported as not yet sealed (docs/audit.md).

use serde::Serialize;

use crate::crypto::token::sha256_hex;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::audit::{self as rows, AuditRow, SEAL_EVENT, SEAL_GAP, Seal};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const PAGE: i64 = 1000;

/// SHA-256 hex over `prev_hash`, a newline and the row's canonical JSON.
pub fn row_hash(prev_hash: &str, row: &AuditRow) -> String {
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
    link(
        prev_hash,
        &serde_json::to_string(&canonical).unwrap_or_default(),
    )
}

/// The hash of a gap at `seq`: a number its transaction used up and
/// rolled back, so no row will ever hold it.
pub fn gap_hash(prev_hash: &str, seq: i64) -> String {
    link(
        prev_hash,
        &serde_json::json!({ "seq": seq, "gap": true }).to_string(),
    )
}

fn link(prev_hash: &str, json: &str) -> String {
    let mut input = Vec::with_capacity(prev_hash.len() + 1 + json.len());
    input.extend_from_slice(prev_hash.as_bytes());
    input.push(b'\n');
    input.extend_from_slice(json.as_bytes());
    sha256_hex(&input)
}

/// Result of walking the chain.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VerifyReport {
    pub ok: bool,
    /// Sealed events checked.
    pub rows_checked: i64,
    /// Sequence number of the first row that does not fit, if any.
    pub first_broken_seq: Option<i64>,
    pub reason: Option<String>,
    /// Sealed gaps (numbers of rolled-back transactions) passed.
    pub gaps: i64,
    /// Rows after the last seal: appended, not yet linked into the chain
    /// (the sealer links them within about a second while a server runs).
    pub unsealed_rows: i64,
    /// When the oldest of them was written (RFC 3339), if any.
    pub oldest_unsealed_at: Option<String>,
}

impl VerifyReport {
    fn broken(rows_checked: i64, gaps: i64, seq: i64, reason: String) -> Self {
        Self {
            ok: false,
            rows_checked,
            first_broken_seq: Some(seq),
            reason: Some(reason),
            gaps,
            unsealed_rows: 0,
            oldest_unsealed_at: None,
        }
    }
}

/// Why `seal` does not fit `row` (the row at its number, if any) after a
/// seal whose hash is `prev`; `None` when it fits.
fn misfit(seal: &Seal, prev: &str, row: Option<&AuditRow>) -> Option<String> {
    let seq = seal.seq;
    if seal.prev_hash != prev {
        return Some(format!(
            "row {seq} does not link to the row before it (removed, inserted or reordered)"
        ));
    }
    match (seal.kind.as_str(), row) {
        (SEAL_EVENT, None) => Some(format!("row {seq} was sealed but is gone: it was removed")),
        (SEAL_EVENT, Some(row)) if row_hash(prev, row) != seal.hash => Some(format!(
            "row {seq} was modified: its content does not match its hash"
        )),
        (SEAL_GAP, Some(_)) => Some(format!(
            "row {seq} was inserted where the chain records a rolled-back number"
        )),
        (SEAL_GAP, None) if gap_hash(prev, seq) != seal.hash => {
            Some(format!("the gap seal of row {seq} was modified"))
        }
        (SEAL_EVENT | SEAL_GAP, _) => None,
        (other, _) => Some(format!("row {seq} has a seal of unknown kind {other:?}")),
    }
}

/// Walk every seal in sequence order with its row and check numbering,
/// links and hashes, then that the head points at the last seal (a
/// removed tail), and count the rows not sealed yet.
pub fn verify(conn: &mut DbConnection) -> Result<VerifyReport, AppError> {
    let mut expected_seq = 1;
    let mut prev_hash = GENESIS.to_owned();
    let mut checked = 0;
    let mut gaps = 0;
    loop {
        let seals = rows::seals_page(conn, expected_seq - 1, PAGE)?;
        let Some(last) = seals.last().map(|s| s.seq) else {
            break;
        };
        let found = rows::rows_between(conn, expected_seq, last)?;
        let mut found = found.iter().peekable();
        for seal in seals {
            if seal.seq != expected_seq {
                return Ok(VerifyReport::broken(
                    checked,
                    gaps,
                    expected_seq,
                    format!(
                        "the seal of row {expected_seq} is missing (next seal found is {})",
                        seal.seq
                    ),
                ));
            }
            while found.next_if(|r| r.seq < seal.seq).is_some() {}
            let row = found.next_if(|r| r.seq == seal.seq);
            if let Some(reason) = misfit(&seal, &prev_hash, row) {
                return Ok(VerifyReport::broken(checked, gaps, seal.seq, reason));
            }
            if seal.kind == SEAL_GAP {
                gaps += 1;
            } else {
                checked += 1;
            }
            prev_hash = seal.hash;
            expected_seq += 1;
        }
    }
    let sealed = expected_seq - 1;
    let (head_seq, head_hash) = rows::head(conn)?;
    if head_seq != sealed || head_hash != prev_hash {
        return Ok(VerifyReport::broken(
            checked,
            gaps,
            sealed + 1,
            format!(
                "the chain head records {head_seq} sealed rows but {sealed} remain: rows were removed from the end"
            ),
        ));
    }
    let (unsealed_rows, oldest) = rows::unsealed(conn, sealed)?;
    Ok(VerifyReport {
        ok: true,
        rows_checked: checked,
        first_broken_seq: None,
        reason: None,
        gaps,
        unsealed_rows,
        oldest_unsealed_at: oldest.map(|t| crate::store::utc(t).to_rfc3339()),
    })
}
