//! "Sign in with email" (S6, SR-93): an 8-digit code from the CSPRNG,
//! stored as a keyed hash salted with its row id, valid 10 minutes, 3
//! attempts, single use, bound to the requesting browser by a cookie whose
//! SHA-256 is stored with the code, at most 3 codes per address (and a cap
//! per IP) per hour counted in the database. Unknown addresses get a row and
//! the same answers (a code nobody receives, SR-85). Success goes through
//! [`first_factor::complete`] with `amr: ["otp"]`. Wrong codes also count
//! in the shared per-account and per-IP throttle of password sign-in (S5),
//! but a paused account does not refuse a code: receiving it proves control
//! of the mailbox, its own limits (3 attempts, 3 codes an hour) bound
//! guessing, and so a stranger's wrong passwords cannot lock the owner out
//! (SR-84); the login page sends a paused user here. The IP pause applies.

use actix_web::cookie::{Cookie, SameSite};
use chrono::Duration;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::first_factor;
use crate::auth::sign_in::{FirstFactor, Method, Next};
use crate::auth::throttle::{self, Kind};
use crate::crypto::token::{random_bytes, random_token, sha256_hex};
use crate::domain::{Email, SessionId, UserId};
use crate::error::AppError;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::email_codes::{self, EmailCode};
use crate::store::{naive, throttle as counters, users, utc, write_tx};

/// Cookie binding a code to the browser that asked for it.
pub const BINDING_COOKIE: &str = "__Host-ostiary_email_code";

/// Digits in a code.
const DIGITS: usize = 8;

/// Result of asking for a code.
#[derive(Debug)]
pub enum RequestOutcome {
    /// A code was issued (and mailed when the address has an account):
    /// set this binding cookie.
    Issued { cookie: Cookie<'static> },
    /// Too many codes for this address or IP in the last hour.
    Limited,
}

/// Result of entering a code.
#[derive(Debug)]
pub enum VerifyOutcome {
    Success(Next),
    /// Wrong code; this many attempts remain.
    Wrong {
        remaining: i32,
    },
    /// No usable code for this browser (expired, used, too many attempts).
    Expired,
}

/// The binding cookie (`HttpOnly`, `Secure`, `SameSite=Lax`, host-only).
pub fn binding_cookie(value: String) -> Cookie<'static> {
    Cookie::build(BINDING_COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// A cookie that deletes the binding.
pub fn binding_removal() -> Cookie<'static> {
    let mut c = binding_cookie(String::new());
    c.make_removal();
    c
}

/// Uniform decimal digits from the CSPRNG (bytes >= 250 are rejected so
/// every digit is equally likely).
fn random_code() -> String {
    let mut code = String::with_capacity(DIGITS);
    while code.len() < DIGITS {
        for b in random_bytes::<16>() {
            if b < 250 && code.len() < DIGITS {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    code
}

fn code_hash(state: &AppState, id: &str, code: &str) -> String {
    state
        .envelope
        .secret_hash(&format!("email-code:{id}:{code}"))
}

/// Issue a code for `email` (already parsed) and mail it if the address
/// has an account; the answer is the same either way.
pub async fn request(
    state: &AppState,
    actor: Actor,
    email: &Email,
    locale: Locale,
) -> Result<RequestOutcome, AppError> {
    let now = state.now();
    let cfg = state.config.mail.clone();
    let code = random_code();
    let binding = random_token();
    let row = EmailCode {
        id: uuid::Uuid::now_v7().to_string(),
        email: email.as_str().to_owned(),
        user_id: None,
        code_hash: String::new(),
        binding_hash: sha256_hex(binding.as_bytes()),
        ip: actor.ip.clone().unwrap_or_default(),
        attempts: 0,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(cfg.code_ttl_secs)),
        used_at: None,
    };
    let row = EmailCode {
        code_hash: code_hash(state, &row.id, &code),
        ..row
    };
    let audit_actor = actor.clone();
    let issued = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let since = naive(now - Duration::hours(1));
                if email_codes::count_for_email(conn, &row.email, since)? >= cfg.codes_per_hour
                    || email_codes::count_for_ip(conn, &row.ip, since)? >= cfg.codes_per_ip_per_hour
                {
                    audit::record(
                        conn,
                        &audit_actor,
                        Event::new(Action::EmailCodeIssued, Outcome::Failure).details(
                            serde_json::json!({ "email": row.email, "reason": "rate_limited" }),
                        ),
                        now,
                    )?;
                    return Ok(None);
                }
                let user = users::find_by_email(conn, &row.email)?.filter(|u| !u.locked);
                let row = EmailCode {
                    user_id: user.map(|u| u.id),
                    ..row.clone()
                };
                email_codes::insert(conn, &row)?;
                let mut event = Event::new(Action::EmailCodeIssued, Outcome::Success)
                    .target("email_code", row.id.as_str())
                    .details(serde_json::json!({
                        "email": row.email,
                        "user": row.user_id,
                    }));
                if let Some(id) = &row.user_id {
                    event = event.target("user", id.as_str());
                }
                audit::record(conn, &audit_actor, event, now)?;
                Ok(Some(row.user_id.is_some()))
            })
        })
        .await?;
    let Some(known) = issued else {
        metrics::counter!("ostiary_email_codes_total", "outcome" => "limited").increment(1);
        return Ok(RequestOutcome::Limited);
    };
    if known {
        let message = Message::SignInCode {
            code,
            minutes: state.config.mail.code_ttl_secs / 60,
        };
        mail::send(&state.mailer, &actor, email.as_str(), &message, locale).await?;
    } else {
        // Same failure mode as a real send when SMTP is down (SR-85).
        mail::deliver::probe(&state.mailer, "sign_in_code").await?;
    }
    metrics::counter!("ostiary_email_codes_total", "outcome" => "issued").increment(1);
    Ok(RequestOutcome::Issued {
        cookie: binding_cookie(binding),
    })
}

/// Check a code entered in the browser holding `binding`.
pub async fn verify(
    state: &AppState,
    actor: Actor,
    binding: Option<&str>,
    entered: &str,
    replaces: Option<SessionId>,
) -> Result<VerifyOutcome, AppError> {
    let Some(binding) = binding.filter(|b| !b.is_empty() && b.len() <= 64) else {
        return Ok(VerifyOutcome::Expired);
    };
    let now = state.now();
    let max = state.config.mail.code_attempts;
    let binding_hash = sha256_hex(binding.as_bytes());
    let entered: String = entered
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .take(32)
        .collect();
    let envelope = state.envelope.clone();
    let throttle_cfg = state.config.throttle.clone();
    let ip_key = throttle::ip_key(actor.ip.as_deref().unwrap_or_default());
    let audit_actor = actor.clone();
    // Everything (reading the attempt count, comparing, counting) happens in
    // one serialized write transaction, so parallel guesses cannot exceed
    // the attempt limit.
    let checked = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = email_codes::latest_for_binding(conn, &binding_hash)? else {
                    return Ok(Checked::Expired);
                };
                if row.used_at.is_some() || utc(row.expires_at) <= now || row.attempts >= max {
                    return Ok(Checked::Expired);
                }
                let account_key = throttle::account_key(&row.email);
                // Both counters this may count on, in the one lock order.
                counters::lock(conn, &[&account_key, &ip_key])?;
                let blocked = throttle::is_blocked(counters::get(conn, &ip_key)?.as_ref(), now);
                let matches = !blocked
                    && envelope.secret_matches(
                        &format!("email-code:{}:{entered}", row.id),
                        &row.code_hash,
                    );
                let live_user = match row.user_id.as_ref().filter(|_| matches) {
                    Some(id) => users::find(conn, id)?.filter(|u| !u.locked),
                    None => None,
                };
                let mut event;
                let accepted = match live_user {
                    Some(user) if email_codes::consume(conn, &row.id, naive(now))? => {
                        event = Event::new(Action::EmailCodeUsed, Outcome::Success)
                            .target("user", user.id.as_str());
                        Some(user.id)
                    }
                    _ => {
                        email_codes::add_attempt(conn, &row.id)?;
                        event = Event::new(Action::EmailCodeFailed, Outcome::Failure);
                        if let Some(id) = &row.user_id {
                            event = event.target("user", id.as_str());
                        }
                        None
                    }
                };
                event = event.details(serde_json::json!({
                    "email": row.email,
                    "email_code": row.id,
                    "attempt": row.attempts + 1,
                    "throttled": blocked,
                }));
                audit::record(conn, &audit_actor, event, now)?;
                match accepted {
                    Some(user_id) => Ok(Checked::Accepted {
                        user_id,
                        email: row.email.clone(),
                    }),
                    None => {
                        if !blocked {
                            count_failure(
                                conn,
                                &audit_actor,
                                &account_key,
                                &ip_key,
                                now,
                                &throttle_cfg,
                            )?;
                        }
                        Ok(Checked::Rejected {
                            attempts: row.attempts + 1,
                        })
                    }
                }
            })
        })
        .await?;
    let accepted = match checked {
        Checked::Expired => return Ok(VerifyOutcome::Expired),
        Checked::Accepted { user_id, email } => Ok((user_id, email)),
        Checked::Rejected { attempts } => Err(attempts),
    };
    match accepted {
        Ok((user_id, email)) => {
            // The mailbox's owner proved themselves from this source: the
            // account's pause and this source's lock on it end.
            let keys = throttle::Keys::new(&email, actor.ip.as_deref().unwrap_or_default());
            let first = FirstFactor {
                user_id,
                method: Method::EmailCode,
                amr: vec!["otp".into()],
                clear_throttle: vec![keys.account, keys.account_source],
            };
            Ok(VerifyOutcome::Success(
                first_factor::complete(state, actor, first, replaces).await?,
            ))
        }
        Err(attempts) => {
            metrics::counter!("ostiary_logins_total", "method" => "email_code", "outcome" => "failure")
                .increment(1);
            let remaining = max - attempts;
            if remaining <= 0 {
                Ok(VerifyOutcome::Expired)
            } else {
                Ok(VerifyOutcome::Wrong { remaining })
            }
        }
    }
}

/// What the transaction of [`verify`] found.
enum Checked {
    Expired,
    Accepted { user_id: UserId, email: String },
    Rejected { attempts: i32 },
}

/// A wrong code counts against the account and the IP like a wrong
/// password (S5, SR-84: one set of counters for every path to an account).
fn count_failure(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    account_key: &str,
    ip_key: &str,
    now: chrono::DateTime<chrono::Utc>,
    cfg: &crate::config::ThrottleConfig,
) -> Result<(), AppError> {
    for (key, kind) in [(account_key, Kind::Account), (ip_key, Kind::Ip)] {
        let (row, locked) = throttle::after_failure(counters::get(conn, key)?, key, kind, now, cfg);
        counters::put(conn, &row)?;
        if locked {
            audit::record(
                conn,
                actor,
                Event::new(Action::LoginLocked, Outcome::Failure).details(serde_json::json!({
                    "key": key, "failures": row.failures, "locked_until": row.locked_until,
                    "method": "email_code",
                })),
                now,
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_eight_digits() {
        let c = random_code();
        assert_eq!(c.len(), DIGITS);
        assert!(c.chars().all(|c| c.is_ascii_digit()));
    }
}
