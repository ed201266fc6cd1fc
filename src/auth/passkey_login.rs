//! Passwordless sign-in with a passkey (S5): a discoverable WebAuthn
//! assertion with user verification identifies and authenticates the user,
//! then [`first_factor::complete`] runs like for any first factor.
//!
//! `amr` is `["swk", "user", "mfa"]` (RFC 8176): proof of possession of a key
//! (`swk`: synced passkeys are not bound to hardware and no attestation is
//! checked), plus the user verification the authenticator performed
//! (`user`), which together make a multi-factor authentication (`mfa`), as
//! NIST SP 800-63B treats a verified multi-factor cryptographic
//! authenticator.
//!
//! Every failure (throttled address, no/expired/reused ceremony, malformed or
//! unknown credential, bad signature, no user verification, locked account)
//! looks the same to the client (SR-85), is audited as `login.failure` with
//! `method: passkey`, and counts against the client address (SR-84).

use actix_web::HttpRequest;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::first_factor;
use crate::auth::sign_in::{FirstFactor, Method, Next};
use crate::auth::throttle::{self, Kind};
use crate::auth::webauthn;
use crate::domain::SessionId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{throttle as counters, users, write_tx};

/// The `amr` of a passwordless passkey sign-in.
pub const AMR: [&str; 3] = ["swk", "user", "mfa"];

/// What the caller tells the browser.
#[derive(Debug)]
pub enum PasskeyOutcome {
    /// Verified: what comes next (session or further step).
    Success(Next),
    /// Any failure.
    Failed,
}

/// Attempt a passwordless sign-in with the credential JSON posted by the
/// login page. `replaces` is the browser's previous session id (SR-60).
pub async fn attempt(
    state: &AppState,
    req: &HttpRequest,
    actor: Actor,
    credential_json: &str,
    replaces: Option<SessionId>,
) -> Result<PasskeyOutcome, AppError> {
    let now = state.now();
    let ip_key = throttle::ip_key(actor.ip.as_deref().unwrap_or_default());
    let blocked = {
        let ip_key = ip_key.clone();
        state
            .db
            .run(move |conn| {
                Ok(throttle::is_blocked(
                    counters::get(conn, &ip_key)?.as_ref(),
                    now,
                ))
            })
            .await?
    };
    // The ceremony is used up even when the address is throttled.
    let verified = webauthn::finish_discoverable(state, req, credential_json).await?;
    let (reason, user_id) = match verified {
        _ if blocked => (Some("throttled"), None),
        Err(reason) => (Some(reason), None),
        Ok(v) => {
            let user_id = v.row.user_id.clone();
            let lookup = user_id.clone();
            let user = state.db.run(move |conn| users::find(conn, &lookup)).await?;
            match user {
                None => (Some("unknown_user"), Some(user_id)),
                Some(u) if u.locked => (Some("account_locked"), Some(user_id)),
                Some(_) => {
                    webauthn::record_use(state, actor.as_user(&user_id, None), v).await?;
                    let first = FirstFactor {
                        user_id,
                        method: Method::Passkey,
                        amr: AMR.iter().map(|s| (*s).to_owned()).collect(),
                        clear_throttle: vec![],
                    };
                    return Ok(PasskeyOutcome::Success(
                        first_factor::complete(state, actor, first, replaces).await?,
                    ));
                }
            }
        }
    };
    let reason = reason.unwrap_or("verification_failed");
    let cfg = state.config.throttle.clone();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let mut event = Event::new(Action::LoginFailed, Outcome::Failure)
                    .details(serde_json::json!({ "method": "passkey", "reason": reason }));
                if let Some(id) = &user_id {
                    event = event.target("user", id.as_str());
                }
                audit::record(conn, &actor, event, now)?;
                if reason == "throttled" {
                    return Ok(());
                }
                let (row, locked) =
                    throttle::after_failure(counters::get(conn, &ip_key)?, &ip_key, Kind::Ip, now, &cfg);
                counters::put(conn, &row)?;
                if locked {
                    audit::record(
                        conn,
                        &actor,
                        Event::new(Action::LoginLocked, Outcome::Failure).details(serde_json::json!({
                            "key": ip_key, "failures": row.failures, "locked_until": row.locked_until,
                        })),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await?;
    let outcome = if reason == "throttled" {
        "throttled"
    } else {
        "failure"
    };
    metrics::counter!("ostiary_logins_total", "method" => "passkey", "outcome" => outcome)
        .increment(1);
    Ok(PasskeyOutcome::Failed)
}
