//! `GET /admin/users` (S8): the users in the caller's reach — search as
//! you type, a status filter, pages of 20 — read with the admin API's
//! query and paging (`store::users::page_in_reach`, `admin::api::page`);
//! and the routes of the users area.

use actix_web::web;
use actix_web::{HttpResponse, web::Query};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::api::problem::Problem;
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::console::user_form::role_label;
use crate::admin::scopes::Scope;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::users;
use crate::users::accounts::{self, UserListing};

/// The console path of user `id`; 404 for anything that is no id (the
/// path goes into `Location` headers).
pub fn user_path(id: &str) -> Result<String, AppError> {
    let plain =
        (1..=100).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if plain {
        Ok(format!("/admin/users/{id}"))
    } else {
        Err(AppError::NotFound)
    }
}

/// How the console prints a time.
pub fn when(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// The list's query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    cursor: Option<String>,
    /// `all` (default) or `disabled`.
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    include_deleted: Option<String>,
}

/// One user in the list.
pub struct UserRow {
    pub listing: UserListing,
    /// `(organization, role name key)` of each membership.
    pub roles: Vec<(String, &'static str)>,
    pub created: String,
}

/// `(organization, role name key)` pairs of a listing.
pub fn roles_of(listing: &UserListing) -> Vec<(String, &'static str)> {
    listing
        .roles
        .iter()
        .map(|r| {
            let text = |k: &str| r.get(k).and_then(|v| v.as_str()).unwrap_or_default();
            (text("organization").to_owned(), role_label(text("role")))
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/users/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub q: String,
    pub disabled_only: bool,
    pub include_deleted: bool,
    pub rows: Vec<UserRow>,
    /// Whether this is a later page (offer the first).
    pub paged: bool,
    pub first_href: String,
    pub next_href: Option<String>,
}

/// `/admin/users?…` with the search and filters (and a cursor).
fn list_href(q: &str, disabled_only: bool, include_deleted: bool, cursor: Option<&str>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        query.append_pair("q", q);
    }
    if disabled_only {
        query.append_pair("status", "disabled");
    }
    if include_deleted {
        query.append_pair("include_deleted", "true");
    }
    if let Some(cursor) = cursor {
        query.append_pair("cursor", cursor);
    }
    let query = query.finish();
    if query.is_empty() {
        "/admin/users".to_owned()
    } else {
        format!("/admin/users?{query}")
    }
}

/// `GET /admin/users`
pub async fn get_list(
    console: Console,
    state: web::Data<AppState>,
    query: Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::read("users"))
        .map_err(respond::problem)?;
    let query = query.into_inner();
    let request = PageQuery {
        limit: None,
        cursor: query.cursor.clone(),
        q: query.q.clone(),
    }
    .check()
    .map_err(respond::problem)?;
    let include_deleted = DeletedQuery {
        include_deleted: query.include_deleted.clone(),
    }
    .check(console.global())
    .map_err(respond::problem)?;
    let disabled_only = query.status.as_deref() == Some("disabled");
    let orgs = caller.reach.organization_ids();
    let limit = request.limit;
    let search = request.search.clone();
    let found = state
        .db
        .run(move |conn| {
            let rows = users::page_in_reach_where(
                conn,
                orgs.as_deref(),
                include_deleted,
                disabled_only,
                search.as_deref(),
                request.after,
                limit + 1,
            )?;
            Ok(page::page_all(
                rows,
                limit,
                |u| (u.created_at, u.id.to_string()),
                |rows| {
                    let created: Vec<_> = rows.iter().map(|u| when(u.created_at)).collect();
                    let listings =
                        accounts::listings(conn, rows, orgs.as_deref()).map_err(Problem::from)?;
                    Ok(listings
                        .into_iter()
                        .zip(created)
                        .map(|(listing, created)| UserRow {
                            roles: roles_of(&listing),
                            listing,
                            created,
                        })
                        .collect())
                },
            ))
        })
        .await?
        .map_err(respond::problem)?;
    let q = request.search.unwrap_or_default();
    respond::page(&ListPage {
        t: console.chrome.t,
        chrome: console.chrome("users"),
        paged: query.cursor.is_some(),
        first_href: list_href(&q, disabled_only, include_deleted, None),
        next_href: found
            .next_cursor
            .as_deref()
            .map(|c| list_href(&q, disabled_only, include_deleted, Some(c))),
        q,
        disabled_only,
        include_deleted,
        rows: found.items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_links_carry_only_plain_ids_and_encoded_queries() {
        assert_eq!(user_path("0192-ab").unwrap(), "/admin/users/0192-ab");
        for bad in ["", "a/b", "a?b", "a b", "%2e", "\r\n"] {
            assert!(user_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(list_href("", false, false, None), "/admin/users");
        assert_eq!(
            list_href("a&b c", true, true, Some("1.x")),
            "/admin/users?q=a%26b+c&status=disabled&include_deleted=true&cursor=1.x"
        );
    }
}
