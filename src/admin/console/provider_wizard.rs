//! The "New SSO provider" wizard (S7, S8): step 1 picks the kind (cards;
//! SAML only in a build with the `saml` feature, LDAP as for superusers
//! only to the others — `registry::global_only`), step 2 shows the
//! callback URL to register upstream — before saving: the provider's id
//! is handed out with the form (`registry::new_id`) — or for SAML our SP's
//! entity id, ACS and metadata URLs, or for a directory what it needs
//! instead, and the kind's fields (SAML: `provider_saml` prepares it). Saving goes through `registry::create_as`, the admin
//! API's create with that id (which refuses LDAP to anyone else).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Query};
use askama::Template;
use serde::Deserialize;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::provider_fields::FieldsView;
use crate::admin::console::provider_form::{FieldErrors, Outcome, ProviderForm, outcome};
use crate::admin::console::provider_kinds::KindView;
use crate::admin::console::provider_mfa;
use crate::admin::console::provider_saml::{self, SpUrls};
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::error::AppError;
use crate::federation::registry::{self, Reach, Refusal};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::web::render::html;

/// Step 1: the kinds.
#[derive(Template)]
#[template(path = "admin/providers/choose.html")]
pub struct ChoosePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub kinds: Vec<KindView>,
    /// The caller reaches everything (LDAP is open to it).
    pub global: bool,
    /// The kind picked, if any.
    pub picked: String,
    pub error: Option<&'static str>,
}

/// Step 2: the callback URL and the kind's fields.
#[derive(Template)]
#[template(path = "admin/providers/new.html")]
pub struct NewPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub callback_url: String,
    /// SAML: our SP's addresses to register at the IdP.
    pub sp: Option<SpUrls>,
    pub fields: FieldsView,
}

#[derive(Debug, Default, Deserialize)]
pub struct KindQuery {
    /// Step 2 of this kind…
    pub kind: Option<String>,
    /// …for this new provider id (given by the first visit, so that a
    /// reload shows the same callback URL).
    pub id: Option<String>,
    /// Step 1 with this kind chosen (back from step 2).
    pub picked: Option<String>,
}

fn reach(console: &Console) -> Reach {
    Reach {
        organizations: console.caller.reach.organization_ids(),
    }
}

/// `GET /admin/providers/new` (step 1) and `?kind=…` (step 2).
pub async fn new_provider(
    console: Console,
    state: web::Data<AppState>,
    query: Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let query = query.into_inner();
    let Some(slug) = query.kind else {
        let picked = query.picked.unwrap_or_default();
        return choose(&console, picked, None, StatusCode::OK);
    };
    match KindView::parse(&slug) {
        Some(kind) if kind.open_to(console.global()) => {
            let id = match query.id {
                Some(id) if registry::id_free(&state, &id).await? => id,
                // A fresh id in the address: a reload keeps the callback
                // URL the admin may have registered upstream already.
                _ => {
                    let fresh = format!(
                        "/admin/providers/new?kind={}&id={}",
                        kind.slug,
                        registry::new_id()
                    );
                    return Ok(crate::web::render::see_other(&fresh, vec![]));
                }
            };
            let form = ProviderForm::new_for(&kind, id);
            step_two(
                &console,
                &state,
                kind,
                form,
                FieldErrors::default(),
                StatusCode::OK,
            )
            .await
        }
        Some(kind) if kind.available => choose(
            &console,
            String::new(),
            Some("admin.providers.global_only_error"),
            StatusCode::FORBIDDEN,
        ),
        Some(_) => choose(
            &console,
            slug,
            Some("admin.providers.coming_soon_error"),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        None => choose(
            &console,
            String::new(),
            Some("admin.providers.pick_kind"),
            StatusCode::BAD_REQUEST,
        ),
    }
}

fn choose(
    console: &Console,
    picked: String,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    html(
        status,
        &ChoosePage {
            t: console.chrome.t,
            chrome: console.chrome("providers"),
            kinds: KindView::all(),
            global: console.global(),
            picked,
            error,
        },
        vec![],
    )
}

async fn step_two(
    console: &Console,
    state: &AppState,
    kind: KindView,
    form: ProviderForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let callback_url = registry::callback_url(state, &form.provider_id);
    let sp = kind.is_saml().then(|| SpUrls::of(state, &form.provider_id));
    let fields = FieldsView::load(
        state,
        console.caller.reach.organization_ids(),
        kind,
        form,
        errors,
        true,
        false,
    )
    .await?;
    html(
        status,
        &NewPage {
            t: console.chrome.t,
            chrome: console.chrome("providers"),
            callback_url,
            sp,
            fields,
        },
        vec![],
    )
}

/// `POST /admin/providers/new`
pub async fn create(
    console: Console,
    form: Checked<ProviderForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("providers"))
        .map_err(respond::problem)?;
    let mut form = form.into_inner();
    let Some(kind) = KindView::parse(&form.kind).filter(|k| k.available) else {
        return choose(
            &console,
            String::new(),
            Some("admin.providers.pick_kind"),
            StatusCode::BAD_REQUEST,
        );
    };
    let reach = reach(&console);
    let (mut spec, mut secret) = (form.spec(&kind), form.secret(&kind));
    if kind.is_saml() {
        // The IdP metadata fetched and checked, our SP key made: the CLI's
        // and the admin API's preparation.
        match provider_saml::prepare(&state, &form).await {
            Ok((saml, key)) => {
                spec.saml = Some(saml);
                secret = Some(key);
            }
            Err(errors) => {
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                return step_two(&console, &state, kind, form, errors, status).await;
            }
        }
    }
    let answer = registry::create_as(
        &state,
        &console.caller.actor,
        &reach,
        &form.provider_id,
        kind.kind,
        spec,
        secret,
    )
    .await;
    if let Ok(Err(Refusal::Invalid { field, .. })) = &answer
        && field == "id"
    {
        // Sent twice (the first made it): show what it made; a forged id
        // starts the form again under a fresh one.
        if registry::show(&state, &reach, &form.provider_id, false)
            .await
            .is_ok()
        {
            return Ok(respond::done(
                &format!("/admin/providers/{}", form.provider_id),
                "provider_created",
            ));
        }
        form.provider_id = registry::new_id();
    }
    match outcome(answer)? {
        Outcome::Done(created) => {
            let path = format!("/admin/providers/{}", created.id);
            if form.accept_mfa.is_some() {
                return provider_mfa::accept(
                    &console,
                    &state,
                    created.kind,
                    &path,
                    "provider_created_mfa_accepted",
                )
                .await;
            }
            let notice = if kind.uses_callback() {
                "provider_created"
            } else if kind.is_saml() {
                "provider_created_saml"
            } else {
                "provider_created_directory"
            };
            Ok(respond::done(&path, notice))
        }
        Outcome::Refused(status, errors) => {
            form.forget_secrets();
            step_two(&console, &state, kind, form, errors, status).await
        }
    }
}
