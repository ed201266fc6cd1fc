//! The device flow's requests: [`begin`] stores a new one (RFC 8628 §3.2);
//! approving it (§3.3) for a signed-in user means: find a pending
//! request by its typed user code — wrong codes count against
//! `device:<ip>` in the shared throttle, checked and counted in one
//! serialized transaction so codes cannot be guessed at speed (RFC 8628
//! §5.1, SR-84) — say whether a client rule wants MFA first, and record
//! the answer. The pages are `flow::device`.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::{acr, policy};
use crate::auth::throttle::{self, Kind};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::ClientId;
use crate::error::AppError;
use crate::oidc::scope;
use crate::oidc::user_code::{new_user_code, normalize_user_code};
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::device_codes::{self, Approval, DeviceCode, PENDING};
use crate::store::sessions::AuthSession;
use crate::store::throttle as counters;
use crate::store::{naive, utc, write_tx};

/// Message key: no pending request has this code.
pub const NOT_FOUND: &str = "device.not_found";
/// Message key: too many wrong codes from this address.
pub const TOO_MANY: &str = "device.too_many";

/// A stored request: the device code (given to the client once, stored
/// hashed) and the user code (normalized, without the dash).
#[derive(Debug)]
pub struct Begun {
    pub device_code: String,
    pub user_code: String,
}

/// Store a pending request of `client_id` for `scopes`, valid
/// `device_code_ttl_secs`; `None` when five random user codes all collided
/// with live ones (the store is full, not an input error).
pub async fn begin(
    state: &AppState,
    client_id: &ClientId,
    scopes: &[String],
) -> Result<Option<Begun>, AppError> {
    let now = state.now();
    let ttl = state.config.oidc.device_code_ttl_secs;
    let device_code = random_token();
    let mut row = DeviceCode {
        device_code_hash: sha256_hex(device_code.as_bytes()),
        user_code: String::new(),
        client_id: client_id.clone(),
        scope: scope::join(scopes),
        created_at: naive(now),
        expires_at: naive(now + chrono::Duration::seconds(ttl)),
        poll_interval_secs: state.config.oidc.device_poll_interval_secs,
        last_polled_at: None,
        status: PENDING.to_owned(),
        user_id: None,
        session_id: None,
        auth_time: None,
        amr: None,
    };
    for _ in 0..5 {
        row.user_code = new_user_code();
        let candidate = row.clone();
        if state
            .db
            .run(move |conn| device_codes::insert(conn, &candidate))
            .await?
        {
            return Ok(Some(Begun {
                device_code,
                user_code: row.user_code,
            }));
        }
    }
    Ok(None)
}

/// A pending, unexpired request for a typed code, counting a miss against
/// the caller's address; `Err` message key when throttled or not found.
pub async fn lookup(
    state: &AppState,
    ip: &str,
    typed: &str,
) -> Result<Result<DeviceCode, &'static str>, AppError> {
    let key = format!("device:{ip}");
    let now = state.now();
    let cfg = state.config.throttle.clone();
    let code = normalize_user_code(typed);
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if throttle::is_blocked(counters::get(conn, &key)?.as_ref(), now) {
                    return Ok(Err(TOO_MANY));
                }
                let found = match &code {
                    Some(c) => device_codes::find_by_user_code(conn, c)?
                        .filter(|r| r.status == PENDING && utc(r.expires_at) > now),
                    None => None,
                };
                if let Some(row) = found {
                    return Ok(Ok(row));
                }
                let (row, _) =
                    throttle::after_failure(counters::get(conn, &key)?, &key, Kind::Ip, now, &cfg);
                counters::put(conn, &row)?;
                Ok(Err(NOT_FOUND))
            })
        })
        .await
}

/// The client asking for the code.
pub async fn client(state: &AppState, row: &DeviceCode) -> Result<Client, AppError> {
    let client = state
        .clients
        .get(&state.db, &row.client_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((*client).clone())
}

/// Whether a client rule requires MFA that `session` lacks (S5).
pub async fn needs_step_up(
    state: &AppState,
    session: &AuthSession,
    row: &DeviceCode,
) -> Result<bool, AppError> {
    if acr::is_multi_factor(&session.amr) {
        return Ok(false);
    }
    policy::required_for_client_cached(state, &session.user_id, &row.client_id).await
}

/// Allow (bound to `session`) or deny the request, audited; `false` when it
/// was no longer pending.
pub async fn decide(
    state: &AppState,
    actor: Actor,
    session: &AuthSession,
    row: DeviceCode,
    allow: bool,
) -> Result<bool, AppError> {
    let now = state.now();
    let session = session.clone();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let changed = if allow {
                    device_codes::approve(
                        conn,
                        &row.user_code,
                        &Approval {
                            user_id: &session.user_id,
                            session_id: &session.id,
                            auth_time: session.auth_time,
                            amr: &session.amr,
                        },
                    )?
                } else {
                    device_codes::deny(conn, &row.user_code)?
                };
                if changed {
                    let action = if allow {
                        Action::DeviceCodeApproved
                    } else {
                        Action::ConsentDenied
                    };
                    audit::record(
                        conn,
                        &actor,
                        Event::new(action, Outcome::Success)
                            .target("client", row.client_id.as_str())
                            .details(serde_json::json!({ "scope": row.scope, "flow": "device" })),
                        now,
                    )?;
                }
                Ok(changed)
            })
        })
        .await
}
