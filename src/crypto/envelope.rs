//! Envelope encryption (S10): values are sealed with XChaCha20-Poly1305 under
//! a data key; data keys are stored in the database wrapped by the
//! [`KeyProvider`]. A sealed value reads `v1.<data key id>.<base64url>` and
//! binds a caller-chosen context (e.g. `totp:<user id>`) as associated data,
//! so a ciphertext cannot be moved to another row. Ready for TOTP secrets,
//! signing keys and upstream client secrets.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use zeroize::Zeroizing;

use super::key_provider::{open, seal};
use crate::error::AppError;

/// The data key used for new encryptions.
pub const ACTIVE_DATA_KEY: &str = "dk-1";
/// The key from which CSRF tokens are derived.
pub const CSRF_KEY: &str = "csrf-1";
/// The key of the keyed hashes of high-entropy secrets (client secrets).
pub const SECRET_MAC_KEY: &str = "mac-1";

/// Unwrapped data keys held in memory, loaded once at start-up.
pub struct Envelope {
    active: String,
    ciphers: HashMap<String, XChaCha20Poly1305>,
    csrf_key: Zeroizing<Vec<u8>>,
    secret_mac_key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl Envelope {
    /// An envelope from unwrapped keys: the data keys (`purpose` "data") by
    /// id, the CSRF key and the secret-hash key.
    pub fn from_keys(
        data_keys: Vec<(String, Zeroizing<Vec<u8>>)>,
        csrf_key: Zeroizing<Vec<u8>>,
        secret_mac_key: Zeroizing<Vec<u8>>,
    ) -> Result<Self, AppError> {
        let mut ciphers = HashMap::new();
        for (id, key) in data_keys {
            let cipher = XChaCha20Poly1305::new_from_slice(&key)
                .map_err(|_| AppError::Internal(format!("data key {id} has a bad length")))?;
            ciphers.insert(id, cipher);
        }
        if !ciphers.contains_key(ACTIVE_DATA_KEY) {
            return Err(AppError::Internal("the active data key is missing".into()));
        }
        Ok(Self {
            active: ACTIVE_DATA_KEY.into(),
            ciphers,
            csrf_key,
            secret_mac_key,
        })
    }

    fn aad(kid: &str, context: &str) -> Vec<u8> {
        format!("ostiary:v1:{kid}:{context}").into_bytes()
    }

    /// Seal `plaintext` for storage.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Result<String, AppError> {
        let cipher = self
            .ciphers
            .get(&self.active)
            .ok_or_else(|| AppError::Internal("active data key missing".into()))?;
        let sealed = seal(cipher, plaintext, &Self::aad(&self.active, context))?;
        Ok(format!(
            "v1.{}.{}",
            self.active,
            URL_SAFE_NO_PAD.encode(sealed)
        ))
    }

    /// Open a value sealed by [`Envelope::encrypt`] with the same context.
    pub fn decrypt(&self, sealed: &str, context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        let mut parts = sealed.splitn(3, '.');
        let (Some("v1"), Some(kid), Some(body)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(AppError::Internal("not an Ostiary sealed value".into()));
        };
        let cipher = self
            .ciphers
            .get(kid)
            .ok_or_else(|| AppError::Internal(format!("unknown data key {kid}")))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| AppError::Internal("sealed value is not base64url".into()))?;
        open(cipher, &bytes, &Self::aad(kid, context)).map(Zeroizing::new)
    }

    /// Key material for CSRF token MACs (shared by every instance).
    pub fn csrf_key(&self) -> &[u8] {
        &self.csrf_key
    }

    /// Keyed hash (HMAC-SHA256, hex) of a high-entropy secret such as a
    /// client secret: fast, and useless without the key (SR-35).
    pub fn secret_hash(&self, secret: &str) -> String {
        hex::encode(crate::crypto::token::hmac_sha256(
            &self.secret_mac_key,
            secret.as_bytes(),
        ))
    }

    /// Compare `secret` with a stored [`Envelope::secret_hash`] in constant time.
    pub fn secret_matches(&self, secret: &str, stored_hash: &str) -> bool {
        crate::crypto::token::constant_time_eq(
            self.secret_hash(secret).as_bytes(),
            stored_hash.as_bytes(),
        )
    }
}
