//! `/admin/api-keys` (S8, SR-56, SR-100): the admin-API keys in the
//! caller's reach — name, scopes, organization, expiry, last use, use
//! count, state — one key's page, and revoking one. Listing, showing and
//! revoking go through the admin API's `key_page`, `key_view` and
//! `admin::api_keys::revoke_by`, so reach and scopes are the API's;
//! making and rotating keys (a secret shown once) are in
//! `api_key_new`.

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::admin::api::api_key_ops::{key_page, key_view, manager};
use crate::admin::api::page::PageQuery;
use crate::admin::api_keys::{self, KeyRefusal, KeyView};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

pub const PAGE: &str = "/admin/api-keys";

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(PAGE, web::get().to(get_list))
        .route("/admin/api-keys/{id}", web::get().to(get_key))
        .route("/admin/api-keys/{id}/revoke", web::post().to(post_revoke));
}

/// How long a rotated key may keep working, as offered.
pub const OVERLAPS: &[&str] = &["0s", "1h", "1d", "7d"];

/// The message key naming an overlap of [`OVERLAPS`].
pub fn overlap_key(overlap: &str) -> &'static str {
    match overlap {
        "0s" => "admin.api_keys.overlap.0s",
        "1h" => "admin.api_keys.overlap.1h",
        "1d" => "admin.api_keys.overlap.1d",
        _ => "admin.api_keys.overlap.7d",
    }
}

/// A key as the list shows it.
pub struct KeyRow {
    pub id: String,
    pub name: String,
    pub prefix: String,
    /// The organization's name (none: a global key).
    pub organization: Option<String>,
    pub scopes: Vec<String>,
    pub vendor: bool,
    pub allowed_ips: Vec<String>,
    pub rate_limit_per_min: Option<i32>,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub last_used_ip: Option<String>,
    pub use_count: i64,
    /// `active`, `expired` or `revoked`.
    pub status: &'static str,
}

/// A time as the console shows it.
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

impl KeyRow {
    pub fn of(key: KeyView, now: DateTime<Utc>) -> Self {
        let status = if key.revoked_at.is_some() {
            "revoked"
        } else if key.expires_at.is_some_and(|at| at <= now) {
            "expired"
        } else {
            "active"
        };
        Self {
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            organization: key.organization,
            scopes: key.scopes,
            vendor: key.vendor,
            allowed_ips: key.allowed_ips,
            rate_limit_per_min: key.rate_limit_per_min,
            created_at: when(key.created_at),
            expires_at: key.expires_at.map(when),
            last_used_at: key.last_used_at.map(when),
            last_used_ip: key.last_used_ip,
            use_count: key.use_count,
            status,
        }
    }

    pub fn live(&self) -> bool {
        self.status == "active"
    }
}

#[derive(Template)]
#[template(path = "admin/keys/api_keys.html")]
pub struct ApiKeysPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub keys: Vec<KeyRow>,
    /// The link to the next page, if there is one.
    pub next: Option<String>,
    /// Whether this is a later page (a link back to the first).
    pub later: bool,
}

#[derive(Template)]
#[template(path = "admin/keys/api_key.html")]
pub struct ApiKeyPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub key: KeyRow,
    /// The overlaps a rotation offers.
    pub overlaps: &'static [&'static str],
}

impl ApiKeyPage {
    pub fn overlap_label(&self, overlap: &str) -> &'static str {
        self.t.text(overlap_key(overlap))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub cursor: Option<String>,
}

/// `GET /admin/api-keys`
pub async fn get_list(
    console: Console,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let later = query.cursor.is_some();
    let request = PageQuery {
        cursor: query.into_inner().cursor,
        ..PageQuery::default()
    }
    .check()
    .map_err(respond::problem)?;
    let page = key_page(&state, &console.caller, request)
        .await
        .map_err(respond::problem)?;
    let now = state.now();
    let next = page.next_cursor.map(|c| {
        let c: String = url::form_urlencoded::byte_serialize(c.as_bytes()).collect();
        format!("{PAGE}?cursor={c}")
    });
    respond::page(&ApiKeysPage {
        t: console.chrome.t,
        chrome: console.chrome("api-keys"),
        keys: page.items.into_iter().map(|k| KeyRow::of(k, now)).collect(),
        next,
        later,
    })
}

/// `GET /admin/api-keys/{id}`: one key, with rotate and revoke.
pub async fn get_key(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let key = key_view(&state, &console.caller, path.into_inner())
        .await
        .map_err(respond::problem)?;
    respond::page(&ApiKeyPage {
        t: console.chrome.t,
        chrome: console.chrome("api-keys"),
        key: KeyRow::of(key, state.now()),
        overlaps: OVERLAPS,
    })
}

/// `POST /admin/api-keys/{id}/revoke`: the key works no more.
pub async fn post_revoke(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::write("api-keys"))
        .map_err(respond::problem)?;
    let refusal =
        match api_keys::revoke_by(&state, &caller.actor, &manager(caller), &path.into_inner())
            .await?
        {
            Ok(_) => return Ok(respond::done(PAGE, "api_key_revoked")),
            Err(refusal) => refusal,
        };
    match refusal {
        KeyRefusal::NotFound => Err(AppError::NotFound),
        KeyRefusal::AlreadyRevoked | KeyRefusal::Dead => {
            Ok(respond::refused(PAGE, "api_key_revoked_already"))
        }
        KeyRefusal::Beyond(_) | KeyRefusal::Invalid(_) => {
            Ok(respond::refused(PAGE, "api_key_beyond"))
        }
    }
}
