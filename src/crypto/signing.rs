//! Token signing keys (S3, SR-50…SR-53): RS256, ES256 and EdDSA through
//! josekit (OpenSSL). Keys are generated on first start, stored sealed by
//! the envelope, parsed once into signers/verifiers and held in memory; the
//! JWKS is rendered once per key set. Each algorithm has a `current` key
//! (signs) and a `next` key (published before use); `rotate` promotes next
//! to current and retires current, which stays published for
//! `key_retention_secs`. Instances notice rotations by polling a fingerprint.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use josekit::jwk::alg::ed::EdCurve;
use josekit::jwk::{Jwk, KeyPair};
use josekit::jws::{ES256, EdDSA, JwsHeader, JwsSigner, JwsVerifier, RS256};
use josekit::jwt::JwtPayload;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::Envelope;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::signing_keys::{self, SigningKeyRow};
use crate::store::{naive, write_tx};

/// A JWS algorithm we sign with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Alg {
    RS256,
    ES256,
    EdDSA,
}

impl Alg {
    pub const ALL: [Alg; 3] = [Alg::RS256, Alg::ES256, Alg::EdDSA];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RS256 => "RS256",
            Self::ES256 => "ES256",
            Self::EdDSA => "EdDSA",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

impl std::fmt::Display for Alg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Alg {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Self::parse(s)
            .ok_or_else(|| format!("unsupported algorithm {s:?}: use RS256, ES256 or EdDSA"))
    }
}

/// One parsed key.
#[derive(Debug)]
pub struct SigningKey {
    pub kid: String,
    pub alg: Alg,
    signer: Box<dyn JwsSigner>,
    verifier: Box<dyn JwsVerifier>,
}

/// Why a presented JWT was refused (never shown in detail to clients).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("malformed token")]
    Malformed,
    #[error("unknown key or algorithm not allowed here")]
    KeyOrAlg,
    #[error("bad signature")]
    Signature,
    #[error("wrong token type")]
    Type,
}

/// The keys of one moment, immutable; replaced whole on rotation.
#[derive(Debug)]
pub struct KeySet {
    current: HashMap<Alg, Arc<SigningKey>>,
    by_kid: HashMap<String, Arc<SigningKey>>,
    jwks: bytes::Bytes,
    fingerprint: String,
}

impl KeySet {
    /// Sign `claims` as a JWT of type `typ` with the current key of `alg`.
    pub fn sign(
        &self,
        alg: Alg,
        typ: &str,
        claims: Map<String, Value>,
    ) -> Result<String, AppError> {
        let key = self
            .current
            .get(&alg)
            .ok_or_else(|| AppError::Internal(format!("no current {alg} key")))?;
        let mut header = JwsHeader::new();
        header.set_token_type(typ);
        header.set_key_id(key.kid.clone());
        let payload = JwtPayload::from_map(claims)
            .map_err(|e| AppError::Internal(format!("bad claims: {e}")))?;
        josekit::jwt::encode_with_signer(&payload, &header, &*key.signer)
            .map_err(|e| AppError::Internal(format!("signing failed: {e}")))
    }

    /// Verify a JWT we issued: `kid` must name one of our keys, the header
    /// `alg` must be that key's algorithm and in `allowed`, `typ` must match
    /// (SR-50…SR-52). Returns the claims; time and audience checks are the
    /// caller's.
    pub fn verify(
        &self,
        token: &str,
        typ: &str,
        allowed: &[Alg],
    ) -> Result<Map<String, Value>, TokenError> {
        let header = josekit::jwt::decode_header(token).map_err(|_| TokenError::Malformed)?;
        let kid = header
            .claim("kid")
            .and_then(Value::as_str)
            .ok_or(TokenError::KeyOrAlg)?;
        let alg = header
            .claim("alg")
            .and_then(Value::as_str)
            .ok_or(TokenError::KeyOrAlg)?;
        let key = self.by_kid.get(kid).ok_or(TokenError::KeyOrAlg)?;
        if key.alg.as_str() != alg || !allowed.contains(&key.alg) {
            return Err(TokenError::KeyOrAlg);
        }
        if header
            .claim("typ")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            != Some(typ.to_ascii_lowercase())
        {
            return Err(TokenError::Type);
        }
        let (payload, _) = josekit::jwt::decode_with_verifier(token, &*key.verifier)
            .map_err(|_| TokenError::Signature)?;
        Ok(payload.claims_set().clone())
    }

    /// The JWKS document, rendered once (cloning shares the bytes).
    pub fn jwks(&self) -> bytes::Bytes {
        self.jwks.clone()
    }

    /// Identifies this set (changes on rotation).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Kid of the current key of `alg`.
    pub fn current_kid(&self, alg: Alg) -> Option<&str> {
        self.current.get(&alg).map(|k| k.kid.as_str())
    }
}

/// The live key set, swapped atomically when keys rotate.
#[derive(Debug)]
pub struct KeyStore {
    set: RwLock<Arc<KeySet>>,
}

impl KeyStore {
    pub fn new(set: KeySet) -> Self {
        Self {
            set: RwLock::new(Arc::new(set)),
        }
    }

    /// The keys to use for this request.
    pub fn snapshot(&self) -> Arc<KeySet> {
        match self.set.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Install a newly loaded set.
    pub fn replace(&self, set: KeySet) {
        match self.set.write() {
            Ok(mut guard) => *guard = Arc::new(set),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(set),
        }
    }
}

struct Generated {
    der: Vec<u8>,
    jwk: Jwk,
}

fn generate(alg: Alg, rsa_bits: u32) -> Result<Generated, AppError> {
    let fail = |e: josekit::JoseError| AppError::Internal(format!("key generation failed: {e}"));
    let (der, jwk) = match alg {
        Alg::RS256 => {
            let kp = RS256.generate_key_pair(rsa_bits).map_err(fail)?;
            (kp.to_der_private_key(), kp.to_jwk_public_key())
        }
        Alg::ES256 => {
            let kp = ES256.generate_key_pair().map_err(fail)?;
            (kp.to_der_private_key(), kp.to_jwk_public_key())
        }
        Alg::EdDSA => {
            let kp = EdDSA.generate_key_pair(EdCurve::Ed25519).map_err(fail)?;
            (kp.to_der_private_key(), kp.to_jwk_public_key())
        }
    };
    Ok(Generated { der, jwk })
}

fn parse(row: &SigningKeyRow, envelope: &Envelope) -> Result<SigningKey, AppError> {
    let alg = Alg::parse(&row.alg)
        .ok_or_else(|| AppError::Internal(format!("key {} has unknown alg", row.id)))?;
    let sealed = envelope.decrypt(&row.private_key, &context(&row.id))?;
    let der = STANDARD
        .decode(&*sealed)
        .map_err(|_| AppError::Internal(format!("key {} is corrupt", row.id)))?;
    let jwk = Jwk::from_bytes(row.public_jwk.as_bytes())
        .map_err(|e| AppError::Internal(format!("key {} has a bad JWK: {e}", row.id)))?;
    let fail =
        |e: josekit::JoseError| AppError::Internal(format!("key {} cannot be loaded: {e}", row.id));
    let (signer, verifier): (Box<dyn JwsSigner>, Box<dyn JwsVerifier>) = match alg {
        Alg::RS256 => (
            Box::new(RS256.signer_from_der(&der).map_err(fail)?),
            Box::new(RS256.verifier_from_jwk(&jwk).map_err(fail)?),
        ),
        Alg::ES256 => (
            Box::new(ES256.signer_from_der(&der).map_err(fail)?),
            Box::new(ES256.verifier_from_jwk(&jwk).map_err(fail)?),
        ),
        Alg::EdDSA => (
            Box::new(EdDSA.signer_from_der(&der).map_err(fail)?),
            Box::new(EdDSA.verifier_from_jwk(&jwk).map_err(fail)?),
        ),
    };
    Ok(SigningKey {
        kid: row.id.clone(),
        alg,
        signer,
        verifier,
    })
}

fn context(kid: &str) -> String {
    format!("signing-key:{kid}")
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
    Ok(KeySet {
        current,
        by_kid,
        jwks: bytes::Bytes::from(document),
        fingerprint,
    })
}

/// Whether the stored keys differ from `set` (cheap; polled by every instance).
pub fn changed(
    conn: &mut DbConnection,
    set: &KeySet,
    policy: KeyPolicy,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    Ok(signing_keys::fingerprint(conn, naive(now - policy.retention))? != set.fingerprint)
}

/// What `keys rotate` did.
#[derive(Debug, Clone, Serialize)]
pub struct Rotation {
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
