//! Making and rotating admin-API keys in the console (S8, SR-56, SR-101):
//! the form (name, scopes, organization, expiry, networks, rate, vendor
//! duty), and the key itself shown once on the answer to the post, with a
//! copy button. Both need a recent sign-in; both go through the admin
//! API's `spec_of`/`manager`/`overlap_of` and `admin::api_keys`, so the
//! API's rules (reach, no key stronger than its maker) hold here too.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use serde::Deserialize;

use crate::admin::api::api_key_ops::{CreateKey, manager, overlap_of, spec_of};
use crate::admin::api_keys::{self, Created, KeyRefusal};
use crate::admin::console::api_keys::{KeyRow, OVERLAPS, PAGE, overlap_key};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::org_options::{self, OrgOption};
use crate::admin::console::respond;
use crate::admin::scopes::{self, Scope};
use crate::auth::guard::{Checked, CsrfField};
use crate::auth::recent::reauthenticate_redirect;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;

const NEW: &str = "/admin/api-keys/new";

/// Registered before `api_keys::routes`: `/admin/api-keys/new` is no key id.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(PAGE, web::post().to(post_create))
        .route(NEW, web::get().to(get_new))
        .route("/admin/api-keys/{id}/rotate", web::post().to(post_rotate));
}

/// The new-key form as posted (`scope` repeats, one per checked box).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub struct KeyForm {
    pub csrf_token: String,
    pub name: String,
    pub organization_id: String,
    pub scopes: Vec<String>,
    pub expires_in: String,
    /// Addresses or CIDR blocks, one per line (or comma separated).
    pub allowed_ips: String,
    pub rate_limit_per_min: String,
    pub vendor: bool,
}

impl From<Vec<(String, String)>> for KeyForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf_token" => form.csrf_token = value,
                "name" => form.name = value,
                "organization_id" => form.organization_id = value,
                "scope" if form.scopes.len() < 64 => form.scopes.push(value),
                "expires_in" => form.expires_in = value,
                "allowed_ips" => form.allowed_ips = value,
                "rate_limit_per_min" => form.rate_limit_per_min = value,
                "vendor" => form.vendor = !value.is_empty(),
                _ => {}
            }
        }
        form
    }
}

impl CsrfField for KeyForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

fn given(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

impl KeyForm {
    /// The admin API's request for this form; a field name when the rate
    /// is no whole number.
    fn request(&self) -> Result<CreateKey, &'static str> {
        let rate_limit_per_min = match given(&self.rate_limit_per_min) {
            None => None,
            Some(raw) => Some(raw.parse::<i32>().map_err(|_| "rate_limit_per_min")?),
        };
        let nets: Vec<String> = self
            .allowed_ips
            .split(['\n', ','])
            .filter_map(given)
            .collect();
        Ok(CreateKey {
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            organization_id: given(&self.organization_id),
            expires_in: given(&self.expires_in),
            allowed_ips: (!nets.is_empty()).then_some(nets),
            rate_limit_per_min,
            vendor: self.vendor,
        })
    }

    pub fn has(&self, scope: &str) -> bool {
        self.scopes.iter().any(|s| s == scope)
    }

    /// Whether `area:mode` is checked.
    pub fn has_mode(&self, area: &str, mode: &str) -> bool {
        self.scopes
            .iter()
            .any(|s| s.split_once(':') == Some((area, mode)))
    }
}

/// One row of the scope choice: an area and whether it can be written.
pub struct AreaChoice {
    pub area: &'static str,
    pub label: String,
    pub writable: bool,
}

fn areas() -> Vec<AreaChoice> {
    scopes::AREAS
        .iter()
        .map(|area| AreaChoice {
            area,
            label: format!("admin.api_keys.area.{area}"),
            writable: *area != "audit",
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/keys/api_key_new.html")]
pub struct NewKeyPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub form: KeyForm,
    pub organizations: Vec<OrgOption>,
    pub areas: Vec<AreaChoice>,
    /// The field at fault, if any.
    pub invalid: Option<&'static str>,
}

impl NewKeyPage {
    /// The message for `field` when it is the one at fault.
    pub fn error_for(&self, field: &str) -> Option<&'static str> {
        (self.invalid == Some(field)).then(|| self.t.text(error_key(field)))
    }
}

/// The console's message for a refused field (never the service's words).
fn error_key(field: &str) -> &'static str {
    match field {
        "name" => "admin.api_keys.error.name",
        "scopes" => "admin.api_keys.error.scopes",
        "organization_id" => "admin.api_keys.error.organization",
        "expires_in" => "admin.api_keys.error.expires_in",
        "allowed_ips" => "admin.api_keys.error.allowed_ips",
        "rate_limit_per_min" => "admin.api_keys.error.rate_limit",
        "vendor" => "admin.api_keys.error.vendor",
        _ => "admin.error.invalid",
    }
}

/// The field a refusal names (`Problem`s and `KeyRefusal`s use the API's
/// field names).
fn refused_field(field: &str) -> &'static str {
    [
        "name",
        "scopes",
        "organization_id",
        "expires_in",
        "allowed_ips",
        "rate_limit_per_min",
        "vendor",
    ]
    .into_iter()
    .find(|f| *f == field)
    .unwrap_or("form")
}

#[derive(Template)]
#[template(path = "admin/keys/api_key_created.html")]
pub struct CreatedPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub key: String,
    pub view: KeyRow,
    /// For a rotation: how long the previous key keeps working.
    pub overlap: Option<&'static str>,
}

impl CreatedPage {
    pub fn overlap_label(&self, overlap: &str) -> &'static str {
        self.t.text(overlap_key(overlap))
    }
}

/// Refuse writers without `api-keys:write` (403); send a stale sign-in to
/// sign in again and come back to `back` (SR-101).
fn may_make_keys(console: &Console, back: &str) -> Result<Option<HttpResponse>, AppError> {
    console
        .caller
        .require(Scope::write("api-keys"))
        .map_err(respond::problem)?;
    Ok(console
        .caller
        .require_recent()
        .is_err()
        .then(|| reauthenticate_redirect(back)))
}

async fn form_page(
    console: &Console,
    state: &AppState,
    form: KeyForm,
    invalid: Option<&'static str>,
) -> Result<NewKeyPage, AppError> {
    Ok(NewKeyPage {
        t: console.chrome.t,
        chrome: console.chrome("api-keys"),
        form,
        organizations: org_options::in_reach(state, &console.caller).await?,
        areas: areas(),
        invalid,
    })
}

/// `GET /admin/api-keys/new`
pub async fn get_new(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(again) = may_make_keys(&console, NEW)? {
        return Ok(again);
    }
    let mut page = form_page(&console, &state, KeyForm::default(), None).await?;
    if !console.global()
        && let Some(first) = page.organizations.first()
    {
        page.form.organization_id = first.id.clone();
    }
    respond::page(&page)
}

fn created_page(
    console: &Console,
    state: &AppState,
    created: Created,
    overlap: Option<&'static str>,
) -> Result<HttpResponse, AppError> {
    respond::page(&CreatedPage {
        t: console.chrome.t,
        chrome: console.chrome("api-keys"),
        key: created.key,
        view: KeyRow::of(created.view, state.now()),
        overlap,
    })
}

/// `POST /admin/api-keys`: make the key and show it, this once.
pub async fn post_create(
    console: Console,
    form: Checked<KeyForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    if let Some(again) = may_make_keys(&console, NEW)? {
        return Ok(again);
    }
    let form = form.into_inner();
    let spec = form
        .request()
        .and_then(|body| spec_of(body).map_err(|p| first_field(&p.errors)));
    let outcome = match spec {
        Err(field) => Err(field),
        Ok(spec) => {
            let caller = &console.caller;
            api_keys::create_by(&state, &caller.actor, &manager(caller), spec)
                .await?
                .map_err(|refusal| match refusal {
                    KeyRefusal::Beyond(field) => refused_field(field),
                    KeyRefusal::Invalid(i) => refused_field(i.field),
                    KeyRefusal::NotFound | KeyRefusal::Dead | KeyRefusal::AlreadyRevoked => "form",
                })
        }
    };
    match outcome {
        Ok(created) => created_page(&console, &state, created, None),
        Err(field) => {
            let page = form_page(&console, &state, form, Some(field)).await?;
            html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
        }
    }
}

fn first_field(errors: &[crate::admin::api::problem::FieldError]) -> &'static str {
    errors
        .first()
        .map_or("form", |e| refused_field(e.field.as_str()))
}

/// The rotate button's form.
#[derive(Debug, Deserialize)]
pub struct RotateForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    overlap: String,
}

crate::csrf_field!(RotateForm);

/// `POST /admin/api-keys/{id}/rotate`: a new key with the same settings,
/// shown once; the old one works on for the chosen overlap.
pub async fn post_rotate(
    console: Console,
    form: Checked<RotateForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if let Some(again) = may_make_keys(&console, PAGE)? {
        return Ok(again);
    }
    let Some(chosen) = OVERLAPS.iter().find(|o| **o == form.overlap) else {
        return Ok(respond::refused(PAGE, "api_key_overlap"));
    };
    let overlap = overlap_of(Some(chosen)).map_err(respond::problem)?;
    let caller = &console.caller;
    let rotated = api_keys::rotate_by(
        &state,
        &caller.actor,
        &manager(caller),
        &path.into_inner(),
        overlap,
    )
    .await?;
    match rotated {
        Ok(created) => created_page(&console, &state, created, Some(chosen)),
        Err(KeyRefusal::NotFound) => Err(AppError::NotFound),
        Err(KeyRefusal::Dead | KeyRefusal::AlreadyRevoked) => {
            Ok(respond::refused(PAGE, "api_key_dead"))
        }
        Err(KeyRefusal::Beyond(_)) => Ok(respond::refused(PAGE, "api_key_beyond")),
        Err(KeyRefusal::Invalid(_)) => Ok(respond::refused(PAGE, "api_key_overlap")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn every_area_and_overlap_has_words() {
        let t = Tr::new(Locale::En);
        for area in areas() {
            assert!(t.try_text(&area.label).is_some(), "{}", area.label);
        }
        for overlap in OVERLAPS {
            assert!(overlap_parses(overlap), "{overlap}");
            assert!(t.try_text(overlap_key(overlap)).is_some(), "{overlap}");
        }
    }

    fn overlap_parses(overlap: &str) -> bool {
        overlap_of(Some(overlap)).is_ok()
    }

    #[test]
    fn the_form_reads_repeated_scopes_and_lines_of_networks() {
        let pairs = [
            ("csrf_token", "t"),
            ("name", "Sync"),
            ("scope", "users:read"),
            ("scope", "audit:read"),
            (
                "allowed_ips",
                "10.0.0.0/8\r\n\r\n 192.0.2.1 ,198.51.100.0/24",
            ),
            ("rate_limit_per_min", " 60 "),
            ("vendor", "1"),
        ];
        let form = KeyForm::from(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>(),
        );
        assert!(form.has_mode("audit", "read") && !form.has_mode("audit", "write"));
        let request = form.request().unwrap();
        assert_eq!(request.scopes, ["users:read", "audit:read"]);
        assert_eq!(
            request.allowed_ips.unwrap(),
            ["10.0.0.0/8", "192.0.2.1", "198.51.100.0/24"]
        );
        assert_eq!(request.rate_limit_per_min, Some(60));
        assert!(request.vendor && request.organization_id.is_none());
        let bad = KeyForm {
            rate_limit_per_min: "many".into(),
            ..KeyForm::default()
        };
        assert_eq!(bad.request().err(), Some("rate_limit_per_min"));
    }
}
