//! Sign-ins in flight at an upstream (SR-110): remembered when the browser
//! is sent there — the hash of the `state`, the `nonce`, the PKCE verifier
//! sealed, what the sign-in is for — and taken exactly once by the
//! callback, only by the browser holding the cookie that binds it.

use chrono::Duration as ChronoDuration;

use crate::crypto::token::{constant_time_eq, random_token, sha256_hex};
use crate::error::AppError;
use crate::federation::upstream::{Callback, Intent, Opened, UpstreamError, provider};
use crate::state::AppState;
use crate::store::federation_logins::{self, FederationLogin};
use crate::store::{naive, write_tx};

/// How long a sign-in may stay at the upstream.
const PENDING_MINUTES: i64 = 10;
/// How many sign-ins one address may have in flight: generous for many
/// people behind one address, a bound on the rows (and upstream calls) a
/// client can cause.
pub const IN_FLIGHT_PER_IP: i64 = 60;

/// Store a pending sign-in for [`PENDING_MINUTES`]; returns the token of
/// the cookie that binds it to this browser.
pub async fn remember(
    state: &AppState,
    provider_id: &str,
    state_token: &str,
    nonce: String,
    pkce_verifier: &str,
    intent: Intent,
) -> Result<String, UpstreamError> {
    let browser_token = random_token();
    let now = state.now();
    let pending = FederationLogin {
        state_hash: sha256_hex(state_token.as_bytes()),
        provider_id: provider_id.to_owned(),
        browser_hash: sha256_hex(browser_token.as_bytes()),
        nonce,
        pkce_verifier: state.envelope.encrypt(
            pkce_verifier.as_bytes(),
            crate::store::sealed::FEDERATION_PKCE_CONTEXT,
        )?,
        return_to: intent.return_to,
        created_at: naive(now),
        expires_at: naive(now + ChronoDuration::minutes(PENDING_MINUTES)),
        link_user_id: intent.link_user_id,
        ip: intent.ip,
    };
    let since = naive(now - ChronoDuration::minutes(PENDING_MINUTES));
    // Counted and inserted in one write transaction (serialized), so
    // parallel starts cannot all pass the count.
    let admitted = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if let Some(ip) = &pending.ip
                    && federation_logins::count_for_ip(conn, ip, since)? >= IN_FLIGHT_PER_IP
                {
                    return Ok(false);
                }
                federation_logins::insert(conn, &pending)?;
                Ok(true)
            })
        })
        .await?;
    if !admitted {
        return Err(UpstreamError::Busy);
    }
    Ok(browser_token)
}

/// Take the pending sign-in a callback's `state` names — used up whatever
/// happens next — provided it is this provider's and this browser's; with
/// its PKCE verifier opened.
pub async fn take(
    state: &AppState,
    provider_id: &str,
    browser_token: Option<&str>,
    callback: &Callback,
) -> Result<(FederationLogin, String), UpstreamError> {
    let state_param = callback.state.clone().ok_or(UpstreamError::StateInvalid)?;
    let (hash, now) = (sha256_hex(state_param.as_bytes()), state.now());
    let pending = state
        .db
        .run(move |conn| federation_logins::take(conn, &hash, naive(now)))
        .await?
        .ok_or(UpstreamError::StateInvalid)?;
    let same_browser = browser_token.is_some_and(|t| {
        constant_time_eq(
            sha256_hex(t.as_bytes()).as_bytes(),
            pending.browser_hash.as_bytes(),
        )
    });
    if pending.provider_id != provider_id || !same_browser {
        return Err(UpstreamError::StateInvalid);
    }
    let verifier = state.envelope.decrypt(
        &pending.pkce_verifier,
        crate::store::sealed::FEDERATION_PKCE_CONTEXT,
    )?;
    let verifier = String::from_utf8(verifier.to_vec())
        .map_err(|_| AppError::Internal("pkce verifier is not text".into()))?;
    Ok((pending, verifier))
}

/// The rest of a callback's opening, once its pending sign-in is taken:
/// the provider must still be enabled, an upstream `error` is a refusal,
/// and a code must be there.
pub async fn open(
    state: &AppState,
    pending: FederationLogin,
    verifier: String,
    callback: Callback,
) -> Result<Opened, UpstreamError> {
    let (row, kind, settings) = provider(state, &pending.provider_id).await?;
    if !(row.enabled && kind.uses_callback()) {
        return Err(UpstreamError::Unavailable);
    }
    if let Some(error) = callback.error {
        return Err(UpstreamError::Denied(error.chars().take(100).collect()));
    }
    let code = callback
        .code
        .ok_or_else(|| UpstreamError::Rejected("no code".into()))?;
    Ok(Opened {
        pending,
        verifier,
        row,
        settings,
        code,
        iss: callback.iss,
    })
}
