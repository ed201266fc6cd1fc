//! Envelope encryption (S10): values are sealed with XChaCha20-Poly1305 under
//! a data key; data keys are stored in the database wrapped by the
//! [`KeyProvider`]. A sealed value reads `v1.<data key id>.<base64url>` and
//! binds a caller-chosen context (e.g. `totp:<user id>`) as associated data,
//! so a ciphertext cannot be moved to another row. Ready for TOTP secrets,
//! signing keys and upstream client secrets.

use std::collections::HashMap;
use std::sync::{RwLock, RwLockReadGuard};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use zeroize::Zeroizing;

use super::key_provider::{open, seal};
use crate::error::AppError;

/// The first data key, created with a fresh database; which one seals new
/// values afterwards is stored with the keys (`data_keys.state`).
pub const FIRST_DATA_KEY: &str = "dk-1";
/// The key from which CSRF tokens are derived.
pub const CSRF_KEY: &str = "csrf-1";
/// The key of the keyed hashes of high-entropy secrets (client secrets).
pub const SECRET_MAC_KEY: &str = "mac-1";

/// The data keys in use: the one that seals and every one that opens.
struct DataKeys {
    active: String,
    ciphers: HashMap<String, XChaCha20Poly1305>,
}

impl DataKeys {
    fn new(data_keys: Vec<(String, Zeroizing<Vec<u8>>)>, active: &str) -> Result<Self, AppError> {
        let mut ciphers = HashMap::new();
        for (id, key) in data_keys {
            let cipher = XChaCha20Poly1305::new_from_slice(&key)
                .map_err(|_| AppError::Internal(format!("data key {id} has a bad length")))?;
            ciphers.insert(id, cipher);
        }
        if !ciphers.contains_key(active) {
            return Err(AppError::Internal(format!(
                "the active data key {active} is missing"
            )));
        }
        Ok(Self {
            active: active.to_owned(),
            ciphers,
        })
    }
}

/// Unwrapped data keys held in memory: loaded at start-up and replaced at
/// runtime ([`Envelope::replace_data_keys`]) when the cache expires or a
/// rotation stages or activates a key. The CSRF and MAC keys never change.
pub struct Envelope {
    data: RwLock<DataKeys>,
    csrf_key: Zeroizing<Vec<u8>>,
    secret_mac_key: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("active", &self.active_data_key())
            .finish_non_exhaustive()
    }
}

impl Envelope {
    /// An envelope from unwrapped keys: the data keys (`purpose` "data") by
    /// id, the one of them that seals (`active`), the CSRF key and the
    /// secret-hash key.
    pub fn from_keys(
        data_keys: Vec<(String, Zeroizing<Vec<u8>>)>,
        active: &str,
        csrf_key: Zeroizing<Vec<u8>>,
        secret_mac_key: Zeroizing<Vec<u8>>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            data: RwLock::new(DataKeys::new(data_keys, active)?),
            csrf_key,
            secret_mac_key,
        })
    }

    /// Swap in freshly unwrapped data keys and the one that seals from now
    /// on; on error the keys in use stay.
    pub fn replace_data_keys(
        &self,
        data_keys: Vec<(String, Zeroizing<Vec<u8>>)>,
        active: &str,
    ) -> Result<(), AppError> {
        let fresh = DataKeys::new(data_keys, active)?;
        let mut guard = self.data.write().unwrap_or_else(|e| e.into_inner());
        *guard = fresh;
        Ok(())
    }

    fn keys(&self) -> RwLockReadGuard<'_, DataKeys> {
        // The lock guards plain data replaced whole: a panic elsewhere
        // cannot leave it half-written.
        self.data.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The id of the data key that seals new values.
    pub fn active_data_key(&self) -> String {
        self.keys().active.clone()
    }

    /// Whether the data key `id` is loaded (can open values).
    pub fn has_data_key(&self, id: &str) -> bool {
        self.keys().ciphers.contains_key(id)
    }

    /// The data key id a sealed value names, if it is one.
    pub fn sealed_by(sealed: &str) -> Option<&str> {
        let mut parts = sealed.splitn(3, '.');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("v1"), Some(kid), Some(_)) => Some(kid),
            _ => None,
        }
    }

    fn aad(kid: &str, context: &str) -> Vec<u8> {
        format!("ostiary:v1:{kid}:{context}").into_bytes()
    }

    fn seal_with(
        keys: &DataKeys,
        kid: &str,
        plaintext: &[u8],
        context: &str,
    ) -> Result<String, AppError> {
        let cipher = keys
            .ciphers
            .get(kid)
            .ok_or_else(|| AppError::Internal(format!("data key {kid} is not loaded")))?;
        let sealed = seal(cipher, plaintext, &Self::aad(kid, context))?;
        Ok(format!("v1.{kid}.{}", URL_SAFE_NO_PAD.encode(sealed)))
    }

    /// Seal `plaintext` for storage.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> Result<String, AppError> {
        let keys = self.keys();
        Self::seal_with(&keys, &keys.active, plaintext, context)
    }

    /// Open a value sealed by [`Envelope::encrypt`] with the same context.
    pub fn decrypt(&self, sealed: &str, context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        let kid = Self::sealed_by(sealed)
            .ok_or_else(|| AppError::Internal("not an Ostiary sealed value".into()))?;
        let body = &sealed[4 + kid.len()..];
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| AppError::Internal("sealed value is not base64url".into()))?;
        let keys = self.keys();
        let cipher = keys
            .ciphers
            .get(kid)
            .ok_or_else(|| AppError::Internal(format!("unknown data key {kid}")))?;
        open(cipher, &bytes, &Self::aad(kid, context)).map(Zeroizing::new)
    }

    /// Open `sealed` and seal it again under the data key `kid`, with the
    /// same context (data-key rotation).
    pub fn reseal(&self, sealed: &str, context: &str, kid: &str) -> Result<String, AppError> {
        let plain = self.decrypt(sealed, context)?;
        Self::seal_with(&self.keys(), kid, &plain, context)
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

    /// A pairwise subject identifier (OIDC Core §8.1): base64url of
    /// HMAC-SHA256 over the sector and the user id, under a key derived
    /// from the secret MAC key (a data key every instance shares and that
    /// rotation keeps), so the value is stable across restarts and
    /// instances and unguessable without the key.
    pub fn pairwise_subject(&self, sector: &str, user_id: &str) -> String {
        let key = Zeroizing::new(crate::crypto::token::hmac_sha256(
            &self.secret_mac_key,
            b"ostiary pairwise subject v1",
        ));
        URL_SAFE_NO_PAD.encode(crate::crypto::token::hmac_sha256(
            &*key,
            format!("{sector}\0{user_id}").as_bytes(),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(vec![b; 32])
    }

    fn envelope() -> Envelope {
        Envelope::from_keys(vec![("dk-1".into(), key(1))], "dk-1", key(2), key(3))
            .expect("envelope")
    }

    #[test]
    fn a_new_active_key_seals_and_old_values_still_open() {
        let e = envelope();
        let old = e.encrypt(b"secret", "ctx").expect("seal");
        assert!(old.starts_with("v1.dk-1."));
        e.replace_data_keys(
            vec![("dk-1".into(), key(1)), ("dk-2".into(), key(4))],
            "dk-2",
        )
        .expect("replace");
        let new = e.encrypt(b"secret", "ctx").expect("seal");
        assert_eq!(Envelope::sealed_by(&new), Some("dk-2"));
        assert_eq!(&*e.decrypt(&old, "ctx").expect("old opens"), b"secret");
        let moved = e.reseal(&old, "ctx", "dk-2").expect("reseal");
        assert!(moved.starts_with("v1.dk-2."));
        assert_eq!(&*e.decrypt(&moved, "ctx").expect("opens"), b"secret");
        assert!(e.reseal(&old, "other", "dk-2").is_err(), "context is kept");
    }

    #[test]
    fn a_replacement_without_its_active_key_changes_nothing() {
        let e = envelope();
        assert!(
            e.replace_data_keys(vec![("dk-2".into(), key(4))], "dk-3")
                .is_err()
        );
        assert_eq!(e.active_data_key(), "dk-1");
        assert!(e.has_data_key("dk-1") && !e.has_data_key("dk-2"));
    }
}
