//! `/admin/branding` (S8): each organization's look on the hosted pages of
//! its applications — display name, colours, logo. Organization admins
//! brand only their organizations (others are not found), superusers any;
//! auditors only look. Every change goes through `crate::branding`, which
//! checks and audits it. The logo arrives as a multipart upload read with
//! a hard size limit (`web::upload`) after the organization is found.

use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use serde::Deserialize;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::csrf;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::branding::{self, Branding, LOGO_MAX, LookRequest, Refusal};
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;
use crate::web::upload::{self, UploadError};

/// Room for the upload form's other parts and headers besides the logo.
const FORM_SLACK: usize = 8 * 1024;
/// At most this many organizations on the overview.
const OVERVIEW_LIMIT: i64 = 500;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin/branding", web::get().to(get_overview))
        .route("/admin/branding/{org}", web::get().to(get_branding))
        .route("/admin/branding/{org}", web::post().to(post_look))
        .route("/admin/branding/{org}/logo", web::post().to(post_logo))
        .route(
            "/admin/branding/{org}/logo/remove",
            web::post().to(post_remove_logo),
        );
}

fn page_of(org: &OrganizationId) -> String {
    format!("/admin/branding/{org}")
}

#[derive(Template)]
#[template(path = "admin/branding/overview.html")]
pub struct OverviewPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub brandings: Vec<Branding>,
}

/// `GET /admin/branding`
pub async fn get_overview(
    console: Console,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("organizations"))
        .map_err(respond::problem)?;
    let brandings = branding::overview(
        &state,
        console.caller.reach.organization_ids(),
        OVERVIEW_LIMIT,
    )
    .await?;
    respond::page(&OverviewPage {
        t: console.chrome.t,
        chrome: console.chrome("branding"),
        brandings,
    })
}

/// The look form as posted (and shown again with a refused field).
#[derive(Debug, Default, Deserialize)]
pub struct LookForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub primary_color: String,
    #[serde(default)]
    pub accent_color: String,
}

crate::csrf_field!(LookForm);

#[derive(Template)]
#[template(path = "admin/branding/edit.html")]
pub struct BrandingPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub branding: Branding,
    pub form: LookForm,
    /// The field at fault, if any.
    pub invalid: Option<&'static str>,
    /// The largest logo, in KiB.
    pub logo_max_kib: usize,
}

impl BrandingPage {
    /// The message for `field` when it is the one at fault.
    pub fn error_for(&self, field: &str) -> Option<&'static str> {
        (self.invalid == Some(field)).then(|| {
            self.t.text(match field {
                "display_name" => "admin.branding.error.display_name",
                _ => "admin.branding.error.colour",
            })
        })
    }
}

/// The branding of `org` within the caller's reach (else 404).
async fn found(
    console: &Console,
    state: &AppState,
    org: &OrganizationId,
) -> Result<Branding, AppError> {
    branding::show(state, console.caller.reach.organization_ids(), org)
        .await?
        .ok_or(AppError::NotFound)
}

fn edit_page(
    console: &Console,
    branding: Branding,
    form: Option<LookForm>,
    invalid: Option<&'static str>,
) -> BrandingPage {
    let form = form.unwrap_or_else(|| LookForm {
        csrf_token: String::new(),
        display_name: branding.display_name.clone().unwrap_or_default(),
        primary_color: branding.primary_color.clone().unwrap_or_default(),
        accent_color: branding.accent_color.clone().unwrap_or_default(),
    });
    BrandingPage {
        t: console.chrome.t,
        chrome: console.chrome("branding"),
        branding,
        form,
        invalid,
        logo_max_kib: LOGO_MAX / 1024,
    }
}

/// `GET /admin/branding/{org}`
pub async fn get_branding(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("organizations"))
        .map_err(respond::problem)?;
    let org = OrganizationId::from(path.into_inner());
    let branding = found(&console, &state, &org).await?;
    respond::page(&edit_page(&console, branding, None, None))
}

fn may_brand(console: &Console) -> Result<(), AppError> {
    console
        .caller
        .require(Scope::write("organizations"))
        .map_err(respond::problem)
}

/// `POST /admin/branding/{org}`: display name and colours.
pub async fn post_look(
    console: Console,
    form: Checked<LookForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    may_brand(&console)?;
    let org = OrganizationId::from(path.into_inner());
    let form = form.into_inner();
    let request = LookRequest {
        display_name: form.display_name.clone(),
        primary_color: form.primary_color.clone(),
        accent_color: form.accent_color.clone(),
    };
    let reach = console.caller.reach.organization_ids();
    match branding::save_look(&state, &console.caller.actor, reach, &org, &request).await? {
        Ok(()) => Ok(respond::done(&page_of(&org), "branding_saved")),
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Invalid(field)) => {
            let current = found(&console, &state, &org).await?;
            let page = edit_page(&console, current, Some(form), Some(field));
            html(StatusCode::UNPROCESSABLE_ENTITY, &page, vec![])
        }
    }
}

/// `POST /admin/branding/{org}/logo`: a multipart form with the CSRF token
/// and the file. The organization is looked up (404) before the body is
/// read; the body is refused past the limit without reading the rest.
pub async fn post_logo(
    console: Console,
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    may_brand(&console)?;
    let org = OrganizationId::from(path.into_inner());
    found(&console, &state, &org).await?;
    let back = page_of(&org);
    let form = match upload::read_form(&req, payload, LOGO_MAX + FORM_SLACK).await {
        Ok(form) => form,
        Err(UploadError::TooLarge) => return Ok(respond::refused(&back, "logo_too_large")),
        Err(UploadError::Malformed) => return Ok(respond::refused(&back, "logo_missing")),
    };
    csrf::verify(
        &req,
        &state,
        Some(&console.current),
        form.field("csrf_token"),
    )?;
    let Some((_, bytes)) = form
        .file
        .filter(|(name, bytes)| name == "logo" && !bytes.is_empty())
    else {
        return Ok(respond::refused(&back, "logo_missing"));
    };
    let reach = console.caller.reach.organization_ids();
    match branding::save_logo(&state, &console.caller.actor, reach, &org, bytes).await? {
        Ok(_) => Ok(respond::done(&back, "logo_saved")),
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Invalid("logo_size")) => Ok(respond::refused(&back, "logo_too_large")),
        Err(Refusal::Invalid(_)) => Ok(respond::refused(&back, "logo_type")),
    }
}

/// `POST /admin/branding/{org}/logo/remove`
pub async fn post_remove_logo(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    may_brand(&console)?;
    let org = OrganizationId::from(path.into_inner());
    let reach = console.caller.reach.organization_ids();
    match branding::remove_logo(&state, &console.caller.actor, reach, &org).await? {
        Ok(()) => Ok(respond::done(&page_of(&org), "logo_removed")),
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Invalid(_)) => Ok(respond::refused(&page_of(&org), "logo_missing")),
    }
}
