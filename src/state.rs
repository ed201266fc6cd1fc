//! `AppState`: everything a handler needs, built once by
//! [`crate::app::Application`] and shared by reference (no global settings).

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;

use crate::clock::Clock;
use crate::config::Config;
use crate::crypto::{Envelope, PasswordHasher};
use crate::db::Db;

/// Shared application state.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub envelope: Arc<Envelope>,
    pub metrics: PrometheusHandle,
}

impl AppState {
    /// The current time from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}
