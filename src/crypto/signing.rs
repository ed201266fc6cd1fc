//! Token signing keys in memory (S3, SR-50…SR-53): RS256, ES256 and EdDSA
//! through josekit (OpenSSL) — generation, signing, verification and the
//! rendered JWKS of a [`KeySet`], swapped whole by the [`KeyStore`]. Pure:
//! storing, loading and rotating keys is `keys`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use josekit::jwk::alg::ed::EdCurve;
use josekit::jwk::{Jwk, KeyPair};
use josekit::jws::{ES256, EdDSA, JwsHeader, JwsSigner, JwsVerifier, RS256};
use josekit::jwt::JwtPayload;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::AppError;

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

/// A new key pair: the private key as DER, the public key as a JWK.
pub struct Generated {
    pub der: Vec<u8>,
    pub jwk: Jwk,
}

/// Generate a key pair for `alg` (`rsa_bits` for RS256).
pub fn generate(alg: Alg, rsa_bits: u32) -> Result<Generated, AppError> {
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

impl SigningKey {
    /// A usable key from its private DER and public JWK (parsed once).
    pub fn from_der(kid: &str, alg: Alg, der: &[u8], jwk: &Jwk) -> Result<Self, AppError> {
        let fail =
            |e: josekit::JoseError| AppError::Internal(format!("key {kid} cannot be loaded: {e}"));
        let (signer, verifier): (Box<dyn JwsSigner>, Box<dyn JwsVerifier>) = match alg {
            Alg::RS256 => (
                Box::new(RS256.signer_from_der(der).map_err(fail)?),
                Box::new(RS256.verifier_from_jwk(jwk).map_err(fail)?),
            ),
            Alg::ES256 => (
                Box::new(ES256.signer_from_der(der).map_err(fail)?),
                Box::new(ES256.verifier_from_jwk(jwk).map_err(fail)?),
            ),
            Alg::EdDSA => (
                Box::new(EdDSA.signer_from_der(der).map_err(fail)?),
                Box::new(EdDSA.verifier_from_jwk(jwk).map_err(fail)?),
            ),
        };
        Ok(Self {
            kid: kid.to_owned(),
            alg,
            signer,
            verifier,
        })
    }
}

impl KeySet {
    /// A key set: the `current` key per algorithm, every published key by
    /// kid, the rendered JWKS and the fingerprint instances compare.
    pub fn new(
        current: HashMap<Alg, Arc<SigningKey>>,
        by_kid: HashMap<String, Arc<SigningKey>>,
        jwks: bytes::Bytes,
        fingerprint: String,
    ) -> Self {
        Self {
            current,
            by_kid,
            jwks,
            fingerprint,
        }
    }
}
