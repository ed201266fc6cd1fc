//! The "New application" wizard (S8, issue 14 item 5), two steps that work
//! without script: `GET /admin/applications/new` chooses the kind (radio
//! cards), `GET /admin/applications/new?kind=web` fills in the settings,
//! `POST /admin/applications/new` registers the client through
//! [`crate::oidc::clients::admin::create`] — the admin API's service and
//! validation — and answers with the secret shown once. A refused setting
//! shows the form again (422) with the reason next to its field. Creating
//! shows a secret, so it needs a recent sign-in (SR-101), as in the API.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use serde::Deserialize;

use crate::admin::console::application_form::{AppForm, Fields, FormState, GRANTS, GrantOption};
use crate::admin::console::application_kind::Kind;
use crate::admin::console::application_secret::SecretPage;
use crate::admin::console::applications::refusal;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::Checked;
use crate::auth::recent::reauthenticate_redirect;
use crate::crypto::signing::Alg;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::auth_method;
use crate::oidc::clients::admin::{self, Refusal};
use crate::oidc::clients::spec::Invalid;
use crate::state::AppState;
use crate::store::orgs;
use crate::web::render::html;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin/applications/new", web::get().to(get_new))
        .route("/admin/applications/new", web::post().to(post_new));
}

/// The wizard's path (of step 2 for `kind`).
fn wizard_path(kind: Option<Kind>) -> String {
    match kind {
        Some(kind) => format!("/admin/applications/new?kind={}", kind.slug()),
        None => "/admin/applications/new".to_owned(),
    }
}

/// An organization a client may belong to.
pub struct OrgOption {
    pub id: String,
    pub name: String,
}

/// Most organizations offered in the form's list.
const MAX_ORGS: i64 = 500;

/// The organizations in the caller's reach.
pub async fn organizations(
    state: &AppState,
    reach: Option<Vec<OrganizationId>>,
) -> Result<Vec<OrgOption>, AppError> {
    let rows = state
        .db
        .run(move |conn| orgs::page(conn, reach.as_deref(), None, None, MAX_ORGS))
        .await?;
    let mut options: Vec<OrgOption> = rows
        .into_iter()
        .map(|o| OrgOption {
            id: o.id.to_string(),
            name: o.name,
        })
        .collect();
    options.sort_by_key(|o| o.name.to_lowercase());
    Ok(options)
}

/// Step 1: the kinds.
#[derive(Template)]
#[template(path = "admin/applications/kind.html")]
pub struct KindPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub kinds: [Kind; 5],
}

/// Step 2: the settings of a new client of `kind`.
#[derive(Template)]
#[template(path = "admin/applications/new.html")]
pub struct NewPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub kind: Kind,
    pub form: FormState,
    pub organizations: Vec<OrgOption>,
    /// Whether "no organization" may be chosen (global reach).
    pub global: bool,
    pub algs: [Alg; 3],
    pub methods: [&'static str; 3],
    pub grants: &'static [GrantOption],
}

impl NewPage {
    /// The wizard (not an application's settings).
    pub fn creating(&self) -> bool {
        true
    }

    pub fn public(&self) -> bool {
        self.kind.public()
    }
}

/// The confidential clients' auth methods offered.
pub const METHODS: [&str; 3] = [
    auth_method::BASIC,
    auth_method::POST,
    auth_method::PRIVATE_KEY_JWT,
];

async fn new_page(
    console: &Console,
    state: &AppState,
    kind: Kind,
    form: FormState,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let reach = console.caller.reach.organization_ids();
    let organizations = organizations(state, reach).await?;
    let page = NewPage {
        t: console.chrome.t,
        chrome: console.chrome("applications"),
        kind,
        form,
        organizations,
        global: console.global(),
        algs: Alg::ALL,
        methods: METHODS,
        grants: &GRANTS,
    };
    html(status, &page, vec![])
}

#[derive(Debug, Deserialize)]
pub struct KindQuery {
    kind: Option<String>,
}

/// May this caller create clients? 403 for auditors; a sign-in that is
/// not recent is renewed first (then back to `back`).
fn may_create(console: &Console, back: &str) -> Result<Option<HttpResponse>, AppError> {
    console
        .caller
        .require(Scope::write("clients"))
        .map_err(respond::problem)?;
    // SR-101: the new client's secret is shown; the API asks the same.
    if console.caller.require_recent().is_err() {
        return Ok(Some(reauthenticate_redirect(back)));
    }
    Ok(None)
}

/// `GET /admin/applications/new[?kind=KIND]`
pub async fn get_new(
    console: Console,
    state: web::Data<AppState>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let kind = query.kind.as_deref().and_then(Kind::parse);
    if let Some(answer) = may_create(&console, &wizard_path(kind))? {
        return Ok(answer);
    }
    let Some(kind) = kind else {
        return respond::page(&KindPage {
            t: console.chrome.t,
            chrome: console.chrome("applications"),
            kinds: Kind::ALL,
        });
    };
    // An organization's administrator of one organization: that one.
    let only = console
        .caller
        .reach
        .organization_ids()
        .filter(|ids| ids.len() == 1)
        .and_then(|ids| ids.first().map(ToString::to_string));
    let fields = Fields::new(kind, only);
    new_page(
        &console,
        &state,
        kind,
        FormState::new(fields),
        StatusCode::OK,
    )
    .await
}

/// `POST /admin/applications/new`
pub async fn post_new(
    console: Console,
    form: Checked<AppForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let Some(kind) = form.kind() else {
        return Err(AppError::BadRequest(
            console
                .chrome
                .t
                .text("admin.applications.choose_kind")
                .to_owned(),
        ));
    };
    if let Some(answer) = may_create(&console, &wizard_path(Some(kind)))? {
        return Ok(answer);
    }
    let t = console.chrome.t;
    let caller = &console.caller;
    let refused = match form.spec(kind) {
        Err(invalid) => invalid,
        Ok(spec) => {
            match admin::create(&state, &caller.actor, caller.reach.organization_ids(), spec).await
            {
                Ok(Ok(created)) => {
                    return SecretPage::render(
                        &console,
                        &state,
                        created.client,
                        created.client_secret,
                        true,
                    );
                }
                Ok(Err(Refusal::Invalid(invalid))) => invalid,
                Ok(Err(Refusal::NoOrganization)) => Invalid::new(
                    "organization_id",
                    t.text("admin.applications.no_organization"),
                ),
                Ok(Err(other)) => return refusal(other, &wizard_path(Some(kind))),
                // The client id is taken.
                Err(AppError::Conflict(_)) => {
                    Invalid::new("client_id", t.text("admin.applications.id_taken"))
                }
                Err(e) => return Err(e),
            }
        }
    };
    // Shown again as posted, with the reason next to the field.
    let shown = FormState::refused(Fields::posted(&form), refused);
    new_page(
        &console,
        &state,
        kind,
        shown,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
