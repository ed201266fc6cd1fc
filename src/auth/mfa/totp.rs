//! TOTP (RFC 6238) with totp-rs: 160-bit secrets from the CSPRNG, SHA-1,
//! 6 digits, 30 s steps, ±1 step (SR-91); the secret is envelope-encrypted
//! per user (SR-54); a code is accepted once — the used step is stored and
//! any step at or before it refused (SR-90). QR codes are inline SVG.

use chrono::{DateTime, Utc};
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Builder, Secret, Totp};
use zeroize::Zeroizing;

use crate::crypto::Envelope;
use crate::crypto::token::random_bytes;
use crate::db::DbConnection;
use crate::domain::UserId;
use crate::error::AppError;
use crate::store::mfa_totp::{self, TotpRow};
use crate::store::naive;

/// Digits per code.
pub const DIGITS: u8 = 6;
/// Seconds per step.
pub const STEP: u64 = 30;

fn context(user_id: &UserId) -> String {
    crate::store::sealed::totp_context(user_id.as_ref())
}

fn build(secret: &[u8], issuer: &str, account: &str) -> Result<Totp, AppError> {
    Builder::new()
        .with_digits(DIGITS)
        .with_skew(1)
        .with_step_duration(STEP)
        .with_secret(Secret::from(secret.to_vec()))
        .with_issuer(Some(issuer.replace(':', "")))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| AppError::Internal(format!("cannot build TOTP: {e}")))
}

/// What the enrolment page shows (once): the QR code and the same secret
/// as text for manual entry.
#[derive(Debug)]
pub struct Enrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    pub qr_svg: String,
}

/// Issuer label shown in authenticator apps (the issuer URL's host).
pub fn issuer_label(issuer_url: &str) -> String {
    url::Url::parse(issuer_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .map(|h| format!("Ostiary ({h})"))
        .unwrap_or_else(|| "Ostiary".into())
}

/// Start (or restart) enrolment: a new unconfirmed secret replaces any
/// earlier unconfirmed one. `None` when a confirmed secret exists already.
pub fn start(
    conn: &mut DbConnection,
    envelope: &Envelope,
    issuer: &str,
    user_id: &UserId,
    email: &str,
    now: DateTime<Utc>,
) -> Result<Option<Enrolment>, AppError> {
    let secret = Zeroizing::new(random_bytes::<20>());
    let row = TotpRow {
        user_id: user_id.to_owned(),
        secret_enc: envelope.encrypt(secret.as_slice(), &context(user_id))?,
        confirmed_at: None,
        last_used_step: None,
        created_at: naive(now),
    };
    if !mfa_totp::put_unconfirmed(conn, &row)? {
        return Ok(None);
    }
    enrolment(secret.as_slice(), issuer, email).map(Some)
}

/// Show the pending (unconfirmed) secret again, e.g. after a wrong code.
pub fn pending(
    conn: &mut DbConnection,
    envelope: &Envelope,
    issuer: &str,
    user_id: &UserId,
    email: &str,
) -> Result<Option<Enrolment>, AppError> {
    match mfa_totp::find(conn, user_id)? {
        Some(row) if row.confirmed_at.is_none() => {
            let secret = envelope.decrypt(&row.secret_enc, &context(user_id))?;
            enrolment(&secret, issuer, email).map(Some)
        }
        _ => Ok(None),
    }
}

fn enrolment(secret: &[u8], issuer: &str, email: &str) -> Result<Enrolment, AppError> {
    let totp = build(secret, issuer, email)?;
    let otpauth_url = totp
        .to_url()
        .map_err(|e| AppError::Internal(format!("cannot build otpauth URL: {e}")))?;
    let qr_svg = QrCode::new(otpauth_url.as_bytes())
        .map_err(|e| AppError::Internal(format!("cannot build QR code: {e}")))?
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .dark_color(svg::Color("#111827"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML declaration so the SVG can be inlined in HTML.
    let qr_svg = match qr_svg.find("<svg") {
        Some(i) => qr_svg[i..].to_owned(),
        None => qr_svg,
    };
    Ok(Enrolment {
        secret_base32: totp.secret().to_base32(),
        otpauth_url,
        qr_svg,
    })
}

/// Result of checking a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Valid,
    Wrong,
    /// Right code, but its step was used already (answered like `Wrong`).
    Replayed,
    /// No secret (or, when `confirming` is false, no confirmed one).
    NotEnrolled,
}

/// Check `code` for the user at `now` and, when valid, record its step
/// (and confirm the secret when `confirming`). Call inside a write
/// transaction.
pub fn verify(
    conn: &mut DbConnection,
    envelope: &Envelope,
    user_id: &UserId,
    code: &str,
    confirming: bool,
    now: DateTime<Utc>,
) -> Result<Check, AppError> {
    let Some(row) = mfa_totp::find(conn, user_id)? else {
        return Ok(Check::NotEnrolled);
    };
    if row.confirmed_at.is_some() == confirming {
        return Ok(Check::NotEnrolled);
    }
    let secret = envelope.decrypt(&row.secret_enc, &context(user_id))?;
    let totp = build(&secret, "Ostiary", "user")?;
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Check::Wrong);
    }
    let time = u64::try_from(now.timestamp()).unwrap_or(0);
    let Some(step) = totp.check(&code, time) else {
        return Ok(Check::Wrong);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let confirm_at = confirming.then(|| naive(now));
    if mfa_totp::use_step(conn, user_id, step, confirm_at)? {
        Ok(Check::Valid)
    } else {
        Ok(Check::Replayed)
    }
}

/// The code for `secret` at `time` (tests and tools compute codes the
/// same way an authenticator app does).
pub fn code_at(secret_base32: &str, time: u64) -> Result<String, AppError> {
    let secret = Secret::try_from_base32(secret_base32)
        .map_err(|_| AppError::BadRequest("not a base32 secret".into()))?;
    Ok(build(&secret, "Ostiary", "user")?
        .generate(time)
        .to_string())
}
