//! Server-provided DPoP nonces (RFC 9449 §8, §9), stateless: the nonce of
//! a time window is an HMAC of the window number under a key every instance
//! shares (the CSRF data key, with its own label), so any instance accepts
//! any other's. The current and the previous window are accepted; a window
//! is `oidc.dpop_proof_max_age_secs` long.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};

use crate::crypto::token::{constant_time_eq, hmac_sha256};
use crate::state::AppState;

fn window(state: &AppState, now: DateTime<Utc>) -> i64 {
    now.timestamp()
        .div_euclid(state.config.oidc.dpop_proof_max_age_secs.max(1))
}

fn for_window(state: &AppState, window: i64) -> String {
    let mac = hmac_sha256(
        state.envelope.csrf_key(),
        format!("ostiary dpop-nonce {window}").as_bytes(),
    );
    URL_SAFE_NO_PAD.encode(mac)
}

/// The nonce to hand out now.
pub fn current(state: &AppState, now: DateTime<Utc>) -> String {
    for_window(state, window(state, now))
}

/// Whether `nonce` is this window's or the previous one's.
pub fn accepts(state: &AppState, nonce: &str, now: DateTime<Utc>) -> bool {
    let w = window(state, now);
    [w, w - 1]
        .iter()
        .any(|w| constant_time_eq(for_window(state, *w).as_bytes(), nonce.as_bytes()))
}
