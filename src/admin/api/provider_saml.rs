//! The SAML fields of `/api/v1/providers` (issues 14 and 15): a new SAML
//! provider is prepared from `metadata_url` or `metadata_xml` (exactly
//! one) by `federation::saml_metadata` — the CLI's `prepare` — before the
//! registry checks and stores it; a change may replace the IdP metadata
//! (our SP key is kept) and the attribute names; `POST
//! …/{id}/refresh-metadata` fetches a URL-based provider's metadata again
//! (`federation::saml_refresh`, as the daily job). Without the `saml`
//! feature, kind `saml` is a 422 "not available in this build".

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::federation::Kind;
use crate::federation::registry::{self, Reach};
#[cfg(feature = "saml")]
use crate::federation::saml_metadata::{self, Input, Source};
use crate::federation::saml_refresh::Refreshed;
use crate::federation::saml_settings::SamlSettings;
use crate::federation::spec::ProviderSpec;
use crate::state::AppState;

/// The SAML fields of a new provider (`NewProvider`'s).
#[derive(Debug, Clone, Default)]
pub struct SamlFields {
    pub metadata_url: Option<String>,
    pub metadata_xml: Option<String>,
    pub saml_preset: Option<SamlPreset>,
    pub attribute_email: Option<String>,
    pub attribute_name: Option<String>,
    pub attribute_groups: Option<String>,
    pub allow_idp_initiated: Option<bool>,
}

/// The SAML fields of a change (`ProviderChange`'s; `Some(None)`: `null`).
#[derive(Debug, Clone, Default)]
pub struct SamlFieldChanges {
    pub metadata_url: Option<String>,
    pub metadata_xml: Option<String>,
    pub attribute_email: Option<Option<String>>,
    pub attribute_name: Option<Option<String>>,
    pub attribute_groups: Option<Option<String>>,
    pub allow_idp_initiated: Option<bool>,
}

/// The attribute names of a SAML IdP product.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SamlPreset {
    Entra,
    Okta,
    Adfs,
    Google,
}

impl SamlPreset {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entra => "entra",
            Self::Okta => "okta",
            Self::Adfs => "adfs",
            Self::Google => "google",
        }
    }
}

const NOT_BUILT: &str = "kind saml is not available in this build (built without the saml feature)";

/// A message of `saml_metadata` as a problem naming the field.
#[cfg(feature = "saml")]
fn problem(message: &str) -> Problem {
    let (field, text) = crate::federation::spec::for_api(message);
    let text = text
        .strip_prefix(&format!("{field}: "))
        .map_or(text.clone(), str::to_owned);
    Problem::unprocessable(&field, text)
}

/// Exactly one of `metadata_url` and `metadata_xml`.
fn one_source<'a>(
    url: &'a Option<String>,
    xml: &'a Option<String>,
) -> Result<Option<Result<&'a str, &'a str>>, Problem> {
    match (url, xml) {
        (Some(_), Some(_)) => Err(Problem::unprocessable(
            "metadata_url",
            "give exactly one of metadata_url and metadata_xml",
        )),
        (Some(url), None) => Ok(Some(Ok(url))),
        (None, Some(xml)) => Ok(Some(Err(xml))),
        (None, None) => Ok(None),
    }
}

/// The first SAML field `b` sets, for a kind it does not apply to.
fn first_field(b: &SamlFields) -> Option<&'static str> {
    [
        ("metadata_url", b.metadata_url.is_some()),
        ("metadata_xml", b.metadata_xml.is_some()),
        ("saml_preset", b.saml_preset.is_some()),
        ("attribute_email", b.attribute_email.is_some()),
        ("attribute_name", b.attribute_name.is_some()),
        ("attribute_groups", b.attribute_groups.is_some()),
        ("allow_idp_initiated", b.allow_idp_initiated.is_some()),
    ]
    .into_iter()
    .find_map(|(field, set)| set.then_some(field))
}

/// The prepared settings and SP key (PEM) of a new provider of kind
/// `saml`; `None` for other kinds (which may set no SAML field).
pub async fn prepare(
    state: &AppState,
    kind: Kind,
    has_client_secret: bool,
    b: &SamlFields,
) -> Result<Option<(SamlSettings, String)>, Problem> {
    if kind != Kind::Saml {
        return match first_field(b) {
            Some(field) => Err(Problem::unprocessable(
                field,
                format!("does not apply to kind {}", kind.as_str()),
            )),
            None => Ok(None),
        };
    }
    if !cfg!(feature = "saml") {
        return Err(Problem::unprocessable("kind", NOT_BUILT));
    }
    if has_client_secret {
        return Err(Problem::unprocessable(
            "client_secret",
            "does not apply to kind saml (its key is made by Ostiary)",
        ));
    }
    let Some(source) = one_source(&b.metadata_url, &b.metadata_xml)? else {
        return Err(Problem::unprocessable(
            "metadata_url",
            "kind saml needs metadata_url or metadata_xml",
        ));
    };
    prepare_saml(state, b, source).await.map(Some)
}

#[cfg(feature = "saml")]
async fn prepare_saml(
    state: &AppState,
    b: &SamlFields,
    source: Result<&str, &str>,
) -> Result<(SamlSettings, String), Problem> {
    let input = Input {
        source: Some(source_of(source)),
        preset: b.saml_preset.map(|p| p.as_str().to_owned()),
        attribute_email: b.attribute_email.clone(),
        attribute_name: b.attribute_name.clone(),
        attribute_groups: b.attribute_groups.clone(),
        allow_idp_initiated: b.allow_idp_initiated.unwrap_or(false),
    };
    saml_metadata::prepare_input(state, input)
        .await
        .map_err(|m| problem(&m))
}

#[cfg(not(feature = "saml"))]
async fn prepare_saml(
    _state: &AppState,
    _b: &SamlFields,
    _source: Result<&str, &str>,
) -> Result<(SamlSettings, String), Problem> {
    Err(Problem::unprocessable("kind", NOT_BUILT))
}

#[cfg(feature = "saml")]
fn source_of(source: Result<&str, &str>) -> Source {
    match source {
        Ok(url) => Source::Url(url.to_owned()),
        Err(xml) => Source::Text {
            flag: "--metadata-xml",
            xml: xml.to_owned(),
        },
    }
}

/// A new IdP metadata document, checked.
#[derive(Debug, Clone)]
struct Document {
    xml: String,
    url: Option<String>,
    entity_id: String,
}

/// The SAML part of a change, taken out of the request (checked and the
/// document loaded before the registry's write).
#[derive(Debug, Clone, Default)]
pub struct SamlChange {
    document: Option<Document>,
    attribute_email: Option<Option<String>>,
    attribute_name: Option<Option<String>>,
    attribute_groups: Option<Option<String>>,
    allow_idp_initiated: Option<bool>,
}

impl SamlChange {
    /// Apply to the provider's current spec (inside the registry's write).
    pub fn apply(self, spec: &mut ProviderSpec) {
        let Some(s) = spec.saml.as_mut() else {
            return;
        };
        if let Some(d) = self.document {
            s.metadata_url = d.url;
            s.idp_entity_id = d.entity_id;
            s.idp_metadata = d.xml;
        }
        for (slot, value) in [
            (&mut s.attribute_email, self.attribute_email),
            (&mut s.attribute_name, self.attribute_name),
            (&mut s.attribute_groups, self.attribute_groups),
        ] {
            if let Some(v) = value {
                *slot = v;
            }
        }
        if let Some(on) = self.allow_idp_initiated {
            s.allow_idp_initiated = on;
        }
    }
}

/// The SAML fields of a change of provider `id`: refused for
/// another kind; a new document fetched (or read) and checked now.
pub async fn change(
    state: &AppState,
    reach: &Reach,
    id: &str,
    change: SamlFieldChanges,
) -> Result<SamlChange, Problem> {
    let (url, xml) = (change.metadata_url, change.metadata_xml);
    let out = SamlChange {
        document: None,
        attribute_email: change.attribute_email,
        attribute_name: change.attribute_name,
        attribute_groups: change.attribute_groups,
        allow_idp_initiated: change.allow_idp_initiated,
    };
    let any = url.is_some()
        || xml.is_some()
        || out.attribute_email.is_some()
        || out.attribute_name.is_some()
        || out.attribute_groups.is_some()
        || out.allow_idp_initiated.is_some();
    if !any {
        return Ok(out);
    }
    let current = registry::show(state, reach, id, false).await?;
    if current.kind != Kind::Saml {
        let field = [
            ("metadata_url", url.is_some()),
            ("metadata_xml", xml.is_some()),
            ("attribute_email", out.attribute_email.is_some()),
            ("attribute_name", out.attribute_name.is_some()),
            ("allow_idp_initiated", out.allow_idp_initiated.is_some()),
        ]
        .into_iter()
        .find_map(|(f, set)| set.then_some(f))
        .unwrap_or("attribute_groups");
        return Err(Problem::unprocessable(
            field,
            format!("does not apply to kind {}", current.kind.as_str()),
        ));
    }
    match one_source(&url, &xml)? {
        None => Ok(out),
        Some(source) => Ok(SamlChange {
            document: Some(load(state, source).await?),
            ..out
        }),
    }
}

#[cfg(feature = "saml")]
async fn load(state: &AppState, source: Result<&str, &str>) -> Result<Document, Problem> {
    let loaded = saml_metadata::load(state, &source_of(source))
        .await
        .map_err(|m| problem(&m))?;
    Ok(Document {
        xml: loaded.xml,
        url: loaded.url,
        entity_id: loaded.entity_id,
    })
}

#[cfg(not(feature = "saml"))]
async fn load(_state: &AppState, _source: Result<&str, &str>) -> Result<Document, Problem> {
    Err(Problem::unprocessable("kind", NOT_BUILT))
}

/// `POST /api/v1/providers/{id}/refresh-metadata`
#[utoipa::path(
    post,
    path = "/api/v1/providers/{id}/refresh-metadata",
    tag = "providers",
    params(("id" = String, Path, description = "The provider's id")),
    responses(
        (status = 200, description = "SAML: the IdP metadata fetched again from its URL (as the daily job does) and checked like at creation. `result`: `unchanged`, `updated` (audited as provider.metadata_refreshed with the certificates' fingerprints) or `kept` (refused — an error, another entity id —: the stored metadata stays, `reason` says why, audited as provider.metadata_refresh_failed)", body = Refreshed),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn refresh_metadata(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("providers"))?;
    let reach = Reach {
        organizations: caller.reach.organization_ids(),
    };
    refresh(&state, &caller, &reach, &path.into_inner()).await
}

#[cfg(feature = "saml")]
async fn refresh(
    state: &AppState,
    caller: &Caller,
    reach: &Reach,
    id: &str,
) -> Result<HttpResponse, Problem> {
    use crate::federation::saml_refresh::{self, NotRefreshable};
    match saml_refresh::refresh(state, &caller.actor, reach, id).await? {
        Ok(done) => Ok(HttpResponse::Ok().json(done)),
        Err(NotRefreshable::NotSaml) => Err(Problem::unprocessable(
            "id",
            "is not a SAML provider: only SAML metadata is refreshed",
        )),
        Err(NotRefreshable::NoUrl) => Err(Problem::unprocessable(
            "metadata_url",
            "this provider's metadata was given as a document: there is no URL to fetch it from (send a new metadata_xml or metadata_url with PATCH)",
        )),
    }
}

#[cfg(not(feature = "saml"))]
async fn refresh(
    state: &AppState,
    _caller: &Caller,
    reach: &Reach,
    id: &str,
) -> Result<HttpResponse, Problem> {
    registry::show(state, reach, id, false).await?;
    Err(Problem::unprocessable("kind", NOT_BUILT))
}
