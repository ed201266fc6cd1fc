//! Signing keys in the database (S3, SR-53): generated on first start,
//! stored sealed by the envelope, loaded into a [`KeySet`] (parsed once);
//! each algorithm has a `current` key (signs) and a `next` key (published
//! before use); [`rotate`] promotes next to current and retires current,
//! which stays published for `key_retention_secs`. Instances notice
//! rotations by polling a fingerprint ([`changed`]).

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use josekit::jwk::Jwk;
use serde::Serialize;
use serde_json::Value;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::Envelope;
use crate::crypto::signing::{Alg, KeySet, SigningKey, generate};
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::signing_keys::{self, SigningKeyRow};
use crate::store::{naive, write_tx};

fn parse(row: &SigningKeyRow, envelope: &Envelope) -> Result<SigningKey, AppError> {
    let alg = Alg::parse(&row.alg)
        .ok_or_else(|| AppError::Internal(format!("key {} has unknown alg", row.id)))?;
    let sealed = envelope.decrypt(&row.private_key, &context(&row.id))?;
    let der = STANDARD
        .decode(&*sealed)
        .map_err(|_| AppError::Internal(format!("key {} is corrupt", row.id)))?;
    let jwk = Jwk::from_bytes(row.public_jwk.as_bytes())
        .map_err(|e| AppError::Internal(format!("key {} has a bad JWK: {e}", row.id)))?;
    SigningKey::from_der(&row.id, alg, &der, &jwk)
}

fn context(kid: &str) -> String {
    crate::store::sealed::signing_key_context(kid)
}

fn new_row(
    alg: Alg,
    state: &str,
    envelope: &Envelope,
    rsa_bits: u32,
    now: DateTime<Utc>,
) -> Result<SigningKeyRow, AppError> {
    let kid = format!(
        "{}-{}",
        alg.as_str().to_ascii_lowercase(),
        &uuid::Uuid::new_v4().simple().to_string()[..16]
    );
    let generated = generate(alg, rsa_bits)?;
    let mut jwk = generated.jwk;
    jwk.set_key_id(kid.clone());
    jwk.set_algorithm(alg.as_str());
    jwk.set_key_use("sig");
    let sealed = envelope.encrypt(STANDARD.encode(&generated.der).as_bytes(), &context(&kid))?;
    Ok(SigningKeyRow {
        id: kid,
        alg: alg.as_str().to_owned(),
        private_key: sealed,
        public_jwk: jwk.to_string(),
        state: state.to_owned(),
        created_at: naive(now),
        activated_at: (state == "current").then_some(naive(now)),
        retired_at: None,
    })
}

/// Key settings.
#[derive(Debug, Clone, Copy)]
pub struct KeyPolicy {
    pub rsa_bits: u32,
    pub retention: Duration,
}

/// Create a current and a next key for every algorithm that lacks them.
/// Runs in the serializing write transaction, so concurrent instances
/// starting at once agree.
pub fn ensure_keys(
    conn: &mut DbConnection,
    envelope: &Envelope,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    write_tx(conn, |conn| {
        for alg in Alg::ALL {
            for state in ["current", "next"] {
                if signing_keys::ids_in_state(conn, alg.as_str(), state)?.is_empty() {
                    let row = new_row(alg, state, envelope, policy.rsa_bits, now)?;
                    signing_keys::insert(conn, &row)?;
                    audit::record(
                        conn,
                        &Actor::system("keys"),
                        Event::new(Action::KeyCreated, Outcome::Success)
                            .target("signing_key", row.id.as_str())
                            .details(serde_json::json!({ "alg": alg.as_str(), "state": state })),
                        now,
                    )?;
                }
            }
        }
        Ok(())
    })
}

/// Load the published keys into a [`KeySet`].
pub fn load(
    conn: &mut DbConnection,
    envelope: &Envelope,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<KeySet, AppError> {
    let cutoff = naive(now - policy.retention);
    let rows = signing_keys::published(conn, cutoff)?;
    let fingerprint = signing_keys::fingerprint(conn, cutoff)?;
    let mut current = HashMap::new();
    let mut by_kid = HashMap::new();
    let mut jwks = Vec::new();
    for row in &rows {
        let key = Arc::new(parse(row, envelope)?);
        if row.state == "current" {
            current.insert(key.alg, key.clone());
        }
        by_kid.insert(key.kid.clone(), key);
        let jwk: Value = serde_json::from_str(&row.public_jwk)
            .map_err(|e| AppError::Internal(format!("key {} has a bad JWK: {e}", row.id)))?;
        jwks.push(jwk);
    }
    let document = serde_json::to_vec(&serde_json::json!({ "keys": jwks }))
        .map_err(|e| AppError::Internal(format!("cannot render JWKS: {e}")))?;
    Ok(KeySet::new(
        current,
        by_kid,
        bytes::Bytes::from(document),
        fingerprint,
    ))
}

/// Whether the stored keys differ from `set` (cheap; polled by every instance).
pub fn changed(
    conn: &mut DbConnection,
    set: &KeySet,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(signing_keys::fingerprint(conn, naive(now - policy.retention))? != set.fingerprint())
}

/// A signing key as `keys list` and the admin API show it (never the
/// private key).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyListing {
    pub kid: String,
    pub alg: String,
    /// `next` (published, not yet signing), `current` (signs) or `retired`
    /// (published until the retention period ends).
    pub state: String,
    pub created_at: DateTime<Utc>,
    pub activated_at: Option<DateTime<Utc>>,
    pub retired_at: Option<DateTime<Utc>>,
}

/// Every signing key, as listed.
pub fn listing(conn: &mut DbConnection) -> Result<Vec<KeyListing>, AppError> {
    Ok(signing_keys::all(conn)?
        .into_iter()
        .map(|k| KeyListing {
            kid: k.id,
            alg: k.alg,
            state: k.state,
            created_at: k.created_at.and_utc(),
            activated_at: k.activated_at.map(|t| t.and_utc()),
            retired_at: k.retired_at.map(|t| t.and_utc()),
        })
        .collect())
}

/// What `keys rotate` did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rotation {
    #[schema(value_type = String)]
    pub alg: Alg,
    pub activated: String,
    pub retired: Vec<String>,
    pub next: String,
}

/// Promote the next key of `alg` to current, retire the current one (kept
/// published for the retention period) and publish a new next key.
pub fn rotate(
    conn: &mut DbConnection,
    envelope: &Envelope,
    actor: &Actor,
    alg: Alg,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<Rotation, AppError> {
    write_tx(conn, |conn| {
        let retired = signing_keys::ids_in_state(conn, alg.as_str(), "current")?;
        for id in &retired {
            signing_keys::set_state(conn, id, "retired", naive(now))?;
        }
        let activated = match signing_keys::ids_in_state(conn, alg.as_str(), "next")?
            .into_iter()
            .next()
        {
            Some(id) => id,
            None => {
                let row = new_row(alg, "next", envelope, policy.rsa_bits, now)?;
                signing_keys::insert(conn, &row)?;
                row.id
            }
        };
        signing_keys::set_state(conn, &activated, "current", naive(now))?;
        let next = new_row(alg, "next", envelope, policy.rsa_bits, now)?;
        signing_keys::insert(conn, &next)?;
        let rotation = Rotation {
            alg,
            activated,
            retired,
            next: next.id,
        };
        audit::record(
            conn,
            actor,
            Event::new(Action::KeyRotated, Outcome::Success)
                .target("signing_key", rotation.activated.as_str())
                .details(serde_json::to_value(&rotation).unwrap_or_default()),
            now,
        )?;
        Ok(rotation)
    })
}
