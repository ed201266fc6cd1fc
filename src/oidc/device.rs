//! `POST /device_authorization` (RFC 8628 §3.1–3.2): a client-authenticated
//! request (public clients use `none`) for a device code (256-bit, stored
//! hashed) and a short user code the user types at `/device`. User codes
//! use 20 consonants (no vowels, no look-alikes), 8 characters ≈ 34.5 bits,
//! shown as `XXXX-XXXX` and stored without the dash.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde_json::json;

use crate::crypto::token::{random_bytes, random_token, sha256_hex};
use crate::oidc::error::OAuthError;
use crate::oidc::token::{endpoint, no_store_json};
use crate::oidc::{client_auth, grant, scope};
use crate::state::AppState;
use crate::store::device_codes::{self, DeviceCode, PENDING};
use crate::store::naive;

/// The user-code alphabet.
pub const ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
const USER_CODE_LEN: usize = 8;

/// A fresh random user code (normalized form, 8 letters).
pub fn new_user_code() -> String {
    let mut out = String::with_capacity(USER_CODE_LEN);
    while out.len() < USER_CODE_LEN {
        for b in random_bytes::<16>() {
            // 240 = 12 × 20: reject the tail so every letter is equally likely.
            if b < 240 && out.len() < USER_CODE_LEN {
                out.push(char::from(ALPHABET[usize::from(b % 20)]));
            }
        }
    }
    out
}

/// Normalize what a user typed: drop dashes and spaces, upper-case; `None`
/// unless it is exactly 8 letters of the alphabet.
pub fn normalize_user_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (code.len() == USER_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// `BCDF-GHJK` for display.
pub fn display_user_code(code: &str) -> String {
    match (code.get(..4), code.get(4..)) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        _ => code.to_owned(),
    }
}

/// `POST /device_authorization`
pub async fn post_device_authorization(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, OAuthError> {
    let form = client_auth::parse_form(&body)?;
    let client = client_auth::authenticate(
        &state,
        &req,
        &form,
        &[
            endpoint(&state, "/device_authorization"),
            endpoint(&state, "/token"),
        ],
    )
    .await?;
    if !client.allows_grant(grant::DEVICE_CODE) {
        return Err(OAuthError::unauthorized_client(
            "the client may not use the device flow",
        ));
    }
    let allowed = client.scopes();
    let scopes = match form.get("scope") {
        Some(s) => scope::parse(s)?,
        None => vec!["openid".to_owned()],
    };
    // SR-37: device grants validate scopes too.
    scope::check_allowed(&scopes, &allowed)?;
    let now = state.now();
    let ttl = state.config.oidc.device_code_ttl_secs;
    let interval = state.config.oidc.device_poll_interval_secs;
    let device_code = random_token();
    let mut row = DeviceCode {
        device_code_hash: sha256_hex(device_code.as_bytes()),
        user_code: String::new(),
        client_id: client.id.clone(),
        scope: scope::join(&scopes),
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(ttl)),
        poll_interval_secs: interval,
        last_polled_at: None,
        status: PENDING.to_owned(),
        user_id: None,
        session_id: None,
        auth_time: None,
        amr: None,
    };
    let mut stored = None;
    for _ in 0..5 {
        row.user_code = new_user_code();
        let candidate = row.clone();
        if state
            .db
            .run(move |conn| device_codes::insert(conn, &candidate))
            .await?
        {
            stored = Some(row.user_code.clone());
            break;
        }
    }
    let user_code = stored.ok_or_else(OAuthError::server_error)?;
    let shown = display_user_code(&user_code);
    let verification_uri = endpoint(&state, "/device");
    Ok(no_store_json(&json!({
        "device_code": device_code,
        "user_code": shown,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={shown}"),
        "expires_in": ttl,
        "interval": interval,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_codes_round_trip() {
        let code = new_user_code();
        assert_eq!(code.len(), 8);
        let shown = display_user_code(&code);
        assert_eq!(shown.len(), 9);
        assert_eq!(
            normalize_user_code(&shown.to_lowercase()).as_deref(),
            Some(code.as_str())
        );
        assert_eq!(normalize_user_code("BCDF-GHJ"), None);
        assert_eq!(normalize_user_code("BCDF-GHJA"), None);
    }
}
