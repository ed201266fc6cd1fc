//! Signed checkpoints of the audit chain head (S9, SR-151): a JWT
//! (`typ` `audit-checkpoint+jwt`) stating "row `audit_seq` has hash
//! `audit_hash`", signed with the current RS256 token key. Kept outside
//! the database (a file, a ticket, the log), a checkpoint catches someone
//! who rewrites the whole table and recomputes every hash: the row it
//! names no longer has the hash it states. [`check`] verifies one against
//! the stored public keys (or a JWKS file kept with it) and the chain.

use chrono::{DateTime, Utc};
use josekit::jwk::Jwk;
use josekit::jws::JwsVerifier;
use serde::Serialize;
use serde_json::{Value, json};

use crate::audit::chain::verify;
use crate::crypto::signing::{Alg, KeySet};
use crate::db::{Db, DbConnection};
use crate::error::AppError;
use crate::store::audit as rows;

/// The JWT type of a checkpoint.
pub const TYP: &str = "audit-checkpoint+jwt";

/// A checkpoint just made.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Checkpoint {
    /// The signed JWT; keep it somewhere the database's writers cannot reach.
    pub checkpoint: String,
    /// The sequence number of the last row it covers.
    pub audit_seq: i64,
    /// That row's hash.
    pub audit_hash: String,
    /// RFC 3339, UTC.
    pub issued_at: String,
}

/// Sign, as `issuer` with `keys`' current RS256 key, the statement that
/// row `seq` has `hash`.
pub fn sign(
    keys: &KeySet,
    issuer: &str,
    seq: i64,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let claims = json!({
        "iss": issuer,
        "iat": now.timestamp(),
        "audit_seq": seq,
        "audit_hash": hash,
    });
    let claims = claims.as_object().cloned().unwrap_or_default();
    keys.sign(Alg::RS256, TYP, claims)
}

/// A checkpoint of the chain head in `db` now.
pub async fn issue(
    db: &Db,
    keys: &KeySet,
    issuer: &str,
    now: DateTime<Utc>,
) -> Result<Checkpoint, AppError> {
    let (seq, hash) = db
        .run(move |conn| {
            crate::audit::seal::seal_now(conn, now)?;
            rows::head(conn)
        })
        .await?;
    Ok(Checkpoint {
        checkpoint: sign(keys, issuer, seq, &hash, now)?,
        audit_seq: seq,
        audit_hash: hash,
        issued_at: now.to_rfc3339(),
    })
}

/// What checking a checkpoint found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckpointReport {
    pub ok: bool,
    /// The row the checkpoint names.
    pub checkpoint_seq: Option<i64>,
    /// When it was made (RFC 3339).
    pub checkpoint_issued_at: Option<String>,
    /// Rows the chain walk checked.
    pub rows_checked: i64,
    pub reason: Option<String>,
}

impl CheckpointReport {
    fn refused(reason: impl Into<String>) -> Self {
        Self {
            ok: false,
            checkpoint_seq: None,
            checkpoint_issued_at: None,
            rows_checked: 0,
            reason: Some(reason.into()),
        }
    }
}

/// The verifier of `jwk` for the algorithm it is for.
fn verifier(jwk: &Jwk, alg: &str) -> Option<Box<dyn JwsVerifier>> {
    // Our own signing algorithms only.
    matches!(alg, "RS256" | "ES256" | "EdDSA")
        .then(|| crate::crypto::jws_verify::asymmetric(jwk, alg))
        .flatten()
}

/// The public key `kid`: from `jwks` (a JWKS document) when given, else
/// from the stored signing keys (every state: a checkpoint outlives the
/// key's rotation).
fn public_key(
    conn: &mut DbConnection,
    kid: &str,
    jwks: Option<&str>,
) -> Result<Result<Jwk, String>, AppError> {
    let candidates: Vec<Value> = match jwks {
        Some(doc) => match serde_json::from_str::<Value>(doc) {
            Ok(v) => v
                .get("keys")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            Err(e) => return Ok(Err(format!("the JWKS file is not JSON: {e}"))),
        },
        None => crate::store::signing_keys::all(conn)?
            .into_iter()
            .filter(|k| k.id == kid)
            .filter_map(|k| serde_json::from_str(&k.public_jwk).ok())
            .collect(),
    };
    let found = candidates
        .into_iter()
        .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid));
    Ok(match found.and_then(|v| v.as_object().cloned()) {
        Some(map) => Jwk::from_map(map).map_err(|e| format!("key {kid} is not a usable JWK: {e}")),
        None => Err(format!(
            "the key {kid} that signed the checkpoint is not {}; pass the JWKS published when it was made with --jwks FILE",
            if jwks.is_some() {
                "in the JWKS file"
            } else {
                "stored any more"
            }
        )),
    })
}

/// Check `token` (a checkpoint of this issuer, `issuer`) against the
/// chain: its signature, that the row it names still has the hash it
/// states, and the whole chain walk.
pub fn check(
    conn: &mut DbConnection,
    token: &str,
    issuer: &str,
    jwks: Option<&str>,
) -> Result<CheckpointReport, AppError> {
    let token = token.trim();
    let Ok(header) = josekit::jwt::decode_header(token) else {
        return Ok(CheckpointReport::refused("the checkpoint is not a JWT"));
    };
    let claim = |name: &str| {
        header
            .claim(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if claim("typ").map(|t| t.to_ascii_lowercase()) != Some(TYP.to_owned()) {
        return Ok(CheckpointReport::refused(format!(
            "the token is not an audit checkpoint (typ must be {TYP})"
        )));
    }
    let (Some(kid), Some(alg)) = (claim("kid"), claim("alg")) else {
        return Ok(CheckpointReport::refused(
            "the checkpoint names no key or algorithm",
        ));
    };
    let jwk = match public_key(conn, &kid, jwks)? {
        Ok(jwk) => jwk,
        Err(reason) => return Ok(CheckpointReport::refused(reason)),
    };
    let Some(verifier) = verifier(&jwk, &alg) else {
        return Ok(CheckpointReport::refused(format!(
            "key {kid} cannot verify {alg} signatures"
        )));
    };
    let Ok((payload, _)) = josekit::jwt::decode_with_verifier(token, &*verifier) else {
        return Ok(CheckpointReport::refused(
            "the checkpoint's signature does not verify: it was not made by this provider, or was altered",
        ));
    };
    if payload.issuer() != Some(issuer) {
        return Ok(CheckpointReport::refused(format!(
            "the checkpoint was made by {:?}, not by {issuer}",
            payload.issuer().unwrap_or_default()
        )));
    }
    let seq = payload.claim("audit_seq").and_then(Value::as_i64);
    let hash = payload.claim("audit_hash").and_then(Value::as_str);
    let (Some(seq), Some(hash)) = (seq, hash) else {
        return Ok(CheckpointReport::refused(
            "the checkpoint states no audit_seq/audit_hash",
        ));
    };
    let issued_at = payload
        .issued_at()
        .map(|t| DateTime::<Utc>::from(t).to_rfc3339());
    let mut report = CheckpointReport {
        ok: false,
        checkpoint_seq: Some(seq),
        checkpoint_issued_at: issued_at,
        rows_checked: 0,
        reason: None,
    };
    if seq > 0 {
        match rows::seal_of(conn, seq)? {
            Some(seal) if seal.hash == hash => {}
            Some(_) => {
                report.reason = Some(format!(
                    "row {seq} no longer has the hash the checkpoint states: the log up to it was rewritten"
                ));
                return Ok(report);
            }
            _ => {
                report.reason = Some(format!(
                    "row {seq}, which the checkpoint covers, is gone: rows were removed"
                ));
                return Ok(report);
            }
        }
    }
    let walk = verify(conn)?;
    report.rows_checked = walk.rows_checked;
    if walk.ok {
        report.ok = true;
    } else {
        report.reason = walk.reason;
    }
    Ok(report)
}
