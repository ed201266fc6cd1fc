//! DPoP, demonstrating proof of possession (RFC 9449). A client that sends
//! a `DPoP` proof to `/token` gets access tokens bound to the proof's key
//! (`cnf.jkt`, `token_type: DPoP`); `/userinfo` then wants the token under
//! the `DPoP` scheme with a fresh proof over it. Proofs are single use
//! across instances (the `replay` module), optionally carry a server
//! nonce (the `nonce` module), and are checked one by one in the `proof`
//! module. At the token endpoint and `/par` errors are 400
//! `invalid_dpop_proof` / `use_dpop_nonce`; at a resource they are 401 with
//! a `WWW-Authenticate: DPoP` challenge.

pub mod nonce;
pub mod proof;
pub mod replay;

use actix_web::HttpRequest;
use actix_web::http::StatusCode;
use chrono::Duration;

use crate::oidc::error::{ErrorCode, OAuthError};
use crate::state::AppState;
use crate::store::naive;

pub use proof::ALGS;

/// The request header carrying a proof.
pub const HEADER: &str = "dpop";
/// The response header carrying a server nonce (§8).
pub const NONCE_HEADER: &str = "DPoP-Nonce";

/// Who checks the proof: the authorization server (`/token`, `/par`:
/// errors are 400) or a protected resource (`/userinfo`: 401 with a
/// `DPoP` challenge, §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    AuthorizationServer,
    Resource,
}

/// A verified, first-seen proof.
#[derive(Debug, Clone)]
pub struct Proof {
    /// RFC 7638 thumbprint of the proof's key.
    pub jkt: String,
}

/// The `WWW-Authenticate` challenge of a resource for `error`.
pub fn challenge(error: Option<ErrorCode>, description: &str) -> String {
    let mut c = format!("DPoP algs=\"{}\"", ALGS.join(" "));
    if let Some(e) = error {
        c.push_str(&format!(
            ", error=\"{}\", error_description=\"{}\"",
            e.as_str(),
            description.replace(['"', '\\'], "'")
        ));
    }
    c
}

/// An error for `place`, with a fresh nonce when nonces are required.
pub fn error(
    state: &AppState,
    place: Place,
    code: ErrorCode,
    description: impl Into<String>,
) -> OAuthError {
    let description = description.into();
    let mut e = match place {
        Place::AuthorizationServer => OAuthError::new(code, description, StatusCode::BAD_REQUEST),
        Place::Resource => {
            let mut e = OAuthError::new(code, description.clone(), StatusCode::UNAUTHORIZED);
            e.challenge = Some(challenge(Some(code), &description));
            e
        }
    };
    e.dpop_nonce = fresh_nonce(state);
    e
}

/// The nonce to send with a response, when nonces are required.
pub fn fresh_nonce(state: &AppState) -> Option<String> {
    state
        .config
        .oidc
        .dpop_require_nonce
        .then(|| nonce::current(state, state.now()))
}

/// The request's `DPoP` header: none, or its one value (two are refused,
/// §4.3 check 1).
fn header(state: &AppState, req: &HttpRequest, place: Place) -> Result<Option<String>, OAuthError> {
    let mut values = req.headers().get_all(HEADER);
    let first = values.next();
    if values.next().is_some() {
        return Err(error(
            state,
            place,
            ErrorCode::InvalidDpopProof,
            "send one DPoP header",
        ));
    }
    match first {
        None => Ok(None),
        Some(v) => v.to_str().map(|s| Some(s.trim().to_owned())).map_err(|_| {
            error(
                state,
                place,
                ErrorCode::InvalidDpopProof,
                "the DPoP header is malformed",
            )
        }),
    }
}

/// Whether the request carries a `DPoP` header at all.
pub fn present(req: &HttpRequest) -> bool {
    req.headers().contains_key(HEADER)
}

/// Verify the request's DPoP proof for our endpoint `path`, if it sent
/// one: signature and claims (§4.3), the server nonce when required (§8),
/// then single use (§11.1). `access_token` is the token presented with it
/// at a resource (checked against `ath`).
pub async fn verify(
    state: &AppState,
    req: &HttpRequest,
    place: Place,
    path: &str,
    access_token: Option<&str>,
) -> Result<Option<Proof>, OAuthError> {
    let Some(value) = header(state, req, place)? else {
        return Ok(None);
    };
    let now = state.now();
    let max_age = state.config.oidc.dpop_proof_max_age_secs;
    let htu = format!("{}{path}", state.config.public_base());
    let checked = proof::check(
        &value,
        &proof::Expected {
            htm: req.method().as_str(),
            htu: &htu,
            access_token,
            now,
            max_age_secs: max_age,
        },
    )
    .map_err(|why| error(state, place, ErrorCode::InvalidDpopProof, why))?;
    if state.config.oidc.dpop_require_nonce
        && !checked
            .nonce
            .as_deref()
            .is_some_and(|n| nonce::accepts(state, n, now))
    {
        return Err(error(
            state,
            place,
            ErrorCode::UseDpopNonce,
            "the DPoP proof must carry the server's current nonce",
        ));
    }
    // Kept until the proof could no longer be accepted by its iat, with
    // room for clocks that differ between instances.
    let expires_at = naive(
        chrono::DateTime::from_timestamp(checked.iat, 0).unwrap_or(now)
            + Duration::seconds(max_age + 2 * proof::FUTURE_SKEW_SECS + 60),
    );
    let (jti, jkt) = (checked.jti.clone(), checked.jkt.clone());
    let fresh = state
        .db
        .run(move |conn| replay::remember(conn, &jti, &jkt, expires_at))
        .await?;
    if !fresh {
        tracing::warn!(
            request_id = %crate::request_id::current(),
            jkt = %checked.jkt,
            "DPoP proof replayed"
        );
        return Err(error(
            state,
            place,
            ErrorCode::InvalidDpopProof,
            "the DPoP proof was already used",
        ));
    }
    Ok(Some(Proof { jkt: checked.jkt }))
}
