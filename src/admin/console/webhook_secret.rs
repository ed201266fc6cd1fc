//! The page that shows a webhook's signing secret, once: on the answer to
//! creating a subscription or rotating its secret (S9, SR-54, SR-101),
//! with a copy button and a warning; afterwards only its hint shows. Both
//! need `webhooks:write` and a recent sign-in, as in the admin API.

use actix_web::HttpResponse;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::webhooks::{HookRow, SECTION};
use crate::admin::scopes::Scope;
use crate::auth::recent::reauthenticate_redirect;
use crate::error::AppError;
use crate::i18n::Tr;

#[derive(Template)]
#[template(path = "admin/webhooks/secret.html")]
pub struct SecretPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub secret: String,
    pub hook: HookRow,
    /// A rotation (the old secret no longer verifies) rather than a creation.
    pub rotated: bool,
}

/// Refuse a caller without `webhooks:write` (403); send a stale sign-in to
/// sign in again and come back to `back` (SR-101).
pub fn may_see_secrets(console: &Console, back: &str) -> Result<Option<HttpResponse>, AppError> {
    console
        .caller
        .require(Scope::write("webhooks"))
        .map_err(respond::problem)?;
    Ok(console
        .caller
        .require_recent()
        .is_err()
        .then(|| reauthenticate_redirect(back)))
}

/// The secret, shown this once (`no-store`, like every console page).
pub fn show(
    console: &Console,
    secret: String,
    hook: HookRow,
    rotated: bool,
) -> Result<HttpResponse, AppError> {
    respond::page(&SecretPage {
        t: console.chrome.t,
        chrome: console.chrome(SECTION),
        secret,
        hook,
        rotated,
    })
}
