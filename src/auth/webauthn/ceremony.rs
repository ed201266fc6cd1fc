//! WebAuthn ceremony state: what each ceremony is for, the binding cookie,
//! and storing/consuming the server-side state (single use, 5 minutes).

use super::*;
use crate::domain::UserId;

/// What a ceremony is for (`webauthn_challenges.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    Register,
    Authenticate,
    Discoverable,
}

impl Purpose {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Authenticate => "authenticate",
            Self::Discoverable => "discoverable",
        }
    }
}

/// The cookie binding a ceremony started in this response.
fn binding_cookie(value: String) -> Cookie<'static> {
    Cookie::build(COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(CEREMONY_SECS))
        .finish()
}

/// A cookie removing the ceremony binding (send it after a ceremony ends).
pub fn clear_cookie() -> Cookie<'static> {
    let mut c = binding_cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Store a ceremony's state; returns the cookie binding it.
pub(super) async fn begin(
    state: &AppState,
    purpose: Purpose,
    user_id: Option<UserId>,
    ceremony: String,
) -> Result<Cookie<'static>, AppError> {
    let now = state.now();
    let token = random_token();
    let row = Challenge {
        id: Uuid::new_v4().to_string(),
        binding_hash: sha256_hex(token.as_bytes()),
        user_id,
        purpose: purpose.as_str().to_owned(),
        state: ceremony,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(CEREMONY_SECS)),
    };
    state
        .db
        .run(move |conn| {
            webauthn_challenges::delete_expired(conn, naive(now))?;
            webauthn_challenges::insert(conn, &row)
        })
        .await?;
    Ok(binding_cookie(token))
}

/// Take (delete) the ceremony bound to this browser; its state if it is
/// unexpired, of `purpose` and for `user_id`.
pub(super) async fn consume(
    state: &AppState,
    req: &HttpRequest,
    purpose: Purpose,
    user_id: Option<&str>,
) -> Result<Option<String>, AppError> {
    let Some(token) = req.cookie(COOKIE).map(|c| c.value().to_owned()) else {
        return Ok(None);
    };
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    let hash = sha256_hex(token.as_bytes());
    let Some(row) = state
        .db
        .run(move |conn| webauthn_challenges::take(conn, &hash))
        .await?
    else {
        return Ok(None);
    };
    let fits = row.purpose == purpose.as_str()
        && row.user_id.as_deref() == user_id
        && utc(row.expires_at) > state.now();
    Ok(fits.then_some(row.state))
}
