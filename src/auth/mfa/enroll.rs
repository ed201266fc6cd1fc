//! Enrolling and removing factors (S5): an authenticator app is confirmed
//! by its first valid code (SR-91), which also creates the first backup
//! codes when the user has none; confirmation attempts share the
//! second-factor throttle. Used from the account security page and from a
//! pending login that a policy sent to enrolment.

use chrono::{DateTime, Utc};

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::auth::mfa::{backup, factors, pending, totp, verify};
use crate::auth::throttle::{self, Kind};
use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{backup_codes, mfa_totp, pending_logins, throttle as counters, write_tx};

/// A confirmed authenticator app, with the backup codes created for the
/// occasion (only when the user had none).
#[derive(Debug)]
pub struct Confirmed {
    pub backup_codes: Option<Vec<String>>,
}

/// Confirm the user's unconfirmed TOTP secret with `code`, inside a write
/// transaction; `None` when the code is wrong or the step is throttled.
fn confirm_totp_tx(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Option<Confirmed>, AppError> {
    let key = throttle::second_factor_key(user_id);
    if throttle::is_blocked(counters::get(conn, &key)?.as_ref(), now) {
        return Ok(None);
    }
    if totp::verify(conn, &state.envelope, user_id, code, true, now)? != totp::Check::Valid {
        let (row, _) = throttle::after_failure(
            counters::get(conn, &key)?,
            &key,
            Kind::SecondFactor,
            now,
            &state.config.throttle,
        );
        counters::put(conn, &row)?;
        audit::record(
            conn,
            actor,
            Event::new(Action::MfaFailed, Outcome::Failure)
                .target("user", user_id)
                .details(serde_json::json!({ "factor": "totp", "reason": "enrolment_code_wrong" })),
            now,
        )?;
        return Ok(None);
    }
    audit::record(
        conn,
        actor,
        Event::new(Action::MfaEnrolled, Outcome::Success)
            .target("user", user_id)
            .details(serde_json::json!({ "factor": "totp" })),
        now,
    )?;
    let backup_codes = if backup_codes::remaining(conn, user_id)? == 0 {
        Some(regenerate_tx(conn, state, actor, user_id, now)?)
    } else {
        None
    };
    Ok(Some(Confirmed { backup_codes }))
}

fn regenerate_tx(
    conn: &mut DbConnection,
    state: &AppState,
    actor: &Actor,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<String>, AppError> {
    let codes = backup::regenerate(conn, &state.envelope, user_id, now)?;
    audit::record(
        conn,
        actor,
        Event::new(Action::BackupCodesGenerated, Outcome::Success)
            .target("user", user_id)
            .details(serde_json::json!({ "count": codes.len() })),
        now,
    )?;
    Ok(codes)
}

/// Start enrolling an authenticator app for a signed-in user; `None` when
/// one is already confirmed.
pub async fn start_totp(
    state: &AppState,
    user_id: &UserId,
    email: &str,
) -> Result<Option<totp::Enrolment>, AppError> {
    let now = state.now();
    let (state2, user_id, email) = (state.clone(), user_id.to_owned(), email.to_owned());
    state
        .db
        .run(move |conn| {
            let issuer = totp::issuer_label(state2.config.public_base());
            totp::start(conn, &state2.envelope, &issuer, &user_id, &email, now)
        })
        .await
}

/// The unconfirmed enrolment again (after a wrong code).
pub async fn pending_totp(
    state: &AppState,
    user_id: &UserId,
    email: &str,
) -> Result<Option<totp::Enrolment>, AppError> {
    let (state2, user_id, email) = (state.clone(), user_id.to_owned(), email.to_owned());
    state
        .db
        .run(move |conn| {
            let issuer = totp::issuer_label(state2.config.public_base());
            totp::pending(conn, &state2.envelope, &issuer, &user_id, &email)
        })
        .await
}

/// Confirm a signed-in user's new authenticator app.
pub async fn confirm_totp(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    code: String,
) -> Result<Option<Confirmed>, AppError> {
    let now = state.now();
    let (state2, user_id) = (state.clone(), user_id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                confirm_totp_tx(conn, &state2, &actor, &user_id, &code, now)
            })
        })
        .await
}

/// The result of enrolling during a pending login.
#[derive(Debug)]
pub enum EnrolledLogin {
    /// Enrolled and signed in.
    SignedIn {
        token: String,
        backup_codes: Vec<String>,
    },
    /// Wrong code: try again.
    Failed,
    /// No live pending login waiting for enrolment.
    Expired,
}

/// The user of the browser's pending login that waits for enrolment.
pub async fn pending_enrolment_user(
    state: &AppState,
    token_hash: String,
) -> Result<Option<crate::store::users::User>, AppError> {
    let now = state.now();
    state
        .db
        .run(
            move |conn| match verify::live(conn, &token_hash, pending::Purpose::Enroll, now)? {
                Some(row) => crate::store::users::find(conn, &row.user_id),
                None => Ok(None),
            },
        )
        .await
}

/// Confirm the authenticator app of a pending login sent to enrolment and
/// complete the login with it.
pub async fn confirm_totp_for_login(
    state: &AppState,
    actor: Actor,
    token_hash: String,
    code: String,
) -> Result<EnrolledLogin, AppError> {
    let now = state.now();
    let state2 = state.clone();
    let (result, notices) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = verify::live(conn, &token_hash, pending::Purpose::Enroll, now)?
                else {
                    return Ok((EnrolledLogin::Expired, Vec::new()));
                };
                let actor = actor.as_user(&row.user_id, None);
                let Some(confirmed) =
                    confirm_totp_tx(conn, &state2, &actor, &row.user_id, &code, now)?
                else {
                    if pending_logins::add_failure(conn, &row.id)? >= pending::MAX_FAILURES {
                        pending_logins::take(conn, &row.id)?;
                        return Ok((EnrolledLogin::Expired, Vec::new()));
                    }
                    return Ok((EnrolledLogin::Failed, Vec::new()));
                };
                let backup_codes = match confirmed.backup_codes {
                    Some(codes) => codes,
                    None => regenerate_tx(conn, &state2, &actor, &row.user_id, now)?,
                };
                let Some((token, notices)) =
                    pending::finish(conn, &state2, &actor, &row, &["otp"], now)?
                else {
                    return Ok((EnrolledLogin::Expired, Vec::new()));
                };
                Ok((
                    EnrolledLogin::SignedIn {
                        token,
                        backup_codes,
                    },
                    notices,
                ))
            })
        })
        .await?;
    state.logout.send(notices);
    Ok(result)
}

/// Remove the user's authenticator app; when no factor is left the backup
/// codes go too. `false` if there was none.
pub async fn remove_totp(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
) -> Result<bool, AppError> {
    let now = state.now();
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !mfa_totp::delete(conn, &user_id)? {
                    return Ok(false);
                }
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::MfaRemoved, Outcome::Success)
                        .target("user", user_id.as_str())
                        .details(serde_json::json!({ "factor": "totp" })),
                    now,
                )?;
                if !factors::of(conn, &user_id)?.any() {
                    backup_codes::delete_all(conn, &user_id)?;
                }
                Ok(true)
            })
        })
        .await
}

/// When to create backup codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewCodes {
    /// A new set replacing the old one ("create new codes").
    Replace,
    /// Only if the user has none (a first factor other than TOTP was just
    /// enrolled, e.g. a passkey).
    IfNone,
}

/// Create backup codes (shown once; the old set stops working); `None`
/// when the user has no factor for them to back up, or already has codes
/// and `when` is [`NewCodes::IfNone`].
pub async fn backup_codes_for(
    state: &AppState,
    actor: Actor,
    user_id: &UserId,
    when: NewCodes,
) -> Result<Option<Vec<String>>, AppError> {
    let now = state.now();
    let (state2, user_id) = (state.clone(), user_id.to_owned());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if !factors::of(conn, &user_id)?.any()
                    || (when == NewCodes::IfNone && backup_codes::remaining(conn, &user_id)? > 0)
                {
                    return Ok(None);
                }
                regenerate_tx(conn, &state2, &actor, &user_id, now).map(Some)
            })
        })
        .await
}

/// Delete the backup codes of a user left without a second factor (after
/// removing the last passkey): codes back up a factor, they are not one.
pub async fn drop_backup_codes_without_factor(
    state: &AppState,
    user_id: &UserId,
) -> Result<(), AppError> {
    let user_id = user_id.to_owned();
    state
        .db
        .run(move |conn| {
            if !factors::of(conn, &user_id)?.any() {
                backup_codes::delete_all(conn, &user_id)?;
            }
            Ok(())
        })
        .await
}
