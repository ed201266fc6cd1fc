//! Pages shared by the login-time and account-page MFA flows: the
//! authenticator-app enrolment page and the backup codes page.

use actix_web::HttpResponse;
use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use askama::Template;

use crate::auth::mfa::totp::Enrolment;
use crate::error::AppError;
use crate::web::render::html;

/// Authenticator-app enrolment: QR code, key, code form.
#[derive(Template)]
#[template(path = "flow/totp_enroll.html")]
pub struct TotpEnrollPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub action: &'static str,
    pub return_to: String,
    pub cancel_url: String,
    pub qr_svg: String,
    pub secret_key: String,
    pub required: bool,
    pub error: Option<String>,
}

impl TotpEnrollPage {
    /// The page for `enrolment`, posting the code to `action`.
    pub fn new(
        enrolment: &Enrolment,
        csrf_token: String,
        action: &'static str,
        return_to: String,
        cancel_url: String,
    ) -> Self {
        let secret_key = enrolment
            .secret_base32
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        Self {
            t: crate::i18n::Tr::for_return_to(Some(&return_to)),
            csrf_token,
            action,
            return_to,
            cancel_url,
            qr_svg: enrolment.qr_svg.clone(),
            secret_key,
            required: false,
            error: None,
        }
    }
}

/// Backup codes, shown once.
#[derive(Template)]
#[template(path = "flow/backup_codes.html")]
pub struct BackupCodesPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub codes: Vec<String>,
    pub continue_url: String,
    /// The codes as a text file (download and copy).
    pub codes_text: String,
}

/// Render the backup codes page (with cookies, e.g. the new session).
pub fn backup_codes(
    codes: Vec<String>,
    continue_url: String,
    cookies: Vec<Cookie<'static>>,
) -> Result<HttpResponse, AppError> {
    let t = crate::i18n::Tr::current();
    let codes_text = format!(
        "{}\n\n{}\n\n{}\n",
        t.text("backup.file_heading"),
        codes.join("\n"),
        t.text("backup.file_hint")
    );
    html(
        StatusCode::OK,
        &BackupCodesPage {
            t,
            codes,
            continue_url,
            codes_text,
        },
        cookies,
    )
}

/// The message key for a wrong or refused code (replays and throttling
/// look the same, SR-90).
pub const WRONG_CODE: &str = "common.wrong_code";
