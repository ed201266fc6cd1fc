//! OIDC Back-Channel Logout 1.0 (S3, SR-142): delivery. Ending sessions
//! ([`crate::store::logout`]) lists the clients to notify and queues the
//! notices after commit; [`deliver_queued`] POSTs each a signed `logout+jwt`
//! from its own task: connect timeout 2 s, total 5 s, no redirects,
//! 3 attempts; a final failure is audited. The URIs were registered by an
//! admin, so loopback targets are allowed (S3).

use std::time::Duration as StdDuration;

use chrono::Duration;
use serde_json::{Map, json};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::logout::{LogoutReceiver, Notice};
use crate::store::write_tx;

/// JOSE `typ` of logout tokens.
pub const LOGOUT_TOKEN_TYP: &str = "logout+jwt";
/// Pause before each retry.
const RETRY_DELAYS: [StdDuration; 2] = [StdDuration::from_millis(500), StdDuration::from_secs(2)];

/// The signed logout token (BCL §2.4): no `nonce`, short `exp`; `sub` is
/// the one the client sees ([`crate::oidc::subject::for_client`]).
pub fn logout_token(state: &AppState, n: &Notice, sub: &str) -> Result<String, AppError> {
    let now = state.now();
    let mut claims = Map::new();
    claims.insert("iss".into(), json!(state.config.public_base()));
    claims.insert("aud".into(), json!(n.client_id));
    claims.insert("iat".into(), json!(now.timestamp()));
    claims.insert(
        "exp".into(),
        json!((now + Duration::minutes(2)).timestamp()),
    );
    claims.insert("jti".into(), json!(uuid::Uuid::new_v4().to_string()));
    claims.insert("sub".into(), json!(sub));
    claims.insert("sid".into(), json!(n.sid));
    claims.insert(
        "events".into(),
        json!({ "http://schemas.openid.net/event/backchannel-logout": {} }),
    );
    state.keys.snapshot().sign(n.alg, LOGOUT_TOKEN_TYP, claims)
}

/// Deliver what [`crate::store::logout::LogoutQueue`] receives, each
/// notice from its own task, until every sender is gone.
pub async fn deliver_queued(state: AppState, mut queue: LogoutReceiver) {
    let http = match reqwest::Client::builder()
        .connect_timeout(StdDuration::from_secs(2))
        .timeout(StdDuration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
    {
        Ok(http) => http,
        Err(e) => {
            tracing::error!(error = %e, "cannot build the back-channel logout client");
            return;
        }
    };
    while let Some(notices) = queue.recv().await {
        for notice in notices {
            let (state, http) = (state.clone(), http.clone());
            tokio::spawn(async move {
                if let Err(reason) = deliver(&state, &http, &notice).await {
                    tracing::warn!(client_id = %notice.client_id, %reason, "back-channel logout failed");
                    if let Err(e) = record_failure(&state, &notice, &reason).await {
                        tracing::error!(error = %e, "cannot audit a back-channel logout failure");
                    }
                }
            });
        }
    }
}

async fn deliver(state: &AppState, http: &reqwest::Client, n: &Notice) -> Result<(), String> {
    let client = state
        .clients
        .get(&state.db, n.client_id.as_str())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "the client is gone".to_owned())?;
    let sub = crate::oidc::subject::for_client(state, &client, n.sub.as_str());
    let token = logout_token(state, n, &sub).map_err(|e| e.to_string())?;
    let mut last = String::new();
    for attempt in 0..=RETRY_DELAYS.len() {
        if let Some(delay) = attempt.checked_sub(1).and_then(|i| RETRY_DELAYS.get(i)) {
            tokio::time::sleep(*delay).await;
        }
        match http
            .post(&n.uri)
            .form(&[("logout_token", token.as_str())])
            .send()
            .await
        {
            Ok(res) if res.status().is_success() => return Ok(()),
            Ok(res) => last = format!("HTTP {}", res.status().as_u16()),
            Err(e) => {
                last = if e.is_timeout() {
                    "timeout".into()
                } else if e.is_connect() {
                    "connection failed".into()
                } else {
                    "request failed".into()
                }
            }
        }
    }
    Err(last)
}

async fn record_failure(state: &AppState, n: &Notice, reason: &str) -> Result<(), AppError> {
    let now = state.now();
    let (client_id, sid, reason) = (n.client_id.clone(), n.sid.clone(), reason.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                audit::record(
                    conn,
                    &Actor::system("backchannel"),
                    Event::new(Action::BackchannelLogoutFailed, Outcome::Failure)
                        .target("client", client_id.as_str())
                        .details(json!({ "sid": sid, "reason": reason, "attempts": 3 })),
                    now,
                )
            })
        })
        .await
}
