//! `/admin/providers`: the SSO providers in the caller's reach (S7, S8) —
//! search, pages, deleted ones for callers of global reach — and the
//! routes of the providers' and MFA policies' pages. The list reads
//! `registry::page` with the admin API's paging and `include_deleted`
//! rules.

use actix_web::HttpResponse;
use actix_web::web::{self, Query, ServiceConfig};
use askama::Template;

use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::provider_kinds::KindView;
use crate::admin::console::{mfa_policies, provider_page, provider_saml, provider_wizard, respond};
use crate::admin::scopes::Scope;
use crate::error::AppError;
use crate::federation::registry::{self, ProviderView, Reach};
use crate::i18n::Tr;
use crate::state::AppState;

/// The provider forms take a pasted SAML metadata document: their body
/// limit is `provider_saml::FORM_LIMIT`, not the console's 16 KiB.
pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin/providers", web::get().to(list))
        .route(
            "/admin/providers/new",
            web::get().to(provider_wizard::new_provider),
        )
        .service(
            web::resource("/admin/providers/new")
                .app_data(provider_saml::form_config())
                .route(web::post().to(provider_wizard::create)),
        )
        .route("/admin/providers/{id}", web::get().to(provider_page::show))
        .service(
            web::resource("/admin/providers/{id}")
                .app_data(provider_saml::form_config())
                .route(web::post().to(provider_page::update)),
        )
        .route(
            "/admin/providers/{id}/test",
            web::post().to(provider_page::test),
        )
        .route(
            "/admin/providers/{id}/refresh-metadata",
            web::post().to(provider_saml::refresh),
        )
        .route(
            "/admin/providers/{id}/delete",
            web::post().to(provider_page::delete),
        )
        .route(
            "/admin/providers/{id}/restore",
            web::post().to(provider_page::restore),
        )
        .route(
            "/admin/providers/{id}/accept-mfa",
            web::post().to(provider_page::accept_mfa),
        );
    mfa_policies::routes(cfg);
}

/// One provider in the list.
pub struct Row {
    pub provider: ProviderView,
    pub kind: KindView,
}

#[derive(Template)]
#[template(path = "admin/providers/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<Row>,
    pub q: String,
    pub include_deleted: bool,
    /// The next page's address, if there is one.
    pub next: Option<String>,
    /// Whether this is a later page (a link back to the first).
    pub later: bool,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub include_deleted: Option<String>,
}

/// `GET /admin/providers`
pub async fn list(
    console: Console,
    state: web::Data<AppState>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("providers"))
        .map_err(respond::problem)?;
    let query = query.into_inner();
    let deleted = DeletedQuery {
        include_deleted: query.include_deleted.clone(),
    }
    .check(console.global())
    .map_err(respond::problem)?;
    let request = PageQuery {
        limit: None,
        cursor: query.cursor.clone(),
        q: query.q.clone(),
    }
    .check()
    .map_err(respond::problem)?;
    let reach = Reach {
        organizations: console.caller.reach.organization_ids(),
    };
    let rows = registry::page(
        &state,
        &reach,
        deleted,
        request.search.clone(),
        request.after,
        request.limit + 1,
    )
    .await?;
    let found = page::page(
        rows,
        request.limit,
        |p| (p.created_at.naive_utc(), p.id.clone()),
        Ok,
    )
    .map_err(respond::problem)?;
    let q = request.search.unwrap_or_default();
    let next = found.next_cursor.map(|cursor| {
        let mut url = url::form_urlencoded::Serializer::new(String::new());
        if !q.is_empty() {
            url.append_pair("q", &q);
        }
        if deleted {
            url.append_pair("include_deleted", "true");
        }
        url.append_pair("cursor", &cursor);
        format!("/admin/providers?{}", url.finish())
    });
    respond::page(&ListPage {
        t: console.chrome.t,
        chrome: console.chrome("providers"),
        rows: found
            .items
            .into_iter()
            .map(|provider| Row {
                kind: KindView::of(provider.kind),
                provider,
            })
            .collect(),
        q,
        include_deleted: deleted,
        next,
        later: query.cursor.is_some(),
    })
}
