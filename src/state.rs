//! `AppState`: everything a handler needs, built once by
//! `app::Application` and shared by reference (no global settings).

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::signing::KeyStore;
use crate::crypto::{Envelope, PasswordHasher};
use crate::db::Db;
use crate::keys::signing::KeyPolicy;

/// Shared application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub envelope: Arc<Envelope>,
    /// The master keys that unwrap the data keys (again, every
    /// `keys.data_key_cache_ttl_secs`).
    pub master: crate::keys::master::MasterKeys,
    pub keys: Arc<KeyStore>,
    pub metrics: PrometheusHandle,
    /// The discovery document, rendered once.
    pub discovery: bytes::Bytes,
    /// Recently used client registrations.
    pub clients: Arc<crate::store::client_cache::ClientCache>,
    /// The WebAuthn relying party (from the issuer); `None` when the issuer
    /// cannot be one (passkeys disabled).
    pub webauthn: Option<Arc<webauthn_rs::prelude::Webauthn>>,
    /// Outgoing mail (S6).
    pub mailer: Arc<crate::mail::Mailer>,
    /// Back-channel logout notices of committed session ends (SR-142).
    pub logout: crate::store::logout::LogoutQueue,
}

impl AppState {
    /// The current time from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Key generation and retention settings.
    pub fn key_policy(&self) -> KeyPolicy {
        key_policy(&self.config)
    }
}

/// Key generation and retention settings from the configuration.
pub fn key_policy(config: &Config) -> KeyPolicy {
    KeyPolicy {
        rsa_bits: config.oidc.rsa_bits,
        retention: chrono::Duration::seconds(config.oidc.key_retention_secs),
    }
}
