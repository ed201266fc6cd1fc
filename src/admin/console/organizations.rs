//! `GET /admin/organizations` (S8): the organizations in the caller's
//! reach, searchable, a page at a time — the query, reach and cursors of
//! `GET /api/v1/organizations`. Also registers the organization pages
//! ([`organization_new`], [`organization_page`], [`organization_writes`],
//! [`organization_invite`]).

use std::collections::HashMap;

use actix_web::HttpResponse;
use actix_web::web;
use askama::Template;

use crate::admin::api::page::{self, PageQuery};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::orgs;

/// One organization in the list.
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub created: String,
    /// How many live members it has.
    pub members: i64,
}

#[derive(Template)]
#[template(path = "admin/organizations/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub items: Vec<OrganizationRow>,
    /// The search as typed.
    pub q: String,
    /// The link to the next page, if there is one.
    pub next: Option<String>,
    /// On a later page: the link back to the first.
    pub first: Option<String>,
}

/// A time as the console shows it.
pub fn when(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

fn link(q: &str, cursor: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if let Some(cursor) = cursor {
        query.append_pair("cursor", cursor);
    }
    let query = query.finish();
    if query.is_empty() {
        "/admin/organizations".to_owned()
    } else {
        format!("/admin/organizations?{query}")
    }
}

/// `GET /admin/organizations?q=&cursor=`
pub async fn list(
    console: Console,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("organizations"))
        .map_err(respond::problem)?;
    let query = query.into_inner();
    let request = query.check().map_err(respond::problem)?;
    let (ids, limit) = (console.caller.reach.organization_ids(), request.limit);
    let (search, after) = (request.search.clone(), request.after.clone());
    let (rows, counts) = state
        .db
        .run(move |conn| {
            let rows = orgs::page(conn, ids.as_deref(), search.as_deref(), after, limit + 1)?;
            let shown: Vec<_> = rows.iter().map(|o| o.id.clone()).collect();
            Ok((rows, orgs::member_counts(conn, &shown)?))
        })
        .await?;
    let counts: HashMap<String, i64> = counts.into_iter().collect();
    let found = page::page(
        rows,
        limit,
        |o| (o.created_at, o.id.to_string()),
        |o| {
            Ok(OrganizationRow {
                members: counts.get(o.id.as_str()).copied().unwrap_or(0),
                id: o.id.to_string(),
                created: when(o.created_at),
                name: o.name,
            })
        },
    )
    .map_err(respond::problem)?;
    let q = request.search.unwrap_or_default();
    respond::page(&ListPage {
        t: console.chrome.t,
        chrome: console.chrome("organizations"),
        next: found.next_cursor.as_deref().map(|c| link(&q, Some(c))),
        first: request.after.is_some().then(|| link(&q, None)),
        items: found.items,
        q,
    })
}

#[cfg(test)]
mod tests {
    use super::link;

    #[test]
    fn pager_links_keep_the_search() {
        assert_eq!(link("", None), "/admin/organizations");
        assert_eq!(
            link("a&b c", Some("1.x")),
            "/admin/organizations?q=a%26b+c&cursor=1.x"
        );
    }
}
