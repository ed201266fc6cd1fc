//! Key-encryption keys (S10). A [`KeyProvider`] wraps and unwraps data keys;
//! the local provider keeps a 256-bit master key in a file outside the
//! database (generated on first run with mode 0600). PKCS#11 tokens and AWS
//! KMS implement the same trait ([`crate::crypto::providers`]).

use std::fs;
use std::io::Write;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::crypto::token::{random_bytes, sha256_hex};
use crate::error::AppError;

/// Wraps data keys under a key-encryption key.
pub trait KeyProvider: Send + Sync + std::fmt::Debug {
    /// Identifier of the key-encryption key (stored next to wrapped keys).
    fn id(&self) -> &str;
    /// Encrypt a data key; `context` is bound as associated data.
    fn wrap(&self, data_key: &[u8], context: &str) -> Result<Vec<u8>, AppError>;
    /// Decrypt a data key wrapped by [`KeyProvider::wrap`].
    fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, AppError>;
}

/// The master key lives in a local file.
pub struct LocalKeyProvider {
    id: String,
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for LocalKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalKeyProvider")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl LocalKeyProvider {
    /// Build from raw key bytes (exactly 32).
    pub fn from_bytes(key: &[u8]) -> Result<Self, AppError> {
        let cipher = XChaCha20Poly1305::new_from_slice(key)
            .map_err(|_| AppError::Config("master key must be exactly 32 bytes".into()))?;
        let id = format!("local:{}", &sha256_hex(key)[..16]);
        Ok(Self { id, cipher })
    }

    /// Read the master key file (base64 of 32 bytes), creating it with mode
    /// 0600 when `create` is set and it does not exist yet.
    pub fn load_or_create(path: &Path, create: bool) -> Result<Self, AppError> {
        if !path.exists() {
            if !create {
                return Err(AppError::Config(format!(
                    "master key file {} does not exist",
                    path.display()
                )));
            }
            Self::create(path)?;
        }
        let text = Zeroizing::new(fs::read_to_string(path).map_err(|e| {
            AppError::Config(format!(
                "cannot read master key file {}: {e}",
                path.display()
            ))
        })?);
        let bytes = Zeroizing::new(STANDARD.decode(text.trim()).map_err(|_| {
            AppError::Config(format!(
                "master key file {} must hold the base64 encoding of 32 random bytes",
                path.display()
            ))
        })?);
        warn_if_readable_by_others(path);
        Self::from_bytes(&bytes)
    }

    fn create(path: &Path) -> Result<(), AppError> {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            crate::config::create_private_dir(dir)
                .map_err(|e| AppError::Config(format!("cannot create {}: {e}", dir.display())))?;
        }
        let key = Zeroizing::new(random_bytes::<32>());
        let encoded = Zeroizing::new(STANDARD.encode(*key));
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(encoded.as_bytes())
                    .and_then(|()| file.write_all(b"\n"))
                    .and_then(|()| file.sync_all())
                    .map_err(|e| {
                        AppError::Config(format!("cannot write {}: {e}", path.display()))
                    })?;
                tracing::info!(path = %path.display(), "generated a new master key");
                Ok(())
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(AppError::Config(format!(
                "cannot create {}: {e}",
                path.display()
            ))),
        }
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if let Ok(meta) = fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(path = %path.display(), "master key file is readable by group or others; chmod 600 it");
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_path: &Path) {}

impl KeyProvider for LocalKeyProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, data_key: &[u8], context: &str) -> Result<Vec<u8>, AppError> {
        seal(&self.cipher, data_key, context.as_bytes())
    }

    fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        open(&self.cipher, wrapped, context.as_bytes()).map(Zeroizing::new)
    }
}

/// XChaCha20-Poly1305 with a random 24-byte nonce prepended to the output.
pub(crate) fn seal(
    cipher: &XChaCha20Poly1305,
    plaintext: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, AppError> {
    let nonce_bytes = random_bytes::<24>();
    let nonce = XNonce::from(nonce_bytes);
    let ciphertext = cipher
        .encrypt(
            &nonce,
            chacha20poly1305::aead::Payload {
                msg: plaintext,
                aad,
            },
        )
        .map_err(|_| AppError::Internal("encryption failed".into()))?;
    let mut out = Vec::with_capacity(24 + ciphertext.len());
    out.extend_from_slice(&nonce_bytes);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// Inverse of [`seal`]; fails on any modification or wrong associated data.
pub(crate) fn open(
    cipher: &XChaCha20Poly1305,
    sealed: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, AppError> {
    if sealed.len() < 24 + 16 {
        return Err(AppError::Internal("ciphertext too short".into()));
    }
    let (nonce_bytes, ciphertext) = sealed.split_at(24);
    let nonce =
        XNonce::try_from(nonce_bytes).map_err(|_| AppError::Internal("bad nonce".into()))?;
    cipher
        .decrypt(
            &nonce,
            chacha20poly1305::aead::Payload {
                msg: ciphertext,
                aad,
            },
        )
        .map_err(|_| AppError::Internal("decryption failed: wrong key or tampered data".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_key_file_is_created_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/master.key");
        let a = LocalKeyProvider::load_or_create(&path, true).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dir_mode, 0o700, "a data dir we create is private");
        }
        let b = LocalKeyProvider::load_or_create(&path, false).unwrap();
        assert_eq!(a.id(), b.id());
        let wrapped = a.wrap(b"data key", "ctx").unwrap();
        assert_eq!(&*b.unwrap(&wrapped, "ctx").unwrap(), b"data key");
        assert!(b.unwrap(&wrapped, "other").is_err());
    }

    #[test]
    fn missing_file_without_create_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(LocalKeyProvider::load_or_create(&dir.path().join("nope"), false).is_err());
    }
}
