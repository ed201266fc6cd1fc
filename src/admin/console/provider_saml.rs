//! SAML in the console's provider wizard and page (issues 14 and 15): our
//! SP's addresses to register at the IdP (they hold the provider's id,
//! handed out with the wizard's form), a new provider prepared from its
//! metadata URL by `federation::saml_metadata` — the CLI's and the admin
//! API's `prepare` — and a new metadata URL on a provider's page fetched
//! and checked the same way before the registry stores it (our SP key is
//! kept). What was wrong goes next to the field; the details to the log.

use actix_web::web::FormConfig;

use crate::admin::console::provider_form::{FieldErrors, ProviderForm};
use crate::error::AppError;
use crate::federation::registry::{ProviderView, Refusal};
use crate::federation::saml_settings::{self, SamlSettings};
use crate::federation::spec;
use crate::state::AppState;

/// The body limit of the provider forms: a pasted metadata document (at
/// most 1 MiB, `saml_metadata::MAX_METADATA`) form-encoded, and the rest.
pub const FORM_LIMIT: usize = 3 * 1024 * 1024 + 16 * 1024;

/// The provider forms' body limit (the console's other forms keep 16 KiB);
/// an unreadable form is refused as everywhere (`routes`).
pub fn form_config() -> FormConfig {
    FormConfig::default()
        .limit(FORM_LIMIT)
        .error_handler(|err, _| {
            tracing::info!(error = %err, "unreadable form");
            AppError::BadRequest(crate::i18n::Tr::current().text("error.form").into()).into()
        })
}

/// Our SP's addresses for provider `id`: what to register at the IdP.
#[derive(Debug, Clone)]
pub struct SpUrls {
    pub entity_id: String,
    pub acs_url: String,
    pub metadata_url: String,
}

impl SpUrls {
    pub fn of(state: &AppState, id: &str) -> Self {
        let base = state.config.public_base();
        let base = base.trim_end_matches('/');
        Self {
            entity_id: saml_settings::entity_id(base, id),
            acs_url: saml_settings::acs_url(base, id),
            metadata_url: saml_settings::metadata_url(base, id),
        }
    }
}

/// A message of `saml_metadata` next to its field.
fn refused(message: &str) -> FieldErrors {
    let (field, _) = spec::for_api(message);
    tracing::info!("console: saml metadata refused: {message}");
    FieldErrors::refusal(&Refusal::Invalid {
        field,
        message: message.to_owned(),
    })
}

/// The settings and SP key (PEM) of a new SAML provider from the wizard.
#[cfg(feature = "saml")]
pub async fn prepare(
    state: &AppState,
    form: &ProviderForm,
) -> Result<(SamlSettings, String), FieldErrors> {
    use crate::federation::saml_metadata::{self, Input};
    let Some(source) = source_of(form, None)? else {
        return Err(refused("--metadata-url: required"));
    };
    let [attribute_email, attribute_name, attribute_groups] = form.attributes();
    let input = Input {
        source: Some(source),
        preset: form.preset(),
        attribute_email,
        attribute_name,
        attribute_groups,
        allow_idp_initiated: form.allow_idp_initiated.is_some(),
    };
    saml_metadata::prepare_input(state, input)
        .await
        .map_err(|m| refused(&m))
}

/// The metadata the form gives: a URL or a pasted (or loaded) document,
/// not both — but a document with the `stored` URL left in its field (a
/// provider's page) is the document; `None`: neither.
#[cfg(feature = "saml")]
fn source_of(
    form: &ProviderForm,
    stored: Option<&str>,
) -> Result<Option<crate::federation::saml_metadata::Source>, FieldErrors> {
    use crate::federation::saml_metadata::Source;
    let (url, xml) = (form.metadata_url.trim(), form.metadata_xml.trim());
    match (url.is_empty(), xml.is_empty()) {
        (false, false) if stored == Some(url) => Ok(Some(Source::Text {
            flag: "--metadata-xml",
            xml: xml.to_owned(),
        })),
        (false, false) => Err(refused(
            "--metadata-xml: give the metadata URL or the document, not both",
        )),
        (false, true) => Ok(Some(Source::Url(url.to_owned()))),
        (true, false) => Ok(Some(Source::Text {
            flag: "--metadata-xml",
            xml: xml.to_owned(),
        })),
        (true, true) => Ok(None),
    }
}

/// Without the `saml` feature the card is not offered.
#[cfg(not(feature = "saml"))]
pub async fn prepare(
    _state: &AppState,
    _form: &ProviderForm,
) -> Result<(SamlSettings, String), FieldErrors> {
    Err(refused("--kind saml is not available in this build"))
}

/// A SAML provider's settings with the metadata of a new URL typed on its
/// page (fetched and checked now); `None` when the URL is the stored one
/// (or none was typed: the metadata is kept).
#[cfg(feature = "saml")]
pub async fn replaced(
    state: &AppState,
    provider: &ProviderView,
    form: &ProviderForm,
) -> Result<Option<SamlSettings>, FieldErrors> {
    use crate::federation::saml_metadata::{self, Source};
    let Some(current) = provider.settings.saml.as_ref() else {
        return Ok(None);
    };
    let source = match source_of(form, current.metadata_url.as_deref())? {
        Some(Source::Url(url)) if current.metadata_url.as_deref() == Some(url.as_str()) => None,
        other => other,
    };
    let Some(source) = source else {
        return Ok(None);
    };
    saml_metadata::replace(state, current, &source)
        .await
        .map(Some)
        .map_err(|m| refused(&m))
}

#[cfg(not(feature = "saml"))]
pub async fn replaced(
    _state: &AppState,
    _provider: &ProviderView,
    _form: &ProviderForm,
) -> Result<Option<SamlSettings>, FieldErrors> {
    Ok(None)
}

/// `POST /admin/providers/{id}/refresh-metadata`: fetch a SAML provider's
/// IdP metadata again from its URL now (`federation::saml_refresh`, as the
/// daily job and the admin API); the outcome as a notice on its page.
pub async fn refresh(
    console: crate::admin::console::guard::Console,
    _form: crate::auth::guard::Checked<crate::auth::guard::CsrfOnly>,
    state: actix_web::web::Data<AppState>,
    id: actix_web::web::Path<String>,
) -> Result<actix_web::HttpResponse, AppError> {
    use crate::admin::console::respond;
    console
        .caller
        .require(crate::admin::scopes::Scope::write("providers"))
        .map_err(respond::problem)?;
    let reach = crate::federation::registry::Reach {
        organizations: console.caller.reach.organization_ids(),
    };
    let back = format!("/admin/providers/{id}");
    refreshed(&state, &console, &reach, &id, &back).await
}

#[cfg(feature = "saml")]
async fn refreshed(
    state: &AppState,
    console: &crate::admin::console::guard::Console,
    reach: &crate::federation::registry::Reach,
    id: &str,
    back: &str,
) -> Result<actix_web::HttpResponse, AppError> {
    use crate::admin::console::respond;
    use crate::federation::saml_refresh::{self, Change};
    Ok(
        match saml_refresh::refresh(state, &console.caller.actor, reach, id).await? {
            Ok(done) => match done.result {
                Change::Updated => respond::done(back, "saml_metadata_updated"),
                Change::Unchanged => respond::done(back, "saml_metadata_unchanged"),
                Change::Kept => respond::refused(back, "saml_metadata_kept"),
            },
            Err(_) => respond::refused(back, "saml_metadata_no_url"),
        },
    )
}

#[cfg(not(feature = "saml"))]
async fn refreshed(
    _state: &AppState,
    _console: &crate::admin::console::guard::Console,
    _reach: &crate::federation::registry::Reach,
    _id: &str,
    back: &str,
) -> Result<actix_web::HttpResponse, AppError> {
    Ok(crate::admin::console::respond::refused(
        back,
        "saml_metadata_no_url",
    ))
}
