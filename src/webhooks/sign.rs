//! Standard Webhooks signing: secrets `whsec_<base64 of 32 random bytes>`,
//! the `webhook-signature` header `v1,<base64 HMAC-SHA256 over
//! "{id}.{timestamp}.{body}">` keyed with the secret's bytes, and the
//! stable message id (`webhook-id`) of an event sent to a subscription.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::crypto::token::{hmac_sha256, random_bytes, sha256_hex};
use crate::error::AppError;

const PREFIX: &str = "whsec_";

/// A new secret.
pub fn new_secret() -> Zeroizing<String> {
    Zeroizing::new(format!("{PREFIX}{}", STANDARD.encode(random_bytes::<32>())))
}

/// The key bytes of a secret.
pub fn key(secret: &str) -> Result<Zeroizing<Vec<u8>>, AppError> {
    let b64 = secret.strip_prefix(PREFIX).unwrap_or(secret);
    STANDARD
        .decode(b64)
        .map(Zeroizing::new)
        .map_err(|_| AppError::Internal("webhook secret is not base64".into()))
}

/// What is shown of a secret after creation: `whsec_…abcd`.
pub fn hint(secret: &str) -> String {
    let tail: String = secret
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("{PREFIX}…{tail}")
}

/// The `webhook-signature` header value.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut content = format!("{id}.{timestamp}.").into_bytes();
    content.extend_from_slice(body);
    format!("v1,{}", STANDARD.encode(hmac_sha256(key, &content)))
}

/// The message id of event `audit_event_id` for subscription
/// `subscription_id`: the same on every attempt (the idempotency key).
pub fn message_id(audit_event_id: &str, subscription_id: &str) -> String {
    let digest = sha256_hex(format!("{audit_event_id}\n{subscription_id}").as_bytes());
    format!("msg_{}", &digest[..32])
}

/// The envelope context of a subscription's secret.
pub fn context(subscription_id: &str) -> String {
    crate::store::sealed::webhook_secret_context(subscription_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_webhooks_example_signature() {
        // The example of the Standard Webhooks specification.
        let k = key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let sig = signature(
            &k,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(hint("whsec_abcdefgh"), "whsec_…efgh");
        assert!(new_secret().starts_with("whsec_"));
        assert_eq!(
            message_id("a", "b"),
            message_id("a", "b"),
            "stable across attempts"
        );
    }
}
