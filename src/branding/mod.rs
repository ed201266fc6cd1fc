//! Organizations' branding (S8): a display name, a logo and two colours
//! that the hosted pages of the organization's applications show. One
//! service for the console (and any later API): every change is checked
//! here, limited to the caller's organizations (others are not found) and
//! audited. Logos are judged by their bytes ([`image`]); colours are only
//! ever `#rrggbb` and reach pages as a generated stylesheet ([`theme`]).

pub mod image;
pub mod theme;

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::sha256_hex;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::branding::{self as rows, LookRow};
use crate::store::{naive, orgs, write_tx};

use image::ImageType;
use theme::Colour;

/// The largest logo accepted, in bytes.
pub const LOGO_MAX: usize = 256 * 1024;
/// The longest display name, in characters.
const NAME_MAX: usize = 100;

/// An organization's branding as the console shows it.
#[derive(Debug, Clone)]
pub struct Branding {
    pub organization_id: OrganizationId,
    pub organization_name: String,
    pub display_name: Option<String>,
    pub primary_color: Option<String>,
    pub accent_color: Option<String>,
    /// Whether a logo is stored.
    pub logo: bool,
    /// Changes with every change (for the logo's and theme's URLs).
    pub version: i64,
}

/// The branding a hosted page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brand {
    pub organization_id: String,
    /// The display name, else the organization's name.
    pub name: String,
    /// Whether a display name was set (shown when there is no logo).
    pub named: bool,
    pub logo: bool,
    /// Whether there are colours (a theme stylesheet to link).
    pub themed: bool,
    pub version: i64,
}

impl Brand {
    /// Whether the page shows the brand's logo or name.
    pub fn banner(&self) -> bool {
        self.logo || self.named
    }
}

/// The look an administrator asks for, as typed (empty: none).
#[derive(Debug, Clone, Default)]
pub struct LookRequest {
    pub display_name: String,
    pub primary_color: String,
    pub accent_color: String,
}

/// Why a change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such organization in the caller's reach.
    NotFound,
    /// This field is not acceptable: `display_name`, `primary_color`,
    /// `accent_color`, `logo` (not PNG, JPEG or WebP) or `logo_size`.
    Invalid(&'static str),
}

fn version(at: NaiveDateTime) -> i64 {
    at.and_utc().timestamp_micros()
}

fn branding(org: orgs::Organization, look: Option<LookRow>) -> Branding {
    let look = look.as_ref();
    Branding {
        organization_id: org.id,
        organization_name: org.name,
        display_name: look.and_then(|l| l.display_name.clone()),
        primary_color: look.and_then(|l| l.primary_color.clone()),
        accent_color: look.and_then(|l| l.accent_color.clone()),
        logo: look.is_some_and(|l| l.logo_type.is_some()),
        version: look.map_or(0, |l| version(l.updated_at)),
    }
}

/// The branding of `org` if it is in `reach` (`None`: every organization).
pub async fn show(
    state: &AppState,
    reach: Option<Vec<OrganizationId>>,
    org: &OrganizationId,
) -> Result<Option<Branding>, AppError> {
    let org = org.clone();
    state
        .db
        .run(move |conn| {
            let Some(found) = orgs::find_in(conn, reach.as_deref(), &org)? else {
                return Ok(None);
            };
            let look = rows::find_look(conn, &org)?;
            Ok(Some(branding(found, look)))
        })
        .await
}

/// The branding of every organization in `reach` (at most `limit`), by name.
pub async fn overview(
    state: &AppState,
    reach: Option<Vec<OrganizationId>>,
    limit: i64,
) -> Result<Vec<Branding>, AppError> {
    let mut all = state
        .db
        .run(move |conn| {
            let found = orgs::page(conn, reach.as_deref(), None, None, limit)?;
            let ids: Vec<OrganizationId> = found.iter().map(|o| o.id.clone()).collect();
            let mut looks = rows::looks_of(conn, &ids)?;
            Ok(found
                .into_iter()
                .map(|org| {
                    let look = looks
                        .iter()
                        .position(|l| l.organization_id == org.id)
                        .map(|i| looks.swap_remove(i));
                    branding(org, look)
                })
                .collect::<Vec<_>>())
        })
        .await?;
    all.sort_by_key(|b| b.organization_name.to_lowercase());
    Ok(all)
}

/// A checked display name (trimmed; empty: none).
fn display_name(raw: &str) -> Result<Option<String>, Refusal> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(Refusal::Invalid("display_name"));
    }
    Ok(Some(name.to_owned()))
}

/// A checked colour (empty: none), as stored: `#rrggbb` in lower case.
fn colour(raw: &str, field: &'static str) -> Result<Option<String>, Refusal> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Colour::parse(raw)
        .map(|c| Some(c.to_string()))
        .ok_or(Refusal::Invalid(field))
}

/// Set the display name and colours of `org`, as `actor` reaching `reach`.
pub async fn save_look(
    state: &AppState,
    actor: &Actor,
    reach: Option<Vec<OrganizationId>>,
    org: &OrganizationId,
    request: &LookRequest,
) -> Result<Result<(), Refusal>, AppError> {
    let checked = display_name(&request.display_name).and_then(|name| {
        Ok((
            name,
            colour(&request.primary_color, "primary_color")?,
            colour(&request.accent_color, "accent_color")?,
        ))
    });
    let (name, primary, accent) = match checked {
        Ok(parts) => parts,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let (actor, org, now) = (actor.clone(), org.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if orgs::find_in(conn, reach.as_deref(), &org)?.is_none() {
                    return Ok(Err(Refusal::NotFound));
                }
                let before = rows::find_look(conn, &org)?;
                rows::save_look(
                    conn,
                    &org,
                    name.as_deref(),
                    primary.as_deref(),
                    accent.as_deref(),
                    naive(now),
                    actor.id.as_deref(),
                )?;
                let look = |name: Option<&str>, p: Option<&str>, a: Option<&str>| {
                    json!({ "display_name": name, "primary_color": p, "accent_color": a })
                };
                let before = before.as_ref();
                let event = Event::new(Action::BrandingUpdated, Outcome::Success)
                    .target("organization", org.as_str())
                    .organization(org.as_str())
                    .details(json!({
                        "before": look(
                            before.and_then(|b| b.display_name.as_deref()),
                            before.and_then(|b| b.primary_color.as_deref()),
                            before.and_then(|b| b.accent_color.as_deref()),
                        ),
                        "after": look(name.as_deref(), primary.as_deref(), accent.as_deref()),
                    }));
                audit::record(conn, &actor, event, now)?;
                Ok(Ok(()))
            })
        })
        .await
}

/// Store `bytes` as the logo of `org` when they are a PNG, JPEG or WebP
/// image of at most [`LOGO_MAX`] bytes.
pub async fn save_logo(
    state: &AppState,
    actor: &Actor,
    reach: Option<Vec<OrganizationId>>,
    org: &OrganizationId,
    bytes: Vec<u8>,
) -> Result<Result<ImageType, Refusal>, AppError> {
    if bytes.len() > LOGO_MAX {
        return Ok(Err(Refusal::Invalid("logo_size")));
    }
    let Some(kind) = image::detect(&bytes) else {
        return Ok(Err(Refusal::Invalid("logo")));
    };
    let (actor, org, now) = (actor.clone(), org.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if orgs::find_in(conn, reach.as_deref(), &org)?.is_none() {
                    return Ok(Err(Refusal::NotFound));
                }
                rows::save_logo(
                    conn,
                    &org,
                    Some((kind.mime(), &bytes)),
                    naive(now),
                    actor.id.as_deref(),
                )?;
                let event = Event::new(Action::BrandingLogoChanged, Outcome::Success)
                    .target("organization", org.as_str())
                    .organization(org.as_str())
                    .details(json!({
                        "type": kind.mime(),
                        "bytes": bytes.len(),
                        "sha256": sha256_hex(&bytes),
                    }));
                audit::record(conn, &actor, event, now)?;
                Ok(Ok(kind))
            })
        })
        .await
}

/// Remove the logo of `org`.
pub async fn remove_logo(
    state: &AppState,
    actor: &Actor,
    reach: Option<Vec<OrganizationId>>,
    org: &OrganizationId,
) -> Result<Result<(), Refusal>, AppError> {
    let (actor, org, now) = (actor.clone(), org.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if orgs::find_in(conn, reach.as_deref(), &org)?.is_none() {
                    return Ok(Err(Refusal::NotFound));
                }
                rows::save_logo(conn, &org, None, naive(now), actor.id.as_deref())?;
                let event = Event::new(Action::BrandingLogoRemoved, Outcome::Success)
                    .target("organization", org.as_str())
                    .organization(org.as_str());
                audit::record(conn, &actor, event, now)?;
                Ok(Ok(()))
            })
        })
        .await
}

/// What the hosted pages of `org`'s applications show, if it is branded.
pub async fn brand_of(state: &AppState, org: &OrganizationId) -> Result<Option<Brand>, AppError> {
    let org = org.clone();
    state
        .db
        .run(move |conn| {
            let Some(look) = rows::find_look(conn, &org)? else {
                return Ok(None);
            };
            let Some(name) = orgs::name_of(conn, &org)? else {
                return Ok(None);
            };
            Ok(Some(Brand {
                organization_id: org.to_string(),
                named: look.display_name.is_some(),
                name: look.display_name.clone().unwrap_or(name),
                logo: look.logo_type.is_some(),
                themed: look.primary_color.is_some() || look.accent_color.is_some(),
                version: version(look.updated_at),
            }))
        })
        .await
}

/// The theme stylesheet of `org`, if it is branded.
pub async fn stylesheet(
    state: &AppState,
    org: &OrganizationId,
) -> Result<Option<String>, AppError> {
    let org = org.clone();
    let look = state
        .db
        .run(move |conn| rows::find_look(conn, &org))
        .await?;
    Ok(look.map(|l| {
        let parse = |c: Option<String>| c.as_deref().and_then(Colour::parse);
        theme::stylesheet(parse(l.primary_color), parse(l.accent_color))
    }))
}

/// The logo of `org`: its type (as detected when stored) and bytes.
pub async fn logo(
    state: &AppState,
    org: &OrganizationId,
) -> Result<Option<(ImageType, Vec<u8>)>, AppError> {
    let org = org.clone();
    let found = state
        .db
        .run(move |conn| rows::find_logo(conn, &org))
        .await?;
    Ok(found.and_then(|(mime, bytes, _)| {
        // Served only as one of our types, checked again on the way out.
        let kind = ImageType::from_mime(&mime)?;
        (image::detect(&bytes) == Some(kind)).then_some((kind, bytes))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_colours_are_checked() {
        assert_eq!(display_name("  Acme  "), Ok(Some("Acme".into())));
        assert_eq!(display_name(" "), Ok(None));
        assert_eq!(
            display_name("a\u{7}b"),
            Err(Refusal::Invalid("display_name"))
        );
        assert_eq!(
            display_name(&"x".repeat(101)),
            Err(Refusal::Invalid("display_name"))
        );
        assert_eq!(
            colour("#AABBCC", "primary_color"),
            Ok(Some("#aabbcc".into()))
        );
        assert_eq!(colour("", "primary_color"), Ok(None));
        assert_eq!(
            colour("red", "accent_color"),
            Err(Refusal::Invalid("accent_color"))
        );
    }
}
