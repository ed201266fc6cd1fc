//! The master key providers named by the configuration (`master_key`,
//! `previous_master_keys`, `previous_master_key_files`), each wrapped in
//! [`Logged`] so that every use of a master key is logged.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::config::{Config, MasterKeyConfig};
use crate::crypto::providers::aws_kms::{AwsKmsKeyProvider, KmsClient};
use crate::crypto::providers::logged::Logged;
use crate::crypto::providers::pkcs11::{Pkcs11KeyProvider, Pkcs11Settings};
use crate::crypto::providers::sigv4::Credentials;
use crate::crypto::{KeyProvider, LocalKeyProvider};
use crate::error::AppError;

/// The current master key; a generated local key file is created when
/// `create` is set.
pub fn current(config: &Config, create: bool) -> Result<Arc<dyn KeyProvider>, AppError> {
    let path = config.master_key_path();
    let create = create && config.master_key_is_generated();
    build("master_key", &config.master_key, Some(&path), create)
}

/// The earlier master keys: `previous_master_key_files`, then
/// `previous_master_keys`.
pub fn previous(config: &Config) -> Result<Vec<Arc<dyn KeyProvider>>, AppError> {
    let mut keys = Vec::new();
    for path in &config.previous_master_key_files {
        let key = LocalKeyProvider::load_or_create(path, false)
            .map_err(|e| AppError::Config(format!("previous_master_key_files: {e}")))?;
        keys.push(logged(Arc::new(key)));
    }
    for (i, key) in config.previous_master_keys.iter().enumerate() {
        keys.push(build(
            &format!("previous_master_keys[{i}]"),
            key,
            key.file.as_deref(),
            false,
        )?);
    }
    Ok(keys)
}

fn logged(provider: Arc<dyn KeyProvider>) -> Arc<dyn KeyProvider> {
    Arc::new(Logged::new(provider))
}

fn build(
    place: &str,
    key: &MasterKeyConfig,
    file: Option<&Path>,
    create: bool,
) -> Result<Arc<dyn KeyProvider>, AppError> {
    let problem = |e: String| AppError::Config(format!("{place}: {e}"));
    let provider: Arc<dyn KeyProvider> = match key.provider.as_str() {
        "local" => {
            let path = file.ok_or_else(|| problem("a local master key needs its file".into()))?;
            Arc::new(
                LocalKeyProvider::load_or_create(path, create).map_err(|e| match e {
                    AppError::Config(m) => problem(m),
                    other => other,
                })?,
            )
        }
        "pkcs11" => {
            let p = &key.pkcs11;
            let module = p
                .module
                .as_deref()
                .ok_or_else(|| problem("pkcs11.module must be set".into()))?;
            let pin = p
                .pin
                .as_ref()
                .ok_or_else(|| problem("pkcs11.pin must be set".into()))?;
            Arc::new(
                Pkcs11KeyProvider::open(&Pkcs11Settings {
                    module,
                    token_label: &p.token_label,
                    key_label: &p.key_label,
                    pin: pin.expose(),
                })
                .map_err(problem)?,
            )
        }
        "aws_kms" => {
            let k = &key.aws_kms;
            let client = KmsClient::new(
                &k.region,
                k.endpoint.as_deref(),
                aws_credentials(key).map_err(&problem)?,
                Duration::from_secs(k.timeout_secs.max(1)),
            )
            .map_err(&problem)?;
            Arc::new(AwsKmsKeyProvider::new(&k.key_id, client).map_err(problem)?)
        }
        other => {
            return Err(problem(format!(
                "provider {other:?} is not one of \"local\", \"pkcs11\", \"aws_kms\""
            )));
        }
    };
    Ok(logged(provider))
}

/// The configured credentials, else the standard `AWS_*` variables.
fn aws_credentials(key: &MasterKeyConfig) -> Result<Credentials, String> {
    let k = &key.aws_kms;
    if let (Some(id), Some(secret)) = (&k.access_key_id, &k.secret_access_key) {
        return Ok(Credentials {
            access_key_id: id.clone(),
            secret_access_key: Zeroizing::new(secret.expose().to_owned()),
            session_token: k
                .session_token
                .as_ref()
                .map(|t| Zeroizing::new(t.expose().to_owned())),
        });
    }
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => Ok(Credentials {
            access_key_id: id,
            secret_access_key: Zeroizing::new(secret),
            session_token: env("AWS_SESSION_TOKEN").map(Zeroizing::new),
        }),
        _ => Err("no AWS credentials: set aws_kms.access_key_id and aws_kms.secret_access_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY".into()),
    }
}
