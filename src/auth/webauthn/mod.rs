//! WebAuthn passkeys (S5, SR-94) on top of webauthn-rs: registration,
//! authentication of a known user (second factor) and discoverable
//! authentication (passwordless first factor, see
//! `auth::passkey_login`).
//!
//! The relying party is derived once at startup from the issuer: RP ID = the
//! issuer's host, origin = the issuer's origin ([`build`], kept in
//! `AppState::webauthn`). An issuer whose host is an IP address cannot be a
//! WebAuthn RP; passkeys are then unavailable (every call answers 409).
//!
//! Ceremony state (challenge, allowed credentials, policy) lives in
//! `webauthn_challenges`, bound to the browser by the random
//! `__Host-ostiary_webauthn` cookie (only its SHA-256 is stored), for one
//! ceremony of one purpose (and one user, where known), valid 5 minutes and
//! deleted when consumed, whether the ceremony then succeeds or not.
//!
//! Credentials are registered as discoverable (resident key required) with
//! user verification required, so every passkey also works passwordless.
//! After each successful assertion the stored `Passkey` is updated from the
//! `AuthenticationResult` (counter, backup state); a counter regression is
//! refused by webauthn-rs.
//!
//! # Second factor (for the MFA step)
//!
//! ```text
//! // POST (CSRF header) from the MFA page: options for navigator.credentials.get
//! let (options, cookie) = webauthn::start_authentication(&state, &user_id).await?;
//! // respond with JSON `options` and set `cookie`
//!
//! // POST of the form (csrf_token, credential) filled by static/js/webauthn.js:
//! let ok = webauthn::finish_authentication(&state, &req, &user_id, &form.credential).await?;
//! // add webauthn::clear_cookie() to the response
//! ```
//!
//! The MFA page reuses `static/js/webauthn.js`: a `<form data-webauthn="authenticate"
//! data-start="/path/of/start">` with hidden `csrf_token` and `credential`
//! inputs (see docs/mfa-passkeys.md). [`has_passkeys`] / [`count`] tell whether
//! a user has the factor.

use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::{HttpMessage, HttpRequest};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::config::Config;
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::UserId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::passkeys::{self, PasskeyRow};
use crate::store::users::User;
use crate::store::webauthn_challenges::{self, Challenge};
use crate::store::{naive, utc, write_tx};
use crate::web::RequestContext;

mod assertion;
mod ceremony;
mod register;

pub use assertion::*;
pub use ceremony::clear_cookie;
use ceremony::{Purpose, begin, consume};
pub use register::*;

/// Cookie binding a ceremony to the browser.
pub const COOKIE: &str = "__Host-ostiary_webauthn";
/// Lifetime of a ceremony.
pub const CEREMONY_SECS: i64 = 300;
/// Longest passkey name kept.
pub const MAX_NAME_CHARS: usize = 64;
/// Largest credential JSON accepted from a browser.
pub(super) const MAX_CREDENTIAL_BYTES: usize = 12 * 1024;

/// Build the relying party from the issuer, once at startup. `None` (with a
/// warning) when the issuer cannot be a WebAuthn RP (e.g. an IP address).
pub fn build(config: &Config) -> Option<Arc<Webauthn>> {
    let origin = match Url::parse(config.public_base()) {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(error = %e, "issuer is not a URL: passkeys are disabled");
            return None;
        }
    };
    let Some(rp_id) = origin.domain().map(str::to_owned) else {
        tracing::warn!("the issuer's host is not a domain name: passkeys are disabled");
        return None;
    };
    // Only the origin (scheme, host, port) takes part in WebAuthn.
    let Ok(rp_origin) = Url::parse(&origin.origin().ascii_serialization()) else {
        return None;
    };
    match WebauthnBuilder::new(&rp_id, &rp_origin).and_then(|b| {
        b.rp_name("Ostiary")
            .timeout(std::time::Duration::from_secs(CEREMONY_SECS as u64))
            .build()
    }) {
        Ok(w) => Some(Arc::new(w)),
        Err(e) => {
            tracing::warn!(error = %e, "WebAuthn relying party not usable: passkeys are disabled");
            None
        }
    }
}

pub(super) fn relying_party(state: &AppState) -> Result<&Webauthn, AppError> {
    state
        .webauthn
        .as_deref()
        .ok_or_else(|| AppError::Conflict("Passkeys are not available on this server.".into()))
}

pub(super) fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

/// Base64url (no padding) of a credential id, as stored.
pub fn credential_id_text(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

pub(super) fn parse_passkey(row: &PasskeyRow) -> Result<Passkey, AppError> {
    serde_json::from_str(&row.passkey).map_err(|e| internal("stored passkey unreadable", e))
}

fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    if json.len() > MAX_CREDENTIAL_BYTES {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// The anonymous actor of a request (for audit records made here).
pub(super) fn request_actor(req: &HttpRequest) -> Actor {
    req.extensions()
        .get::<RequestContext>()
        .map(RequestContext::actor)
        .unwrap_or_else(|| Actor::system("webauthn"))
}

/// The user's passkeys (for the account page), oldest first.
pub async fn list(state: &AppState, user_id: &UserId) -> Result<Vec<PasskeyRow>, AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| passkeys::list_for_user(conn, &user_id))
        .await
}

/// How many passkeys the user has.
pub async fn count(state: &AppState, user_id: &UserId) -> Result<i64, AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| passkeys::count_for_user(conn, &user_id))
        .await
}

/// Whether the user has at least one passkey (can use it as second factor).
pub async fn has_passkeys(state: &AppState, user_id: &UserId) -> Result<bool, AppError> {
    Ok(count(state, user_id).await? > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned() {
        assert_eq!(clean_name("  Laptop\u{7}  "), "Laptop");
        assert_eq!(clean_name(""), "Passkey");
        assert_eq!(clean_name(&"x".repeat(100)).chars().count(), MAX_NAME_CHARS);
    }

    #[test]
    fn registration_asks_for_a_resident_key() {
        let mut options = serde_json::json!({
            "publicKey": { "authenticatorSelection": {
                "residentKey": "discouraged", "requireResidentKey": false,
                "userVerification": "required" } }
        });
        require_resident_key(&mut options);
        let sel = &options["publicKey"]["authenticatorSelection"];
        assert_eq!(sel["residentKey"], "required");
        assert_eq!(sel["requireResidentKey"], true);
        assert_eq!(sel["userVerification"], "required");
    }

    #[test]
    fn relying_party_follows_the_issuer() {
        let mut config = Config {
            issuer: "https://id.example.com/ostiary/".into(),
            ..Config::default()
        };
        let rp = build(&config).expect("domain issuer");
        let origins: Vec<String> = rp
            .get_allowed_origins()
            .iter()
            .map(|u| u.origin().ascii_serialization())
            .collect();
        assert_eq!(origins, ["https://id.example.com"]);
        config.issuer = "http://127.0.0.1:8080".into();
        assert!(build(&config).is_none());
    }
}
