//! Passing a second factor on a pending login (S5): one write transaction
//! that finds the pending login by the browser's cookie, applies the
//! per-user second-factor throttle (SR-92), checks the code (TOTP with
//! replay refusal, SR-90, or a backup code), and either completes the login
//! or counts the failure. Replays, wrong codes and throttled attempts look
//! the same to the client.

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::{backup, pending, totp};
use crate::auth::throttle::{self, Kind};
use crate::domain::UserId;
use crate::error::AppError;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::pending_logins::{self, PendingLogin};
use crate::store::{backup_codes, naive, throttle as counters, users, write_tx};

/// Which factor is presented.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Factor {
    Totp,
    BackupCode,
    /// A passkey assertion, verified by [`crate::auth::webauthn`] before
    /// this step (its outcome is the proof passed in).
    Passkey,
}

impl Factor {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Totp => "totp",
            Self::BackupCode => "backup_code",
            Self::Passkey => "passkey",
        }
    }

    /// RFC 8176 methods this factor adds.
    pub fn amr(self) -> &'static [&'static str] {
        match self {
            Self::Totp | Self::BackupCode => &["otp"],
            Self::Passkey => &["swk", "user"],
        }
    }
}

/// The result for the browser.
#[derive(Debug)]
pub enum Verified {
    /// Signed in: the session cookie token.
    SignedIn { token: String },
    /// Wrong (or replayed, or throttled); `ended` when the pending login
    /// is used up and the user must start again; `replayed_by` names the
    /// user whose already-used TOTP code was entered (to be told, SR-90).
    Failed {
        ended: bool,
        replayed_by: Option<UserId>,
    },
    /// No live pending login for this browser.
    Expired,
}

/// The pending login the request's cookie names, if live and waiting for
/// `purpose`.
pub fn live(
    conn: &mut crate::db::DbConnection,
    token_hash: &str,
    purpose: pending::Purpose,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<PendingLogin>, AppError> {
    Ok(pending_logins::find_live(conn, token_hash, naive(now))?
        .filter(|row| row.purpose == purpose))
}

/// What the browser presented.
#[derive(Debug, Clone)]
pub enum Proof {
    /// A TOTP or backup code, checked here.
    Code(String),
    /// A passkey assertion already checked (`true`: it verified).
    Checked(bool),
}

/// Tell the user by email that one of their TOTP codes was entered again
/// (SR-90), in the background: the answer to the browser does not wait,
/// and a failure is in the delivery records.
fn notify_replay(state: &AppState, user_id: UserId, locale: Locale) {
    let state = state.clone();
    tokio::spawn(async move {
        let uid = user_id.clone();
        let user = match state.db.run(move |conn| users::find(conn, &uid)).await {
            Ok(Some(user)) => user,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot load the user for a replay alert");
                return;
            }
        };
        let message = Message::TotpCodeReused {
            link: format!("{}/account/security", state.config.public_base()),
            when: state.now().format("%Y-%m-%d %H:%M UTC").to_string(),
        };
        let actor = Actor::system("mfa");
        if let Err(e) = mail::send(&state.mailer, &actor, &user.email, &message, locale).await {
            tracing::warn!(error = %e, user_id = %user_id, "replay alert not sent");
        }
    });
}

/// Check `proof` as `factor` for the pending login whose cookie hashes to
/// `token_hash`.
pub async fn second_factor(
    state: &AppState,
    actor: Actor,
    token_hash: String,
    factor: Factor,
    proof: Proof,
    locale: Locale,
) -> Result<Verified, AppError> {
    let now = state.now();
    let state2 = state.clone();
    let cfg = state.config.throttle.clone();
    let (verified, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = live(conn, &token_hash, pending::Purpose::Verify, now)? else {
                    return Ok((Verified::Expired, Vec::new()));
                };
                let actor = actor.as_user(&row.user_id, None);
                let key = throttle::second_factor_key(&row.user_id);
                let blocked = throttle::is_blocked(counters::get(conn, &key)?.as_ref(), now);
                let reason = if blocked {
                    Some("throttled")
                } else {
                    let code = match &proof {
                        Proof::Code(code) => code.as_str(),
                        Proof::Checked(_) => "",
                    };
                    match factor {
                        Factor::Passkey => match proof {
                            Proof::Checked(true) => None,
                            Proof::Checked(false) | Proof::Code(_) => Some("passkey_refused"),
                        },
                        Factor::Totp => {
                            match totp::verify(
                                conn,
                                &state2.envelope,
                                &row.user_id,
                                code,
                                false,
                                now,
                            )? {
                                totp::Check::Valid => None,
                                totp::Check::Replayed => Some("replayed"),
                                totp::Check::Wrong => Some("wrong_code"),
                                totp::Check::NotEnrolled => Some("not_enrolled"),
                            }
                        }
                        Factor::BackupCode => {
                            if backup::consume(conn, &state2.envelope, &row.user_id, code, now)? {
                                None
                            } else {
                                Some("wrong_code")
                            }
                        }
                    }
                };
                if let Some(reason) = reason {
                    audit::record(
                        conn,
                        &actor,
                        Event::new(Action::MfaFailed, Outcome::Failure)
                            .target("user", row.user_id.as_str())
                            .details(
                                serde_json::json!({ "factor": factor.as_str(), "reason": reason }),
                            ),
                        now,
                    )?;
                    if !blocked {
                        let (counter, locked) = throttle::after_failure(
                            counters::get(conn, &key)?,
                            &key,
                            Kind::SecondFactor,
                            now,
                            &cfg,
                        );
                        counters::put(conn, &counter)?;
                        if locked {
                            audit::record(
                                conn,
                                &actor,
                                Event::new(Action::MfaLocked, Outcome::Failure)
                                    .target("user", row.user_id.as_str())
                                    .details(serde_json::json!({
                                        "failures": counter.failures,
                                        "locked_until": counter.locked_until,
                                    })),
                                now,
                            )?;
                        }
                    }
                    let ended =
                        pending_logins::add_failure(conn, &row.id)? >= pending::MAX_FAILURES;
                    if ended {
                        pending_logins::take(conn, &row.id)?;
                    }
                    let replayed_by = (reason == "replayed").then(|| row.user_id.clone());
                    return Ok((Verified::Failed { ended, replayed_by }, Vec::new()));
                }
                let Some((token, notices)) =
                    pending::finish(conn, &state2, &actor, &row, factor.amr(), now)?
                else {
                    return Ok((Verified::Expired, Vec::new()));
                };
                counters::clear(conn, &key)?;
                let mut event = Event::new(Action::MfaVerified, Outcome::Success)
                    .target("user", row.user_id.as_str())
                    .details(serde_json::json!({ "factor": factor.as_str() }));
                if factor == Factor::BackupCode {
                    let left = backup_codes::remaining(conn, &row.user_id)?;
                    event = Event::new(Action::BackupCodeUsed, Outcome::Success)
                        .target("user", row.user_id.as_str())
                        .details(serde_json::json!({ "remaining": left }));
                }
                audit::record(conn, &actor, event, now)?;
                Ok((Verified::SignedIn { token }, notices))
            })
        })
        .await?;
    state.logout.send(notices);
    if let Verified::Failed {
        replayed_by: Some(user_id),
        ..
    } = &verified
    {
        notify_replay(state, user_id.clone(), locale);
    }
    let outcome = match verified {
        Verified::SignedIn { .. } => "success",
        Verified::Failed { .. } => "failure",
        Verified::Expired => "expired",
    };
    metrics::counter!("ostiary_second_factor_total", "factor" => factor.as_str(), "outcome" => outcome)
        .increment(1);
    Ok(verified)
}
