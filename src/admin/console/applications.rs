//! `GET /admin/applications` (S8, issue 14 item 5): the OIDC clients in the
//! caller's reach — search, keyset pages, deleted ones for callers of
//! global reach — through [`crate::oidc::clients::admin::list`], as the
//! admin API lists them. The area's routes: the wizard
//! (`application_new`), an application's page
//! (`application_page`) and its secret (`application_secret`).

use std::collections::BTreeMap;

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::admin::api::clients::cursor_id;
use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::console::application_kind::Kind;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::clients::admin::{self, Refusal};
use crate::oidc::clients::view::ClientView;
use crate::state::AppState;
use crate::store::orgs;

/// An application's page.
pub fn app_path(id: &str) -> String {
    let id: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("/admin/applications/{id}")
}

/// The console's answer to a refusal of the clients service (those that
/// are no refused setting: forms show these next to their field).
pub fn refusal(refusal: Refusal, back: &str) -> Result<HttpResponse, AppError> {
    let t = Tr::current();
    match refusal {
        Refusal::NotFound => Err(AppError::NotFound),
        Refusal::Public => Ok(respond::refused(back, "application_public")),
        Refusal::NotDeleted => Ok(respond::refused(back, "application_not_deleted")),
        Refusal::GlobalOnly => Err(AppError::Forbidden(
            t.text("admin.applications.global_only").to_owned(),
        )),
        Refusal::NoOrganization => Err(AppError::BadRequest(
            t.text("admin.applications.no_organization").to_owned(),
        )),
        Refusal::Invalid(invalid) => Err(AppError::BadRequest(invalid.to_string())),
    }
}

/// The names of organizations `ids` (those that exist).
pub async fn organization_names(
    state: &AppState,
    ids: Vec<OrganizationId>,
) -> Result<BTreeMap<String, String>, AppError> {
    state
        .db
        .run(move |conn| {
            let mut names = BTreeMap::new();
            for id in ids {
                if let Some(name) = orgs::name_of(conn, &id)? {
                    names.insert(id.to_string(), name);
                }
            }
            Ok(names)
        })
        .await
}

/// One row of the list.
pub struct Row {
    pub client_id: String,
    pub href: String,
    pub name: String,
    pub kind: Kind,
    pub organization: Option<String>,
    pub deleted: bool,
}

#[derive(Template)]
#[template(path = "admin/applications/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rows: Vec<Row>,
    pub q: String,
    pub include_deleted: bool,
    /// The next page's address, if there is one.
    pub next: Option<String>,
    /// The first page's address, when not on it.
    pub first: Option<String>,
}

fn list_href(q: &str, include_deleted: bool, cursor: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if include_deleted {
        query.append_pair("include_deleted", "true");
    }
    if let Some(cursor) = cursor {
        query.append_pair("cursor", cursor);
    }
    let query = query.finish();
    if query.is_empty() {
        "/admin/applications".to_owned()
    } else {
        format!("/admin/applications?{query}")
    }
}

/// `GET /admin/applications?q=&cursor=&include_deleted=true`
pub async fn get_list(
    console: Console,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
    deleted: web::Query<DeletedQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::read("clients"))
        .map_err(respond::problem)?;
    let request = query.check_for(cursor_id).map_err(respond::problem)?;
    let include_deleted = deleted.check(console.global()).map_err(respond::problem)?;
    let q = request.search.clone().unwrap_or_default();
    let rows = admin::list(
        &state,
        caller.reach.organization_ids(),
        include_deleted,
        request.search,
        request.after,
        request.limit + 1,
    )
    .await?;
    let page = page::page(
        rows,
        request.limit,
        |c| (c.created_at, c.id.to_string()),
        |c| Ok(ClientView::of(&c)),
    )
    .map_err(respond::problem)?;
    let mut orgs: Vec<OrganizationId> = page
        .items
        .iter()
        .filter_map(|c| c.organization_id.clone().map(OrganizationId::from))
        .collect();
    orgs.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    orgs.dedup();
    let names = organization_names(&state, orgs).await?;
    let rows = page
        .items
        .into_iter()
        .map(|c| Row {
            href: app_path(&c.client_id),
            kind: Kind::of(&c),
            organization: c
                .organization_id
                .as_ref()
                .map(|o| names.get(o).cloned().unwrap_or_else(|| o.clone())),
            deleted: c.deleted_at.is_some(),
            client_id: c.client_id,
            name: c.name,
        })
        .collect();
    respond::page(&ListPage {
        t: console.chrome.t,
        chrome: console.chrome("applications"),
        rows,
        next: page
            .next_cursor
            .as_deref()
            .map(|c| list_href(&q, include_deleted, Some(c))),
        first: query
            .cursor
            .is_some()
            .then(|| list_href(&q, include_deleted, None)),
        include_deleted,
        q,
    })
}
