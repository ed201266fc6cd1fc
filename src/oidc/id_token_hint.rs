//! `id_token_hint` (OIDC Core 3.1.2.1, RP-Initiated Logout 1.0 §2): an ID
//! token we issued, presented back by a client. The signature must verify
//! with one of our keys, `typ` must be `JWT` and `iss` must be us; expiry is
//! ignored (an expired ID token is still a good hint). `alg: none`, an
//! unknown `kid` or a foreign issuer make it invalid.

use serde_json::Value;

use crate::crypto::signing::Alg;
use crate::oidc::tokens::ID_TOKEN_TYP;
use crate::state::AppState;

/// What a valid hint tells us.
#[derive(Debug, Clone)]
pub struct Hint {
    pub sub: String,
    pub aud: Vec<String>,
    pub azp: Option<String>,
    pub sid: Option<String>,
    /// Expiry (seconds since the epoch); the signature check ignores it,
    /// callers that care (logout) compare it themselves.
    pub exp: Option<i64>,
}

impl Hint {
    /// Whether the hint was issued to `client_id`.
    pub fn is_for(&self, client_id: &str) -> bool {
        self.aud.iter().any(|a| a == client_id)
    }

    /// The client the hint names: `azp`, else the only audience.
    pub fn client_id(&self) -> Option<&str> {
        match (&self.azp, self.aud.as_slice()) {
            (Some(azp), _) => Some(azp.as_str()),
            (None, [one]) => Some(one.as_str()),
            _ => None,
        }
    }
}

/// Verify a hint; `None` when it is not a valid ID token of ours.
pub fn verify(state: &AppState, token: &str) -> Option<Hint> {
    if token.len() > 16 * 1024 {
        return None;
    }
    let claims = state
        .keys
        .snapshot()
        .verify(token, ID_TOKEN_TYP, &Alg::ALL)
        .ok()?;
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
    if text("iss").as_deref() != Some(state.config.public_base()) {
        return None;
    }
    let aud = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => return None,
    };
    if aud.is_empty() {
        return None;
    }
    Some(Hint {
        sub: text("sub")?,
        aud,
        azp: text("azp"),
        sid: text("sid"),
        exp: claims.get("exp").and_then(Value::as_i64),
    })
}
