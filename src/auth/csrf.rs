//! CSRF protection (S2, SR-70). Every state-changing form carries a token:
//! HMAC-SHA256 under a key shared by all instances (a data key, see
//! [`crate::crypto::Envelope::csrf_key`]) over the session id when signed in,
//! or over a random `__Host-ostiary_csrf` cookie before sign-in. Verification
//! also refuses cross-site requests by `Origin` and `Sec-Fetch-Site`.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::CurrentSession;
use crate::crypto::token::{constant_time_eq, hmac_sha256, random_token};
use crate::error::AppError;
use crate::state::AppState;

/// Cookie binding CSRF tokens before sign-in.
pub const ANON_COOKIE: &str = "__Host-ostiary_csrf";

/// A token for a form, and the cookie to set when a new binding was made.
#[derive(Debug)]
pub struct CsrfToken {
    pub token: String,
    pub cookie: Option<Cookie<'static>>,
}

impl CsrfToken {
    /// The cookies to send with the page.
    pub fn cookies(self) -> (String, Vec<Cookie<'static>>) {
        (self.token, self.cookie.into_iter().collect())
    }
}

fn mac(state: &AppState, binding: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac_sha256(state.envelope.csrf_key(), binding.as_bytes()))
}

fn anon_cookie(value: String) -> Cookie<'static> {
    Cookie::build(ANON_COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish()
}

/// The token for a form rendered in this request.
pub fn issue(req: &HttpRequest, state: &AppState, session: Option<&CurrentSession>) -> CsrfToken {
    if let Some(current) = session {
        return CsrfToken {
            token: mac(state, &format!("s:{}", current.session.id)),
            cookie: None,
        };
    }
    match req.cookie(ANON_COOKIE).map(|c| c.value().to_owned()) {
        Some(value) if value.len() >= 32 && value.len() <= 64 => CsrfToken {
            token: mac(state, &format!("a:{value}")),
            cookie: None,
        },
        _ => {
            let value = random_token();
            CsrfToken {
                token: mac(state, &format!("a:{value}")),
                cookie: Some(anon_cookie(value)),
            }
        }
    }
}

/// Check a submitted token; any failure is [`AppError::Csrf`] (403).
pub fn verify(
    req: &HttpRequest,
    state: &AppState,
    session: Option<&CurrentSession>,
    submitted: &str,
) -> Result<(), AppError> {
    if !same_origin(req, state) {
        return Err(AppError::Csrf);
    }
    let expected = match session {
        Some(current) => mac(state, &format!("s:{}", current.session.id)),
        None => match req.cookie(ANON_COOKIE) {
            Some(c) if !c.value().is_empty() => mac(state, &format!("a:{}", c.value())),
            _ => return Err(AppError::Csrf),
        },
    };
    if constant_time_eq(expected.as_bytes(), submitted.as_bytes()) {
        Ok(())
    } else {
        Err(AppError::Csrf)
    }
}

/// Refuse requests a browser marks as cross-site, and any `Origin` other
/// than the issuer's.
fn same_origin(req: &HttpRequest, state: &AppState) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get("origin").and_then(|v| v.to_str().ok()) {
        // Browsers send `Origin: null` on form posts from pages with
        // `Referrer-Policy: no-referrer` (ours): the token and
        // `Sec-Fetch-Site` above decide then.
        None | Some("null") => true,
        Some(origin) => url::Url::parse(state.config.public_base())
            .map(|issuer| issuer.origin().ascii_serialization() == origin)
            .unwrap_or(false),
    }
}
