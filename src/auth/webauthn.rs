//! WebAuthn passkeys (S5, SR-94) on top of webauthn-rs: registration,
//! authentication of a known user (second factor) and discoverable
//! authentication (passwordless first factor, see
//! [`crate::auth::passkey_login`]).
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
use crate::error::AppError;
use crate::state::AppState;
use crate::store::passkeys::{self, PasskeyRow};
use crate::store::users::User;
use crate::store::webauthn_challenges::{self, Challenge};
use crate::store::{naive, utc, write_tx};
use crate::web::RequestContext;

/// Cookie binding a ceremony to the browser.
pub const COOKIE: &str = "__Host-ostiary_webauthn";
/// Lifetime of a ceremony.
pub const CEREMONY_SECS: i64 = 300;
/// Longest passkey name kept.
pub const MAX_NAME_CHARS: usize = 64;
/// Largest credential JSON accepted from a browser.
const MAX_CREDENTIAL_BYTES: usize = 12 * 1024;

/// What a ceremony is for (`webauthn_challenges.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    Register,
    Authenticate,
    Discoverable,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Authenticate => "authenticate",
            Self::Discoverable => "discoverable",
        }
    }
}

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

fn relying_party(state: &AppState) -> Result<&Webauthn, AppError> {
    state
        .webauthn
        .as_deref()
        .ok_or_else(|| AppError::Conflict("Passkeys are not available on this server.".into()))
}

fn internal(what: &str, e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("{what}: {e}"))
}

/// The cookie binding a ceremony started in this response.
fn binding_cookie(value: String) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(CEREMONY_SECS))
        .finish()
}

/// A cookie removing the ceremony binding (send it after a ceremony ends).
pub fn clear_cookie() -> Cookie<'static> {
    let mut c = binding_cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Base64url (no padding) of a credential id, as stored.
pub fn credential_id_text(raw: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(raw)
}

/// Store a ceremony's state; returns the cookie binding it.
async fn begin(
    state: &AppState,
    purpose: Purpose,
    user_id: Option<String>,
    ceremony: String,
) -> Result<Cookie<'static>, AppError> {
    let now = state.now();
    let token = random_token();
    let row = Challenge {
        id: Uuid::new_v4().to_string(),
        binding_hash: sha256_hex(token.as_bytes()),
        user_id,
        purpose: purpose.as_str().to_owned(),
        state: ceremony,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(CEREMONY_SECS)),
    };
    state
        .db
        .run(move |conn| {
            webauthn_challenges::delete_expired(conn, naive(now))?;
            webauthn_challenges::insert(conn, &row)
        })
        .await?;
    Ok(binding_cookie(token))
}

/// Take (delete) the ceremony bound to this browser; its state if it is
/// unexpired, of `purpose` and for `user_id`.
async fn consume(
    state: &AppState,
    req: &HttpRequest,
    purpose: Purpose,
    user_id: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = sha256_hex(token.as_bytes());
    let Some(row) = state
        .db
        .run(move |conn| webauthn_challenges::take(conn, &hash))
        .await?
    else {
        return Ok(None);
    };
    let fits = row.purpose == purpose.as_str()
        && row.user_id.as_deref() == user_id
        && utc(row.expires_at) > state.now();
    Ok(fits.then_some(row.state))
}

fn parse_passkey(row: &PasskeyRow) -> Result<Passkey, AppError> {
    serde_json::from_str(&row.passkey).map_err(|e| internal("stored passkey unreadable", e))
}

fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Option<T> {
    if json.len() > MAX_CREDENTIAL_BYTES {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// The anonymous actor of a request (for audit records made here).
fn request_actor(req: &HttpRequest) -> Actor {
    req.extensions()
        .get::<RequestContext>()
        .map(RequestContext::actor)
        .unwrap_or_else(|| Actor::system("webauthn"))
}

/// The user's passkeys (for the account page), oldest first.
pub async fn list(state: &AppState, user_id: &str) -> Result<Vec<PasskeyRow>, AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| passkeys::list_for_user(conn, &user_id))
        .await
}

/// How many passkeys the user has.
pub async fn count(state: &AppState, user_id: &str) -> Result<i64, AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| passkeys::count_for_user(conn, &user_id))
        .await
}

/// Whether the user has at least one passkey (can use it as second factor).
pub async fn has_passkeys(state: &AppState, user_id: &str) -> Result<bool, AppError> {
    Ok(count(state, user_id).await? > 0)
}

/// Ask for a resident (discoverable) credential: webauthn-rs 0.6's
/// `start_passkey_registration` sends `residentKey: "discouraged"`, but a
/// passkey must also work as a passwordless first factor.
fn require_resident_key(options: &mut serde_json::Value) {
    if let Some(public_key) = options
        .get_mut("publicKey")
        .and_then(serde_json::Value::as_object_mut)
    {
        let selection = public_key
            .entry("authenticatorSelection")
            .or_insert_with(|| serde_json::json!({}));
        if let Some(selection) = selection.as_object_mut() {
            selection.insert("residentKey".into(), "required".into());
            selection.insert("requireResidentKey".into(), true.into());
            selection.insert("userVerification".into(), "required".into());
        }
    }
}

/// Start registering a passkey for `user` (the caller checked the session,
/// CSRF and a recent sign-in). Returns the options for
/// `navigator.credentials.create` and the binding cookie.
pub async fn start_registration(
    state: &AppState,
    user: &User,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let unique_id = Uuid::parse_str(&user.id).map_err(|e| internal("user id is not a UUID", e))?;
    let existing = list(state, &user.id).await?;
    let exclude = existing
        .iter()
        .map(|row| parse_passkey(row).map(|p| p.cred_id().clone()))
        .collect::<Result<Vec<_>, _>>()?;
    let display = if user.display_name.trim().is_empty() {
        user.email.as_str()
    } else {
        user.display_name.as_str()
    };
    let (options, registration) = rp
        .start_passkey_registration(
            unique_id,
            &user.email,
            display,
            (!exclude.is_empty()).then_some(exclude),
        )
        .map_err(|e| internal("passkey registration start", e))?;
    let mut options =
        serde_json::to_value(&options).map_err(|e| internal("registration options", e))?;
    require_resident_key(&mut options);
    let ceremony =
        serde_json::to_string(&registration).map_err(|e| internal("registration state", e))?;
    let cookie = begin(state, Purpose::Register, Some(user.id.clone()), ceremony).await?;
    Ok((options, cookie))
}

/// The message for any failed registration.
pub const REGISTRATION_FAILED: &str =
    "The passkey could not be registered. Start again from your passkeys page.";

/// A passkey name as stored: trimmed, no control characters, at most
/// [`MAX_NAME_CHARS`]; "Passkey" when empty.
pub fn clean_name(raw: &str) -> String {
    let name: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let name = name.trim().to_owned();
    if name.is_empty() {
        "Passkey".into()
    } else {
        name
    }
}

/// Finish a registration started by [`start_registration`] in this browser
/// for `user_id`; stores the passkey and audits `passkey.registered`.
/// Returns the new passkey's id. Any failure is a 400 with
/// [`REGISTRATION_FAILED`] and stores nothing; the ceremony is used up.
pub async fn finish_registration(
    state: &AppState,
    req: &HttpRequest,
    actor: Actor,
    user_id: &str,
    name: &str,
    credential_json: &str,
) -> Result<String, AppError> {
    let rp = relying_party(state)?;
    let failed = || AppError::BadRequest(REGISTRATION_FAILED.into());
    let Some(ceremony) = consume(state, req, Purpose::Register, Some(user_id)).await? else {
        return Err(failed());
    };
    let registration: PasskeyRegistration =
        serde_json::from_str(&ceremony).map_err(|e| internal("registration state", e))?;
    let Some(credential) = parse_json::<RegisterPublicKeyCredential>(credential_json) else {
        return Err(failed());
    };
    let passkey = rp
        .finish_passkey_registration(&credential, &registration)
        .map_err(|e| {
            tracing::info!(error = %e, "passkey registration refused");
            failed()
        })?;
    let now = state.now();
    let row = PasskeyRow {
        id: Uuid::new_v4().to_string(),
        user_id: user_id.to_owned(),
        credential_id: credential_id_text(passkey.cred_id()),
        name: clean_name(name),
        passkey: serde_json::to_string(&passkey).map_err(|e| internal("passkey", e))?,
        created_at: naive(now),
        last_used_at: None,
    };
    let id = row.id.clone();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if passkeys::find_by_credential_id(conn, &row.credential_id)?.is_some() {
                    return Err(AppError::Conflict(
                        "This passkey is already registered.".into(),
                    ));
                }
                passkeys::insert(conn, &row)?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyRegistered, Outcome::Success)
                        .target("user", row.user_id.as_str())
                        .details(serde_json::json!({
                            "passkey_id": row.id,
                            "name": row.name,
                        })),
                    now,
                )
            })
        })
        .await?;
    Ok(id)
}

/// Remove passkey `id` of `user_id` (the caller checked CSRF and a recent
/// sign-in); audits `passkey.removed`. `false` when the user has no such
/// passkey.
pub async fn remove(
    state: &AppState,
    actor: Actor,
    user_id: &str,
    id: &str,
) -> Result<bool, AppError> {
    let now = state.now();
    let (user_id, id) = (user_id.to_owned(), id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = passkeys::delete_for_user(conn, &id, &user_id)? else {
                    return Ok(false);
                };
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyRemoved, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "passkey_id": row.id, "name": row.name })),
                    now,
                )?;
                Ok(true)
            })
        })
        .await
}

/// Start a second-factor authentication of `user_id` with any of their
/// passkeys. Returns the options for `navigator.credentials.get` (user
/// verification required) and the binding cookie; 409 when the user has no
/// passkey.
pub async fn start_authentication(
    state: &AppState,
    user_id: &str,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let creds = list(state, user_id)
        .await?
        .iter()
        .map(parse_passkey)
        .collect::<Result<Vec<_>, _>>()?;
    if creds.is_empty() {
        return Err(AppError::Conflict(
            "No passkey is registered for this account.".into(),
        ));
    }
    let (options, authentication) = rp
        .start_passkey_authentication(&creds)
        .map_err(|e| internal("passkey authentication start", e))?;
    let options =
        serde_json::to_value(&options).map_err(|e| internal("authentication options", e))?;
    let ceremony =
        serde_json::to_string(&authentication).map_err(|e| internal("authentication state", e))?;
    let cookie = begin(
        state,
        Purpose::Authenticate,
        Some(user_id.to_owned()),
        ceremony,
    )
    .await?;
    Ok((options, cookie))
}

/// Finish a second-factor authentication started by [`start_authentication`]
/// for `user_id` in this browser. `Ok(true)`: a passkey of that user signed
/// the challenge with user verification; its counter/backup state and
/// `last_used_at` are updated and `passkey.verified` audited. `Ok(false)`: any
/// failure (no/expired/reused ceremony, malformed credential, someone else's
/// passkey, bad signature), audited as `passkey.rejected`. The ceremony is
/// used up either way. Does not touch throttle counters (the MFA step does).
pub async fn finish_authentication(
    state: &AppState,
    req: &HttpRequest,
    user_id: &str,
    credential_json: &str,
) -> Result<bool, AppError> {
    let actor = request_actor(req).as_user(user_id, None);
    match verify_known_user(state, req, user_id, credential_json).await? {
        Ok(row) => {
            record_use(state, actor, row).await?;
            Ok(true)
        }
        Err(reason) => {
            let now = state.now();
            let user_id = user_id.to_owned();
            state
                .db
                .run(move |conn| {
                    write_tx(conn, |conn| {
                        audit::record(
                            conn,
                            &actor,
                            Event::new(Action::PasskeyRejected, Outcome::Failure)
                                .target("user", user_id.as_str())
                                .details(serde_json::json!({ "reason": reason })),
                            now,
                        )
                    })
                })
                .await?;
            Ok(false)
        }
    }
}

/// A verified assertion: the passkey row with its updated credential.
#[derive(Debug)]
pub struct Verified {
    pub row: PasskeyRow,
    /// The updated `Passkey` JSON when counter/backup state changed.
    pub updated: Option<String>,
}

async fn verify_known_user(
    state: &AppState,
    req: &HttpRequest,
    user_id: &str,
    credential_json: &str,
) -> Result<Result<Verified, &'static str>, AppError> {
    let rp = relying_party(state)?;
    let Some(ceremony) = consume(state, req, Purpose::Authenticate, Some(user_id)).await? else {
        return Ok(Err("no_ceremony"));
    };
    let authentication: PasskeyAuthentication =
        serde_json::from_str(&ceremony).map_err(|e| internal("authentication state", e))?;
    let Some(credential) = parse_json::<PublicKeyCredential>(credential_json) else {
        return Ok(Err("malformed"));
    };
    let Some(row) = find_credential(state, credential.get_credential_id()).await? else {
        return Ok(Err("unknown_credential"));
    };
    if row.user_id != user_id {
        return Ok(Err("unknown_credential"));
    }
    let mut passkey = parse_passkey(&row)?;
    let result = match rp.finish_passkey_authentication(&credential, &authentication) {
        Ok(r) if r.user_verified() && r.cred_id() == passkey.cred_id() => r,
        Ok(_) => return Ok(Err("verification_failed")),
        Err(e) => {
            tracing::info!(error = %e, "passkey assertion refused");
            return Ok(Err("verification_failed"));
        }
    };
    Ok(Ok(updated(row, &mut passkey, &result)?))
}

fn updated(
    row: PasskeyRow,
    passkey: &mut Passkey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<Verified, AppError> {
    let updated = match passkey.update_credential(result) {
        Some(true) => Some(serde_json::to_string(passkey).map_err(|e| internal("passkey", e))?),
        _ => None,
    };
    Ok(Verified { row, updated })
}

async fn find_credential(state: &AppState, raw_id: &[u8]) -> Result<Option<PasskeyRow>, AppError> {
    let id = credential_id_text(raw_id);
    state
        .db
        .run(move |conn| passkeys::find_by_credential_id(conn, &id))
        .await
}

/// Store the updated credential and `last_used_at`; audit `passkey.verified`.
pub async fn record_use(
    state: &AppState,
    actor: Actor,
    verified: Verified,
) -> Result<(), AppError> {
    let now = state.now();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                passkeys::record_use(
                    conn,
                    &verified.row.id,
                    verified.updated.as_deref(),
                    naive(now),
                )?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::PasskeyVerified, Outcome::Success)
                        .target("user", verified.row.user_id.as_str())
                        .details(serde_json::json!({
                            "passkey_id": verified.row.id,
                            "name": verified.row.name,
                        })),
                    now,
                )
            })
        })
        .await
}

/// Start a passwordless (discoverable) authentication: options for
/// `navigator.credentials.get` naming no user or credential (identical for
/// everyone, SR-85), user verification required, and the binding cookie.
pub async fn start_discoverable(
    state: &AppState,
) -> Result<(serde_json::Value, Cookie<'static>), AppError> {
    let rp = relying_party(state)?;
    let (mut options, authentication) = rp
        .start_discoverable_authentication()
        .map_err(|e| internal("discoverable authentication start", e))?;
    // A button starts the ceremony: a modal request, not conditional UI.
    options.mediation = None;
    let options =
        serde_json::to_value(&options).map_err(|e| internal("authentication options", e))?;
    let ceremony =
        serde_json::to_string(&authentication).map_err(|e| internal("authentication state", e))?;
    let cookie = begin(state, Purpose::Discoverable, None, ceremony).await?;
    Ok((options, cookie))
}

/// Finish a passwordless authentication started by [`start_discoverable`] in
/// this browser: the user is the owner of the stored credential named by the
/// assertion, whose user handle must match; user verification required.
/// `Err(reason)` (for the audit record only) on any failure. Does not check
/// whether the user is locked, and records nothing: see
/// [`crate::auth::passkey_login`].
pub async fn finish_discoverable(
    state: &AppState,
    req: &HttpRequest,
    credential_json: &str,
) -> Result<Result<Verified, &'static str>, AppError> {
    let rp = relying_party(state)?;
    let Some(ceremony) = consume(state, req, Purpose::Discoverable, None).await? else {
        return Ok(Err("no_ceremony"));
    };
    let authentication: DiscoverableAuthentication =
        serde_json::from_str(&ceremony).map_err(|e| internal("authentication state", e))?;
    let Some(credential) = parse_json::<PublicKeyCredential>(credential_json) else {
        return Ok(Err("malformed"));
    };
    let Ok((user_handle, raw_id)) = rp.identify_discoverable_authentication(&credential) else {
        return Ok(Err("no_user_handle"));
    };
    let Some(row) = find_credential(state, raw_id).await? else {
        return Ok(Err("unknown_credential"));
    };
    if Uuid::parse_str(&row.user_id).ok() != Some(user_handle) {
        return Ok(Err("user_handle_mismatch"));
    }
    let mut passkey = parse_passkey(&row)?;
    let result =
        match rp.finish_discoverable_authentication_v2(&credential, authentication, &passkey) {
            Ok(r) if r.user_verified() => r,
            Ok(_) => return Ok(Err("verification_failed")),
            Err(e) => {
                tracing::info!(error = %e, "passkey assertion refused");
                return Ok(Err("verification_failed"));
            }
        };
    Ok(Ok(updated(row, &mut passkey, &result)?))
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
