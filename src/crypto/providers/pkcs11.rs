//! PKCS#11 as the master key (S10): an AES key on a token (an HSM, a cloud
//! HSM, SoftHSM2) wraps data keys with CKM_AES_GCM; the 12-byte random IV
//! is stored in front of the ciphertext and the wrapping context is the
//! associated data. The module is loaded at run time; one logged-in
//! session per provider, used under a mutex.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::aead::GcmParams;
use cryptoki::object::{Attribute, KeyType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::types::AuthPin;
use zeroize::Zeroizing;

use crate::crypto::KeyProvider;
use crate::crypto::token::random_bytes;
use crate::error::AppError;

const IV_LEN: usize = 12;
const TAG_BITS: u64 = 128;

/// Which key on which token.
pub struct Pkcs11Settings<'a> {
    /// The PKCS#11 module (shared library), e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: &'a Path,
    pub token_label: &'a str,
    pub key_label: &'a str,
    /// The user PIN.
    pub pin: &'a str,
}

/// The master key is an AES key on a PKCS#11 token.
pub struct Pkcs11KeyProvider {
    id: String,
    key: ObjectHandle,
    session: Mutex<Session>,
}

impl std::fmt::Debug for Pkcs11KeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pkcs11KeyProvider")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// A module is initialized once per process and shared by every provider
/// (initializing it twice is an error).
fn module(path: &Path) -> Result<Pkcs11, String> {
    static MODULES: OnceLock<Mutex<HashMap<PathBuf, Pkcs11>>> = OnceLock::new();
    let mut modules = MODULES
        .get_or_init(Mutex::default)
        .lock()
        .map_err(|_| "the PKCS#11 module table is poisoned".to_owned())?;
    if let Some(loaded) = modules.get(path) {
        return Ok(loaded.clone());
    }
    let loaded = Pkcs11::new(path)
        .map_err(|e| format!("cannot load the PKCS#11 module {}: {e}", path.display()))?;
    match loaded.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) | Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(format!(
                "cannot initialize the PKCS#11 module {}: {}",
                path.display(),
                code(&e)
            ));
        }
    }
    modules.insert(path.to_path_buf(), loaded.clone());
    Ok(loaded)
}

/// The PKCS#11 return value name (`CKR_…` as cryptoki spells it), or the
/// error text.
fn code(e: &CkError) -> String {
    match e {
        CkError::Pkcs11(rv, _) => format!("{rv:?}"),
        other => other.to_string(),
    }
}

impl Pkcs11KeyProvider {
    /// Open a session on the token, log in and find the key; every failure
    /// names what is wrong (module, token, PIN, key).
    pub fn open(settings: &Pkcs11Settings<'_>) -> Result<Self, String> {
        let context = module(settings.module)?;
        let slots = context
            .get_slots_with_token()
            .map_err(|e| format!("cannot list the PKCS#11 tokens: {}", code(&e)))?;
        let mut labels = Vec::new();
        let mut found = None;
        for slot in slots {
            let Ok(info) = context.get_token_info(slot) else {
                continue;
            };
            let label = info.label().trim_end().to_owned();
            if label == settings.token_label {
                found = Some(slot);
                break;
            }
            labels.push(label);
        }
        let slot = found.ok_or_else(|| {
            format!(
                "no PKCS#11 token labelled {:?} in {} (tokens: {:?})",
                settings.token_label,
                settings.module.display(),
                labels
            )
        })?;
        let session = context.open_ro_session(slot).map_err(|e| {
            format!(
                "cannot open a session on token {:?}: {}",
                settings.token_label,
                code(&e)
            )
        })?;
        let pin = AuthPin::from(settings.pin.to_owned());
        match session.login(UserType::User, Some(&pin)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
                return Err(format!(
                    "wrong PIN for PKCS#11 token {:?}",
                    settings.token_label
                ));
            }
            Err(e) => {
                return Err(format!(
                    "cannot log in to PKCS#11 token {:?}: {}",
                    settings.token_label,
                    code(&e)
                ));
            }
        }
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::SECRET_KEY),
                Attribute::KeyType(KeyType::AES),
                Attribute::Label(settings.key_label.as_bytes().to_vec()),
            ])
            .map_err(|e| {
                format!(
                    "cannot search token {:?}: {}",
                    settings.token_label,
                    code(&e)
                )
            })?;
        let key = match keys.as_slice() {
            [key] => *key,
            [] => {
                return Err(format!(
                    "no AES secret key labelled {:?} on PKCS#11 token {:?}",
                    settings.key_label, settings.token_label
                ));
            }
            _ => {
                return Err(format!(
                    "several AES secret keys are labelled {:?} on PKCS#11 token {:?}; labels must be unique",
                    settings.key_label, settings.token_label
                ));
            }
        };
        Ok(Self {
            id: format!("pkcs11:{}/{}", settings.token_label, settings.key_label),
            key,
            session: Mutex::new(session),
        })
    }

    fn failed(&self, what: &str, context: &str, e: &CkError) -> AppError {
        tracing::error!(key = %self.id, error = %e, "the PKCS#11 token refused to {what} a data key");
        AppError::Config(format!(
            "cannot {what} data key {} with PKCS#11 key {}: {}",
            crate::crypto::providers::data_key_of(context).unwrap_or("?"),
            self.id,
            code(e)
        ))
    }

    fn session(&self) -> Result<std::sync::MutexGuard<'_, Session>, AppError> {
        self.session
            .lock()
            .map_err(|_| AppError::Internal("the PKCS#11 session is poisoned".into()))
    }
}

impl KeyProvider for Pkcs11KeyProvider {
    fn id(&self) -> &str {
        &self.id
    }

    fn wrap(&self, data_key: &[u8], context: &str) -> Result<Vec<u8>, AppError> {
        let iv = random_bytes::<IV_LEN>();
        let mut iv_param = iv;
        let params = GcmParams::new(&mut iv_param, context.as_bytes(), TAG_BITS.into())
            .map_err(|e| self.failed("wrap", context, &e))?;
        let sealed = self
            .session()?
            .encrypt(&Mechanism::AesGcm(params), self.key, data_key)
            .map_err(|e| self.failed("wrap", context, &e))?;
        let mut out = Vec::with_capacity(IV_LEN + sealed.len());
        out.extend_from_slice(&iv);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        if wrapped.len() < IV_LEN + 16 {
            return Err(AppError::Config(format!(
                "cannot unwrap data key {} with PKCS#11 key {}: the wrapped key is too short",
                crate::crypto::providers::data_key_of(context).unwrap_or("?"),
                self.id
            )));
        }
        let (iv, sealed) = wrapped.split_at(IV_LEN);
        let mut iv_param = [0u8; IV_LEN];
        iv_param.copy_from_slice(iv);
        let params = GcmParams::new(&mut iv_param, context.as_bytes(), TAG_BITS.into())
            .map_err(|e| self.failed("unwrap", context, &e))?;
        self.session()?
            .decrypt(&Mechanism::AesGcm(params), self.key, sealed)
            .map(Zeroizing::new)
            .map_err(|e| self.failed("unwrap", context, &e))
    }
}
