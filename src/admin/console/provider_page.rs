//! `/admin/providers/{id}`: one provider (S7, S8) — its callback URL to
//! register upstream (SAML: our SP's entity id, ACS and metadata URLs), "test connection" (`federation::probe`), its
//! settings to change, accepting its upstream's MFA, delete (confirmed)
//! and restore (global reach). Every action goes through the registry the
//! admin API uses, with the caller's reach: another organization's
//! provider is not found (SR-100).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Path};
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::provider_fields::FieldsView;
use crate::admin::console::provider_form::{FieldErrors, Outcome, ProviderForm, outcome};
use crate::admin::console::provider_kinds::KindView;
use crate::admin::console::{provider_mfa, provider_saml, respond};
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::error::AppError;
use crate::federation::probe::{self, Report};
use crate::federation::registry::{self, ProviderView, Reach};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;

/// A provider's page.
#[derive(Template)]
#[template(path = "admin/providers/show.html")]
pub struct ProviderPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub provider: ProviderView,
    pub kind: KindView,
    pub fields: FieldsView,
    /// The last "test connection", when one was just run.
    pub report: Option<Report>,
    /// SAML: our SP's addresses to register at the IdP.
    pub sp: Option<provider_saml::SpUrls>,
}

impl ProviderPage {
    /// The catalogue key of a check's step.
    pub fn step_key(step: &probe::Step) -> String {
        format!("admin.providers.check.{}", step.as_str())
    }

    /// A SAML provider whose IdP metadata has a URL to refresh it from.
    pub fn refreshable(provider: &ProviderView) -> bool {
        provider
            .settings
            .saml
            .as_ref()
            .is_some_and(|s| s.metadata_url.is_some())
    }

    /// The catalogue key of a check's reason.
    pub fn reason_key(reason: &probe::Reason) -> String {
        format!("admin.providers.reason.{}", reason.as_str())
    }
}

fn reach(console: &Console) -> Reach {
    Reach {
        organizations: console.caller.reach.organization_ids(),
    }
}

/// The provider in reach (deleted ones too for callers of global reach).
async fn find(console: &Console, state: &AppState, id: &str) -> Result<ProviderView, AppError> {
    registry::show(state, &reach(console), id, console.global()).await
}

fn path_of(id: &str) -> String {
    format!("/admin/providers/{id}")
}

#[allow(clippy::too_many_arguments)]
async fn render(
    console: &Console,
    state: &AppState,
    provider: ProviderView,
    form: ProviderForm,
    errors: FieldErrors,
    report: Option<Report>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let kind = KindView::of(provider.kind);
    let sp = kind
        .is_saml()
        .then(|| provider_saml::SpUrls::of(state, &provider.id));
    let fields = FieldsView::load(
        state,
        console.caller.reach.organization_ids(),
        kind,
        form,
        errors,
        false,
        provider.has_secret,
    )
    .await?;
    html(
        status,
        &ProviderPage {
            t: console.chrome.t,
            chrome: console.chrome("providers"),
            provider,
            kind,
            fields,
            report,
            sp,
        },
        vec![],
    )
}

/// `GET /admin/providers/{id}`
pub async fn show(
    console: Console,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("providers"))
        .map_err(respond::problem)?;
    let provider = find(&console, &state, &id).await?;
    let form = ProviderForm::of(&provider);
    render(
        &console,
        &state,
        provider,
        form,
        FieldErrors::default(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/providers/{id}`: save the settings.
pub async fn update(
    console: Console,
    form: Checked<ProviderForm>,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let provider = find(&console, &state, &id).await?;
    let kind = KindView::of(provider.kind);
    let mut form = form.into_inner();
    // SAML: a new metadata URL is fetched and checked before saving.
    let metadata = if kind.is_saml() {
        match provider_saml::replaced(&state, &provider, &form).await {
            Ok(found) => found,
            Err(errors) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return render(&console, &state, provider, form, errors, None, status).await;
            }
        }
    } else {
        None
    };
    let (change, secret) = (form.clone(), form.secret(&kind));
    let answer = registry::update(
        &state,
        &console.caller.actor,
        &reach(&console),
        &provider.id,
        move |spec| {
            if let Some(saml) = metadata {
                spec.saml = Some(saml);
            }
            change.apply(&kind, spec);
        },
        secret,
    )
    .await;
    match outcome(answer)? {
        Outcome::Done(_) => Ok(respond::done(&path_of(&provider.id), "provider_saved")),
        Outcome::Refused(status, errors) => {
            form.forget_secrets();
            render(&console, &state, provider, form, errors, None, status).await
        }
    }
}

/// `POST /admin/providers/{id}/test`: "test connection", shown on the page.
pub async fn test(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let provider = find(&console, &state, &id).await?;
    let report = probe::run(&state, &provider).await?;
    let form = ProviderForm::of(&provider);
    render(
        &console,
        &state,
        provider,
        form,
        FieldErrors::default(),
        Some(report),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/providers/{id}/delete` (soft)
pub async fn delete(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let gone = registry::delete(&state, &console.caller.actor, &reach(&console), &id).await?;
    Ok(if console.global() {
        respond::done(&path_of(&gone.id), "provider_deleted")
    } else {
        respond::done("/admin/providers", "provider_deleted")
    })
}

/// `POST /admin/providers/{id}/restore` (global reach)
pub async fn restore(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let back = path_of(&id);
    match registry::restore(&state, &console.caller.actor, &reach(&console), &id).await {
        Ok(restored) if restored.domains_lost.is_empty() => {
            Ok(respond::done(&back, "provider_restored"))
        }
        Ok(_) => Ok(respond::done(&back, "provider_restored_domains_lost")),
        Err(AppError::Conflict(_)) => Ok(respond::refused(&back, "provider_not_deleted")),
        Err(e) => Err(e),
    }
}

/// `POST /admin/providers/{id}/accept-mfa`: accept the upstream's MFA for
/// every provider of this kind (global reach).
pub async fn accept_mfa(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    id: Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let provider = find(&console, &state, &id).await?;
    let back = path_of(&provider.id);
    provider_mfa::accept(&console, &state, provider.kind, &back, "mfa_accepted").await
}
