//! `GET /admin/organizations/{id}` (S8): an organization in the caller's
//! reach (others are not found, SR-100) with its name, live members and
//! their roles, and the invitations not accepted yet; the forms to rename
//! it, change roles, remove and add members, and invite. The write
//! handlers re-render this page to show what is wrong with a form.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::organizations::when;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::orgs::{self, Organization};
use crate::store::{invitations, naive};
use crate::web::render::html;

/// How many open invitations the page lists.
const INVITATIONS_SHOWN: i64 = 50;

/// A role the forms offer: value and message key.
pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
}

const MEMBER: RoleOption = RoleOption {
    value: "member",
    label: "admin.organizations.role.member",
};
const AUDITOR: RoleOption = RoleOption {
    value: "auditor",
    label: "admin.organizations.role.auditor",
};
const ADMIN: RoleOption = RoleOption {
    value: "admin",
    label: "admin.organizations.role.admin",
};
const OWNER: RoleOption = RoleOption {
    value: "owner",
    label: "admin.organizations.role.owner",
};

/// The roles a caller is offered: the owner role only with global reach
/// (the services refuse it to others anyway).
fn roles(global: bool) -> &'static [RoleOption] {
    const ALL: &[RoleOption] = &[MEMBER, AUDITOR, ADMIN, OWNER];
    if global { ALL } else { &ALL[..3] }
}

/// The message key naming `role`.
pub fn role_label(role: &str) -> &'static str {
    [MEMBER, AUDITOR, ADMIN, OWNER]
        .into_iter()
        .find(|r| r.value == role)
        .map_or("admin.organizations.role.unknown", |r| r.label)
}

/// A member's row.
pub struct MemberRow {
    pub user_id: String,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub role_label: &'static str,
    /// The signed-in administrator (nobody changes their own role).
    pub is_self: bool,
    /// Whether this page offers to change the membership.
    pub editable: bool,
}

/// An invitation not accepted yet.
pub struct InvitationRow {
    pub id: String,
    pub email: String,
    pub role_label: &'static str,
    pub created: String,
    pub expires: String,
    pub expired: bool,
}

/// What was typed into a form, and what is wrong with it.
#[derive(Debug, Default)]
pub struct FormState {
    pub value: String,
    pub role: String,
    /// The message key of the error.
    pub error: Option<&'static str>,
}

/// The page's forms, empty or as posted.
#[derive(Debug, Default)]
pub struct Forms {
    pub rename: Option<FormState>,
    pub add: FormState,
    pub invite: FormState,
}

#[derive(Template)]
#[template(path = "admin/organizations/show.html")]
pub struct ShowPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub id: String,
    pub name: String,
    pub created: String,
    pub members: Vec<MemberRow>,
    pub invitations: Vec<InvitationRow>,
    pub roles: &'static [RoleOption],
    /// The rename form (the current name unless a posted one was wrong).
    pub rename: FormState,
    pub add: FormState,
    pub invite: FormState,
    /// Whether existing accounts can be added directly (global reach).
    pub can_add: bool,
}

/// The organization `id` if the caller reaches it; not found otherwise
/// (SR-100: the same lookup as the admin API).
pub async fn in_reach(
    state: &AppState,
    console: &Console,
    id: &OrganizationId,
) -> Result<Organization, AppError> {
    let (ids, id) = (console.caller.reach.organization_ids(), id.clone());
    state
        .db
        .run(move |conn| orgs::find_in(conn, ids.as_deref(), &id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Render the page of `id` with `forms`, answering `status`.
pub async fn render(
    console: &Console,
    state: &AppState,
    id: OrganizationId,
    forms: Forms,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("organizations"))
        .map_err(respond::problem)?;
    let org = in_reach(state, console, &id).await?;
    let lookup = org.id.clone();
    let (members, pending) = state
        .db
        .run(move |conn| {
            Ok((
                orgs::members_of(conn, &lookup)?,
                invitations::pending_of(conn, &lookup, INVITATIONS_SHOWN)?,
            ))
        })
        .await?;
    let (global, writer) = (console.global(), console.chrome.writer);
    let me = console.current.user.id.to_string();
    let members = members
        .into_iter()
        .map(|m| {
            let is_self = m.user_id == me;
            MemberRow {
                editable: writer && !is_self && (global || m.role != "owner"),
                role_label: role_label(&m.role),
                is_self,
                user_id: m.user_id,
                email: m.email,
                display_name: m.display_name,
                role: m.role,
            }
        })
        .collect();
    let now = naive(state.now());
    let invitations = pending
        .into_iter()
        .map(|i| InvitationRow {
            role_label: role_label(&i.role),
            created: when(i.created_at),
            expires: when(i.expires_at),
            expired: i.expires_at <= now,
            email: i.email,
            id: i.id,
        })
        .collect();
    let rename = forms.rename.unwrap_or_else(|| FormState {
        value: org.name.clone(),
        ..FormState::default()
    });
    html(
        status,
        &ShowPage {
            t: console.chrome.t,
            chrome: console.chrome("organizations"),
            id: org.id.to_string(),
            name: org.name,
            created: when(org.created_at),
            members,
            invitations,
            roles: roles(global),
            rename,
            add: forms.add,
            invite: forms.invite,
            can_add: global && writer,
        },
        vec![],
    )
}

/// `GET /admin/organizations/{id}`
pub async fn show(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = OrganizationId::from(path.into_inner());
    render(&console, &state, id, Forms::default(), StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_global_callers_are_offered_the_owner_role() {
        assert!(roles(true).iter().any(|r| r.value == "owner"));
        assert!(!roles(false).iter().any(|r| r.value == "owner"));
        assert_eq!(role_label("admin"), "admin.organizations.role.admin");
        assert_eq!(role_label("x"), "admin.organizations.role.unknown");
    }
}
