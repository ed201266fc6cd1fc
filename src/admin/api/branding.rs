//! `/api/v1/organizations/{id}/branding` (S8): an organization's display
//! name, colours and logo, through [`crate::branding`], the service the
//! console uses (checks, reach and audit there). Reading needs
//! `organizations:read`, changing `organizations:write`. The logo is the
//! raw body of `PUT …/branding/logo` (PNG, JPEG or WebP, judged by its
//! bytes, at most 256 KiB, refused past the limit while reading).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Missing, Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::branding::{self, Branding, LOGO_MAX, LookRequest, Refusal};
use crate::domain::OrganizationId;
use crate::state::AppState;
use crate::web::upload::{self, UploadError};

/// An organization's branding.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrandingView {
    pub organization_id: String,
    pub organization_name: String,
    /// Shown instead of the organization's name (when there is no logo).
    pub display_name: Option<String>,
    /// `#rrggbb`.
    pub primary_color: Option<String>,
    /// `#rrggbb`.
    pub accent_color: Option<String>,
    /// The logo's address, when there is one.
    pub logo_url: Option<String>,
    /// The stylesheet the hosted pages link, when there are colours.
    pub theme_url: Option<String>,
}

fn view(b: Branding) -> BrandingView {
    let base = format!("/branding/{}", b.organization_id);
    let themed = b.primary_color.is_some() || b.accent_color.is_some();
    BrandingView {
        logo_url: b.logo.then(|| format!("{base}/logo?v={}", b.version)),
        theme_url: themed.then(|| format!("{base}/theme.css?v={}", b.version)),
        organization_id: b.organization_id.to_string(),
        organization_name: b.organization_name,
        display_name: b.display_name,
        primary_color: b.primary_color,
        accent_color: b.accent_color,
    }
}

/// Body of `PUT …/branding`: the whole look (a field left out or `null`:
/// none). A display name with control characters answers 422.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LookBody {
    #[schema(max_length = 100)]
    pub display_name: Option<String>,
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$")]
    pub primary_color: Option<String>,
    #[schema(pattern = "^#[0-9A-Fa-f]{6}$")]
    pub accent_color: Option<String>,
}

/// A refusal of the branding service as the API's answer.
fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        Refusal::Invalid("display_name") => Problem::unprocessable(
            "display_name",
            "must be at most 100 characters, without control characters",
        ),
        Refusal::Invalid("logo_size") => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the logo must be at most 256 KiB",
        ),
        Refusal::Invalid("logo") => {
            Problem::unprocessable("logo", "must be a PNG, JPEG or WebP image")
        }
        Refusal::Invalid(field) => Problem::invalid(field, "must be a colour such as #1a2b3c"),
    }
}

async fn current(
    state: &AppState,
    caller: &Caller,
    org: &OrganizationId,
) -> Result<HttpResponse, Problem> {
    let found = branding::show(state, caller.reach.organization_ids(), org)
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok(HttpResponse::Ok().json(view(found)))
}

/// `GET /api/v1/organizations/{id}/branding`
#[utoipa::path(
    get,
    path = "/api/v1/organizations/{id}/branding",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 200, description = "The organization's branding", body = BrandingView),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("organizations"))?;
    current(&state, &caller, &OrganizationId::from(path.into_inner())).await
}

/// `PUT /api/v1/organizations/{id}/branding`
#[utoipa::path(
    put,
    path = "/api/v1/organizations/{id}/branding",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = LookBody,
    responses(
        (status = 200, description = "Saved (audited `branding.updated`)", body = BrandingView),
        (status = 422, description = "A display name with control characters", content_type = "application/problem+json"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn set_look(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<LookBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let org = OrganizationId::from(path.into_inner());
    let body = body.into_inner();
    // No colour is `null`; an empty text is no colour.
    for (field, value) in [
        ("primary_color", &body.primary_color),
        ("accent_color", &body.accent_color),
    ] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(refused(Refusal::Invalid(field)));
        }
    }
    let request = LookRequest {
        display_name: body.display_name.unwrap_or_default(),
        primary_color: body.primary_color.unwrap_or_default(),
        accent_color: body.accent_color.unwrap_or_default(),
    };
    let reach = caller.reach.organization_ids();
    branding::save_look(&state, &caller.actor, reach, &org, &request)
        .await?
        .map_err(refused)?;
    current(&state, &caller, &org).await
}

/// `PUT /api/v1/organizations/{id}/branding/logo`
#[utoipa::path(
    put,
    path = "/api/v1/organizations/{id}/branding/logo",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    request_body(
        content = Vec<u8>,
        content_type = "application/octet-stream",
        description = "The image itself: PNG, JPEG or WebP (judged by its bytes, not the declared type), at most 256 KiB"
    ),
    responses(
        (status = 200, description = "Saved (audited `branding.logo_changed`)", body = BrandingView),
        (status = 413, description = "Over 256 KiB (refused while reading)", content_type = "application/problem+json"),
        (status = 422, description = "Not a PNG, JPEG or WebP image (`errors[0].field` is `logo`)", content_type = "application/problem+json"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn set_logo(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let org = OrganizationId::from(path.into_inner());
    // Not found before the body is read.
    branding::show(&state, caller.reach.organization_ids(), &org)
        .await?
        .ok_or_else(Problem::not_found)?;
    let bytes = match upload::read_body(&req, payload, LOGO_MAX).await {
        Ok(bytes) => bytes,
        Err(UploadError::TooLarge) => return Err(refused(Refusal::Invalid("logo_size"))),
        Err(UploadError::Malformed) => return Err(refused(Refusal::Invalid("logo"))),
    };
    let reach = caller.reach.organization_ids();
    branding::save_logo(&state, &caller.actor, reach, &org, bytes.to_vec())
        .await?
        .map_err(refused)?;
    current(&state, &caller, &org).await
}

/// `DELETE /api/v1/organizations/{id}/branding/logo`
#[utoipa::path(
    delete,
    path = "/api/v1/organizations/{id}/branding/logo",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    responses(
        (status = 204, description = "Removed (audited `branding.logo_removed`)"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn remove_logo(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let org = OrganizationId::from(path.into_inner());
    let reach = caller.reach.organization_ids();
    branding::remove_logo(&state, &caller.actor, reach, &org)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::NoContent().finish())
}
