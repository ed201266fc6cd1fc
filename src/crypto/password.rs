//! argon2id password hashing. Work runs on the blocking pool and is bounded
//! by a semaphore sized to the cores: when every slot stays busy for
//! `queue_timeout_ms`, callers get [`AppError::Overloaded`] (503 +
//! `Retry-After`) instead of an unbounded queue (SR-83, S12).

use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::PasswordHasher as _;
use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordVerifier, Version};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};

use crate::config::PasswordConfig;
use crate::domain::Password;
use crate::error::AppError;

/// Hashes and verifies passwords with bounded concurrency.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
    slots: Arc<Semaphore>,
    queue_timeout: Duration,
    /// A hash of a random secret, verified against when the account does not
    /// exist so that the answer takes as long as for a real account (SR-85).
    dummy: Arc<OnceCell<String>>,
}

impl PasswordHasher {
    pub fn new(config: &PasswordConfig) -> Result<Self, AppError> {
        let params = Params::new(
            config.memory_kib,
            config.iterations,
            config.parallelism,
            None,
        )
        .map_err(|e| AppError::Config(format!("password: invalid argon2 parameters: {e}")))?;
        let slots = match config.max_concurrent_hashes {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        Ok(Self {
            params,
            slots: Arc::new(Semaphore::new(slots)),
            queue_timeout: Duration::from_millis(config.queue_timeout_ms),
            dummy: Arc::new(OnceCell::new()),
        })
    }

    fn argon2(params: Params) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    /// Wait (at most `queue_timeout_ms`) for a hashing slot and hold it
    /// until the permit is dropped. Other CPU-heavy work can share the budget
    /// this way; tests use it to saturate the hasher.
    pub async fn slot(&self) -> Result<OwnedSemaphorePermit, AppError> {
        match tokio::time::timeout(self.queue_timeout, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) | Err(_) => {
                metrics::counter!("ostiary_password_hash_rejected_total").increment(1);
                Err(AppError::Overloaded)
            }
        }
    }

    /// Hash a new password into a PHC string.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let permit = self.slot().await?;
        let params = self.params.clone();
        let input = password.normalized();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            Self::argon2(params)
                .hash_password(input.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| AppError::Internal(format!("argon2 hash failed: {e}")))
        })
        .await
        .map_err(|e| AppError::Internal(format!("hash task failed: {e}")))?
    }

    /// Verify `password` against `stored`; with no stored hash a dummy hash
    /// is verified instead (always false) so timing does not tell.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<String>,
    ) -> Result<bool, AppError> {
        let (hash, real) = match stored {
            Some(h) => (h, true),
            None => (self.dummy_hash().await?, false),
        };
        let permit = self.slot().await?;
        let input = password.normalized();
        let ok = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            match PasswordHash::new(&hash) {
                // Verification uses the parameters recorded in the hash.
                Ok(parsed) => Argon2::default()
                    .verify_password(input.as_bytes(), &parsed)
                    .is_ok(),
                Err(_) => false,
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("verify task failed: {e}")))?;
        Ok(ok && real)
    }

    async fn dummy_hash(&self) -> Result<String, AppError> {
        let this = self.clone();
        self.dummy
            .get_or_try_init(|| async move {
                let secret = Password::new(crate::crypto::token::random_token());
                this.hash(&secret).await
            })
            .await
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast() -> PasswordConfig {
        PasswordConfig {
            memory_kib: 1024,
            iterations: 1,
            ..PasswordConfig::default()
        }
    }

    #[tokio::test]
    async fn hash_then_verify() {
        let hasher = PasswordHasher::new(&fast()).unwrap();
        let pw = Password::new("correct horse battery staple".into());
        let hash = hasher.hash(&pw).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(hasher.verify(&pw, Some(hash.clone())).await.unwrap());
        let wrong = Password::new("correct horse battery stapler".into());
        assert!(!hasher.verify(&wrong, Some(hash)).await.unwrap());
        assert!(!hasher.verify(&pw, None).await.unwrap());
    }

    #[tokio::test]
    async fn compatibility_forms_are_equal_after_nfkc() {
        // SR-80: passwords are NFKC-normalized before hashing.
        let hasher = PasswordHasher::new(&fast()).unwrap();
        let hash = hasher
            .hash(&Password::new("ﬁle cabinet key!".into()))
            .await
            .unwrap();
        assert!(
            hasher
                .verify(&Password::new("file cabinet key!".into()), Some(hash))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn saturated_hasher_answers_overloaded() {
        // SR-83 / S12: bounded concurrency, no unbounded queue.
        let hasher = PasswordHasher::new(&PasswordConfig {
            max_concurrent_hashes: 1,
            queue_timeout_ms: 10,
            ..fast()
        })
        .unwrap();
        let held = hasher.slot().await.unwrap();
        let result = hasher.hash(&Password::new("x".repeat(20))).await;
        assert!(matches!(result, Err(AppError::Overloaded)));
        drop(held);
        assert!(hasher.hash(&Password::new("x".repeat(20))).await.is_ok());
    }
}
