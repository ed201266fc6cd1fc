//! An application's page (S8, issue 14 item 5): `GET
//! /admin/applications/{id}` shows its settings as a form, its
//! configuration snippet and its actions; `POST` saves the settings
//! through [`crate::oidc::clients::admin::update`] (the same validation as
//! creation; a refused setting shows the form again, 422), `…/delete`
//! soft-deletes and `…/restore` brings it back (global reach). Another
//! organization's application is not found (SR-100); auditors read only.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use askama::Template;

use crate::admin::console::application_form::{AppForm, Fields, FormState, GRANTS, GrantOption};
use crate::admin::console::application_kind::Kind;
use crate::admin::console::application_new::METHODS;
use crate::admin::console::application_secret::snippet;
use crate::admin::console::applications::{app_path, organization_names, refusal};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::crypto::signing::Alg;
use crate::domain::{ClientId, OrganizationId};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::clients::admin::{self, Refusal};
use crate::oidc::clients::view::ClientView;
use crate::oidc::discovery::Endpoints;
use crate::state::AppState;
use crate::web::render::html;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin/applications/{id}", web::get().to(get_app))
        .route("/admin/applications/{id}", web::post().to(post_update))
        .route(
            "/admin/applications/{id}/delete",
            web::post().to(post_delete),
        )
        .route(
            "/admin/applications/{id}/restore",
            web::post().to(post_restore),
        );
}

#[derive(Template)]
#[template(path = "admin/applications/show.html")]
pub struct AppPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub client: ClientView,
    pub kind: Kind,
    pub path: String,
    pub organization: Option<String>,
    pub form: FormState,
    pub snippet: String,
    /// Whether rotating now needs no new sign-in first (SR-101).
    pub recent: bool,
    pub algs: [Alg; 3],
    pub methods: [&'static str; 3],
    pub grants: &'static [GrantOption],
}

impl AppPage {
    /// The settings form (not the wizard).
    pub fn creating(&self) -> bool {
        false
    }

    pub fn public(&self) -> bool {
        self.client.public
    }

    pub fn deleted(&self) -> bool {
        self.client.deleted_at.is_some()
    }

    /// When it was registered (UTC, to the minute).
    pub fn created_at(&self) -> String {
        chrono::DateTime::parse_from_rfc3339(&self.client.created_at)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|_| self.client.created_at.clone())
    }
}

/// The client `id` as the caller sees it: a deleted one only for global
/// reach (to restore it).
async fn find(console: &Console, state: &AppState, id: &str) -> Result<ClientView, AppError> {
    admin::show(
        state,
        console.caller.reach.organization_ids(),
        console.global(),
        ClientId::from(id),
    )
    .await?
    .ok_or(AppError::NotFound)
}

async fn app_page(
    console: &Console,
    state: &AppState,
    client: ClientView,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let organization = match client.organization_id.clone() {
        Some(org) => {
            let names = organization_names(state, vec![OrganizationId::from(org.clone())]).await?;
            Some(names.get(&org).cloned().unwrap_or(org))
        }
        None => None,
    };
    let page = AppPage {
        t: console.chrome.t,
        chrome: console.chrome("applications"),
        kind: Kind::of(&client),
        path: app_path(&client.client_id),
        snippet: snippet(&Endpoints::of(&state.config), &client, None),
        organization,
        form,
        recent: console.caller.recent,
        algs: Alg::ALL,
        methods: METHODS,
        grants: &GRANTS,
        client,
    };
    html(status, &page, vec![])
}

/// `GET /admin/applications/{id}`
pub async fn get_app(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("clients"))
        .map_err(respond::problem)?;
    let client = find(&console, &state, &path).await?;
    let form = FormState::new(Fields::of(&client));
    app_page(&console, &state, client, form, StatusCode::OK).await
}

fn writer(console: &Console) -> Result<(), AppError> {
    console
        .caller
        .require(Scope::write("clients"))
        .map_err(respond::problem)
}

/// `POST /admin/applications/{id}`: save the settings.
pub async fn post_update(
    console: Console,
    form: Checked<AppForm>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    writer(&console)?;
    let id = path.into_inner();
    let form = form.into_inner();
    let caller = &console.caller;
    let refused = match form.patch() {
        Err(invalid) => invalid,
        Ok(patch) => match admin::update(
            &state,
            &caller.actor,
            caller.reach.organization_ids(),
            ClientId::from(id.as_str()),
            patch,
        )
        .await?
        {
            Ok(_) => return Ok(respond::done(&app_path(&id), "application_saved")),
            Err(Refusal::Invalid(invalid)) => invalid,
            Err(other) => return refusal(other, &app_path(&id)),
        },
    };
    // Shown again as posted, with the reason next to the field.
    let client = find(&console, &state, &id).await?;
    let mut fields = Fields::posted(&form);
    fields.client_id = client.client_id.clone();
    fields.organization_id = client.organization_id.clone().unwrap_or_default();
    let shown = FormState::refused(fields, refused);
    app_page(
        &console,
        &state,
        client,
        shown,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// `POST /admin/applications/{id}/delete` (soft delete).
pub async fn post_delete(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    writer(&console)?;
    let id = path.into_inner();
    let caller = &console.caller;
    match admin::delete(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(id.as_str()),
    )
    .await?
    {
        Ok(()) => Ok(respond::done("/admin/applications", "application_deleted")),
        Err(r) => refusal(r, &app_path(&id)),
    }
}

/// `POST /admin/applications/{id}/restore` (global reach).
pub async fn post_restore(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    writer(&console)?;
    let id = path.into_inner();
    let caller = &console.caller;
    match admin::restore(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(id.as_str()),
    )
    .await?
    {
        Ok(_) => Ok(respond::done(&app_path(&id), "application_restored")),
        Err(r) => refusal(r, &app_path(&id)),
    }
}
