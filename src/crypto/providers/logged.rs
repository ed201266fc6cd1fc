//! Key access logging: [`Logged`] wraps any [`KeyProvider`] and logs every
//! wrap and unwrap (target `ostiary::key_access`) with the provider kind,
//! the master key id, the data key id, the operation, the outcome and the
//! duration. Never the key material.

use std::sync::Arc;
use std::time::Instant;

use zeroize::Zeroizing;

use crate::crypto::KeyProvider;
use crate::crypto::providers::{data_key_of, kind_of};
use crate::error::AppError;

/// The log target of key access events.
pub const TARGET: &str = "ostiary::key_access";

/// A provider whose every use is logged.
#[derive(Debug)]
pub struct Logged {
    inner: Arc<dyn KeyProvider>,
}

impl Logged {
    pub fn new(inner: Arc<dyn KeyProvider>) -> Self {
        Self { inner }
    }
}

fn log<T>(
    provider: &dyn KeyProvider,
    operation: &str,
    context: &str,
    started: Instant,
    result: &Result<T, AppError>,
) {
    let master_key = provider.id();
    let kind = kind_of(master_key);
    let data_key = data_key_of(context).unwrap_or("");
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(_) => tracing::info!(
            target: TARGET,
            provider = kind,
            master_key,
            data_key,
            operation,
            outcome = "success",
            duration_ms,
            "key access"
        ),
        Err(error) => tracing::warn!(
            target: TARGET,
            provider = kind,
            master_key,
            data_key,
            operation,
            outcome = "failure",
            duration_ms,
            %error,
            "key access failed"
        ),
    }
}

impl KeyProvider for Logged {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn wrap(&self, data_key: &[u8], context: &str) -> Result<Vec<u8>, AppError> {
        let started = Instant::now();
        let result = self.inner.wrap(data_key, context);
        log(self.inner.as_ref(), "wrap", context, started, &result);
        result
    }

    fn unwrap(&self, wrapped: &[u8], context: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
        let started = Instant::now();
        let result = self.inner.unwrap(wrapped, context);
        log(self.inner.as_ref(), "unwrap", context, started, &result);
        result
    }
}
