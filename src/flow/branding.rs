//! `GET /branding/{organization}/logo` and `…/theme.css` (S8): what the
//! hosted pages of a branded organization's applications load. Public
//! (sign-in pages are shown before anybody signs in). The logo is served
//! only with the type its bytes were found to be, never sniffed, never
//! run as a document; the stylesheet holds only colours checked as
//! `#rrggbb`. Pages link both with the branding's version in the query,
//! so they are cached for a day.

use actix_web::http::header::{self, HeaderName};
use actix_web::{HttpResponse, web};

use crate::branding;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::state::AppState;

/// How long browsers keep a logo or theme (its URL changes with it).
const CACHE: &str = "public, max-age=86400";

/// The organization of the path, if it can be one (a UUID).
fn organization(path: &str) -> Result<OrganizationId, AppError> {
    let plain =
        (1..=64).contains(&path.len()) && path.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    if plain {
        Ok(OrganizationId::from(path))
    } else {
        Err(AppError::NotFound)
    }
}

/// `GET /branding/{organization}/logo`
pub async fn get_logo(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let org = organization(&path)?;
    let (kind, bytes) = branding::logo(&state, &org)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, kind.mime()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, CACHE))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .insert_header((
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ))
        .body(bytes))
}

/// `GET /branding/{organization}/theme.css`
pub async fn get_theme(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let org = organization(&path)?;
    let css = branding::stylesheet(&state, &org)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, CACHE))
        .body(css))
}
