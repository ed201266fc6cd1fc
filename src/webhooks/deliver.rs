//! Sending due deliveries: claim one with a 30 s lease, sign it, POST it
//! through the guarded outbound client (S3: https, no private targets
//! unless allowed, no redirects, 2 s connect / 5 s total), then mark it
//! delivered (2xx) or schedule a retry — 5 s doubling per attempt, capped
//! at 1 h, ±20 % jitter — until the 8th failure makes it `dead`. The HTTP
//! call happens outside any transaction; each attempt is not audited.

use chrono::{DateTime, Duration, Utc};
use openidconnect::http::{Method, Request, header};

use crate::crypto::token::random_bytes;
use crate::error::AppError;
use crate::federation::outbound::{Outbound, OutboundError};
use crate::state::AppState;
use crate::store::naive;
use crate::store::webhooks::{self as rows, Attempt, DEAD, DELIVERED, Delivery, PENDING};
use crate::webhooks::sign;

/// Attempts before a delivery is dead.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a sender holds a claimed delivery.
const LEASE_SECS: i64 = 30;
/// Deliveries claimed per pass.
const BATCH: i64 = 50;
/// Longest stored error text.
const MAX_ERROR: usize = 200;

/// The delay before retry number `attempts` + 1 without jitter: 5 s
/// doubling per failed attempt, at most 1 h.
pub fn base_delay(attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(20);
    Duration::seconds((5_i64 << exp).min(3600))
}

/// [`base_delay`] ±20 %.
fn jittered(attempts: i32) -> Duration {
    let base = base_delay(attempts).num_milliseconds();
    let r = u32::from_le_bytes(random_bytes::<4>());
    // 0.8 .. 1.2 of the base, in thousandths.
    let factor = 800 + i64::from(r % 401);
    Duration::milliseconds(base * factor / 1000)
}

/// What one attempt came to.
enum Outcome {
    Delivered(i32),
    Failed(Option<i32>, String),
}

fn short(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .take(MAX_ERROR)
        .collect()
}

async fn post(out: &Outbound, url: &str, key: &[u8], d: &Delivery, now: DateTime<Utc>) -> Outcome {
    let timestamp = now.timestamp();
    let body = d.payload.as_bytes().to_vec();
    let signature = sign::signature(key, &d.id, timestamp, &body);
    let request = match Request::builder()
        .method(Method::POST)
        .uri(url)
        .header(header::CONTENT_TYPE, "application/json")
        .header("webhook-id", &d.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
    {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(None, short(&format!("bad request: {e}"))),
    };
    match out.call(request).await {
        Ok(res) if res.status().is_success() => {
            Outcome::Delivered(i32::from(res.status().as_u16()))
        }
        Ok(res) => Outcome::Failed(
            Some(i32::from(res.status().as_u16())),
            format!("answered {}", res.status().as_u16()),
        ),
        Err(e) => Outcome::Failed(None, reason(&e).into()),
    }
}

/// Why a call failed, without the URL (its query may hold a token).
fn reason(e: &OutboundError) -> &'static str {
    match e {
        OutboundError::Refused(_) => "refused target: not https or a private address",
        OutboundError::Request(r) if r.is_timeout() => "timed out",
        OutboundError::Request(r) if r.is_connect() => "could not connect",
        OutboundError::Request(_) => "request failed",
        OutboundError::TooLarge => "response too large",
        OutboundError::Http(_) => "bad response",
    }
}

/// The row's state after an attempt at `now`.
fn next(d: &Delivery, outcome: Outcome, now: DateTime<Utc>) -> Attempt {
    let attempts = d.attempts + 1;
    match outcome {
        Outcome::Delivered(code) => Attempt {
            status: DELIVERED,
            attempts,
            next_attempt_at: naive(now),
            last_status: Some(code),
            last_error: None,
            delivered_at: Some(naive(now)),
        },
        Outcome::Failed(code, error) => Attempt {
            status: if attempts >= MAX_ATTEMPTS {
                DEAD
            } else {
                PENDING
            },
            attempts,
            next_attempt_at: naive(now + jittered(attempts)),
            last_status: code,
            last_error: Some(error),
            delivered_at: None,
        },
    }
}

/// Claim and send one delivery; whether it was ours to send.
async fn one(state: &AppState, out: &Outbound, d: Delivery) -> Result<bool, AppError> {
    let now = state.now();
    let (id, sub) = (d.id.clone(), d.subscription_id.clone());
    let claimed = state
        .db
        .run(move |conn| {
            if !rows::lease(
                conn,
                &id,
                naive(now),
                naive(now + Duration::seconds(LEASE_SECS)),
            )? {
                return Ok(None);
            }
            rows::find(conn, None, &sub)
        })
        .await?;
    let Some(webhook) = claimed else {
        return Ok(false);
    };
    let secret = state
        .envelope
        .decrypt(&webhook.secret_sealed, &sign::context(&webhook.id))?;
    let secret = std::str::from_utf8(&secret)
        .map_err(|_| AppError::Internal("webhook secret is not text".into()))?;
    let key = sign::key(secret)?;
    let outcome = post(out, &webhook.url, &key, &d, now).await;
    let attempt = next(&d, outcome, state.now());
    if attempt.status == DEAD {
        tracing::warn!(delivery = %d.id, webhook = %webhook.id, "webhook delivery dead after {} attempts", attempt.attempts);
    }
    let id = d.id.clone();
    state
        .db
        .run(move |conn| rows::record_attempt(conn, &id, &attempt))
        .await?;
    Ok(true)
}

/// Send the deliveries due now; how many were attempted.
pub async fn run_once(state: &AppState, out: &Outbound) -> Result<usize, AppError> {
    let now = naive(state.now());
    let due = state
        .db
        .run(move |conn| rows::due(conn, now, BATCH))
        .await?;
    let mut sent = 0;
    for d in due {
        if one(state, out, d).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_five_seconds_up_to_an_hour() {
        assert_eq!(base_delay(1), Duration::seconds(5));
        assert_eq!(base_delay(2), Duration::seconds(10));
        assert_eq!(base_delay(3), Duration::seconds(20));
        assert_eq!(base_delay(12), Duration::seconds(3600));
        for n in 1..8 {
            let j = jittered(n).num_milliseconds();
            let b = base_delay(n).num_milliseconds();
            assert!(j >= b * 8 / 10 && j <= b * 12 / 10);
        }
    }
}
