//! `/admin/signing-keys` (S3, S8, SR-101): the token signing keys — which
//! one signs now (current), which one is published to sign next, which
//! are retired but still published — and their rotation. Global reach
//! only; rotating needs a recent sign-in. Both go through the admin API's
//! `listing` and `rotate_as`, so the rules are the API's.

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use serde::Deserialize;

use crate::admin::api::signing_keys::{global, listing, rotate_as};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::auth::recent::reauthenticate_redirect;
use crate::crypto::signing::Alg;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::keys::signing::KeyListing;
use crate::state::AppState;

const PAGE: &str = "/admin/signing-keys";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(PAGE, web::get().to(get_keys))
        .route("/admin/signing-keys/rotate", web::post().to(post_rotate));
}

/// The keys of one algorithm, the one that signs first.
pub struct AlgKeys {
    pub alg: String,
    pub keys: Vec<KeyRow>,
}

/// One key as the page shows it.
pub struct KeyRow {
    pub kid: String,
    /// `current`, `next` or `retired`.
    pub state: String,
    pub created_at: String,
    pub activated_at: Option<String>,
    pub retired_at: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/keys/signing_keys.html")]
pub struct SigningKeysPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub groups: Vec<AlgKeys>,
}

fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Keys grouped by algorithm (in `Alg::ALL` order), current then next
/// then retired, newest first within a state.
fn grouped(mut keys: Vec<KeyListing>) -> Vec<AlgKeys> {
    let rank = |state: &str| match state {
        "current" => 0,
        "next" => 1,
        _ => 2,
    };
    keys.sort_by(|a, b| {
        rank(&a.state)
            .cmp(&rank(&b.state))
            .then(b.created_at.cmp(&a.created_at))
    });
    Alg::ALL
        .iter()
        .map(|alg| AlgKeys {
            alg: alg.as_str().to_owned(),
            keys: keys
                .iter()
                .filter(|k| k.alg == alg.as_str())
                .map(|k| KeyRow {
                    kid: k.kid.clone(),
                    state: k.state.clone(),
                    created_at: when(k.created_at),
                    activated_at: k.activated_at.map(when),
                    retired_at: k.retired_at.map(when),
                })
                .collect(),
        })
        .filter(|g| !g.keys.is_empty())
        .collect()
}

/// `GET /admin/signing-keys`
pub async fn get_keys(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let keys = listing(&state, &console.caller)
        .await
        .map_err(respond::problem)?;
    respond::page(&SigningKeysPage {
        t: console.chrome.t,
        chrome: console.chrome("signing-keys"),
        groups: grouped(keys),
    })
}

/// The rotate button's form.
#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    alg: String,
}

crate::csrf_field!(RotateForm);

/// `POST /admin/signing-keys/rotate`: the next key of `alg` signs from now
/// on; a stale sign-in is sent to sign in again first (SR-101).
pub async fn post_rotate(
    console: Console,
    form: Checked<RotateForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::write("keys"))
        .and_then(|()| global(caller))
        .map_err(respond::problem)?;
    if caller.require_recent().is_err() {
        return Ok(reauthenticate_redirect(PAGE));
    }
    let Ok(alg) = form.alg.parse::<Alg>() else {
        return Ok(respond::refused(PAGE, "signing_key_alg"));
    };
    rotate_as(&state, caller, alg)
        .await
        .map_err(respond::problem)?;
    Ok(respond::done(PAGE, "signing_key_rotated"))
}
