//! Recent authentication (SR-82, SR-94): adding or removing a factor needs
//! a sign-in no older than `session.reauth_window_secs`; otherwise the user
//! is sent through `/login?force=1` and comes back to the same page.

use actix_web::HttpResponse;

use crate::auth::CurrentSession;
use crate::state::AppState;
use crate::store::utc;
use crate::web::render::see_other;

/// Whether the session's last sign-in is within the re-authentication window.
pub fn is_recent(state: &AppState, current: &CurrentSession) -> bool {
    let age = state.now() - utc(current.session.auth_time);
    age <= chrono::Duration::seconds(state.config.session.reauth_window_secs)
}

/// Where to send a user whose sign-in is too old: a forced login that
/// returns to `return_to` (a local path).
pub fn reauthenticate_redirect(return_to: &str) -> HttpResponse {
    let target = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("force", "1")
        .append_pair("return_to", return_to)
        .finish();
    see_other(&format!("/login?{target}"), vec![])
}
