//! The organization page's changes (S8): rename, add an existing account,
//! change a member's role, remove a member — through
//! `users::organizations` (`rename`, `set_member`), as the admin API's
//! `PATCH /organizations/{id}` and `PUT|DELETE …/members/{user_id}` do.
//! The service decides who may do what (SR-100) and audits; its refusals
//! come back as the page's catalogue errors.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use serde::Deserialize;

use crate::admin::api::users::reach_of;
use crate::admin::console::guard::Console;
use crate::admin::console::organization_new::{NameForm, refused};
use crate::admin::console::organization_page::{FormState, Forms, in_reach, render};
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::domain::{Email, OrganizationId, Role, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::users;
use crate::users::organizations::{self, MemberChange, Refusal, check_name};

fn page_of(org: &OrganizationId) -> String {
    format!("/admin/organizations/{org}")
}

/// The organization of a change: the caller may write (auditors: 403) and
/// reaches it (others: 404, SR-100).
async fn target(
    console: &Console,
    state: &AppState,
    id: String,
) -> Result<OrganizationId, AppError> {
    console
        .caller
        .require(Scope::write("organizations"))
        .map_err(respond::problem)?;
    Ok(in_reach(state, console, &OrganizationId::from(id))
        .await?
        .id)
}

/// `POST /admin/organizations/{id}/name`
pub async fn rename(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Checked<NameForm>,
) -> Result<HttpResponse, AppError> {
    let org = target(&console, &state, path.into_inner()).await?;
    let raw = form.into_inner().name;
    let again = |error: &'static str| Forms {
        rename: Some(FormState {
            value: raw.clone(),
            role: String::new(),
            error: Some(error),
        }),
        ..Forms::default()
    };
    let Ok(name) = check_name(&raw) else {
        let forms = again("admin.organizations.name_invalid");
        return render(
            &console,
            &state,
            org,
            forms,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let reach = reach_of(&console.caller);
    match organizations::rename(&state, &console.caller.actor, &reach, &org, name).await? {
        Ok(_) => Ok(respond::done(&page_of(&org), "org_renamed")),
        Err(Refusal::NameTaken) => {
            let forms = again("admin.error.org_name_taken");
            render(&console, &state, org, forms, StatusCode::CONFLICT).await
        }
        Err(other) => refused(&page_of(&org), other),
    }
}

/// The posted member form: an address (to add) and a role.
#[derive(Debug, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

crate::csrf_field!(MemberForm);

/// `POST /admin/organizations/{id}/members`: add an existing account
/// with a role (the service allows it to callers of global reach only;
/// others invite).
pub async fn add_member(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Checked<MemberForm>,
) -> Result<HttpResponse, AppError> {
    let org = target(&console, &state, path.into_inner()).await?;
    let form = form.into_inner();
    let again = |error: &'static str| Forms {
        add: FormState {
            value: form.email.clone(),
            role: form.role.clone(),
            error: Some(error),
        },
        ..Forms::default()
    };
    let Ok(role) = form.role.parse::<Role>() else {
        let forms = again("admin.organizations.role_invalid");
        return render(
            &console,
            &state,
            org,
            forms,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let Ok(email) = Email::parse(&form.email) else {
        let forms = again("admin.organizations.email_invalid");
        return render(
            &console,
            &state,
            org,
            forms,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let found = state
        .db
        .run(move |conn| users::find_by_email(conn, email.as_str()))
        .await?;
    // An unknown address and a refusal read the same, so the form tells
    // nobody which addresses have accounts.
    let not_found = "admin.error.org_member_not_found";
    let Some(user) = found else {
        return render(
            &console,
            &state,
            org,
            again(not_found),
            StatusCode::NOT_FOUND,
        )
        .await;
    };
    let reach = reach_of(&console.caller);
    let change = MemberChange::Set(role);
    let actor = &console.caller.actor;
    match organizations::set_member(&state, actor, &reach, &org, &user.id, change).await? {
        Ok(_) => Ok(respond::done(&page_of(&org), "org_member_added")),
        Err(Refusal::NotFound) => {
            render(
                &console,
                &state,
                org,
                again(not_found),
                StatusCode::NOT_FOUND,
            )
            .await
        }
        Err(other) => refused(&page_of(&org), other),
    }
}

/// `POST /admin/organizations/{id}/members/{user_id}/role`
pub async fn change_role(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: Checked<MemberForm>,
) -> Result<HttpResponse, AppError> {
    let (org, user) = path.into_inner();
    let org = target(&console, &state, org).await?;
    let Ok(role) = form.role.parse::<Role>() else {
        return Ok(respond::refused(&page_of(&org), "org_role_invalid"));
    };
    change(
        &console,
        &state,
        org,
        UserId::from(user),
        MemberChange::Set(role),
    )
    .await
}

/// `POST /admin/organizations/{id}/members/{user_id}/remove`
pub async fn remove_member(
    console: Console,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: Checked<CsrfOnly>,
) -> Result<HttpResponse, AppError> {
    let (org, user) = path.into_inner();
    let org = target(&console, &state, org).await?;
    change(
        &console,
        &state,
        org,
        UserId::from(user),
        MemberChange::Remove,
    )
    .await
}

async fn change(
    console: &Console,
    state: &AppState,
    org: OrganizationId,
    user: UserId,
    change: MemberChange,
) -> Result<HttpResponse, AppError> {
    let reach = reach_of(&console.caller);
    let actor = &console.caller.actor;
    let notice = match change {
        MemberChange::Set(_) => "org_role_changed",
        MemberChange::Remove => "org_member_removed",
    };
    match organizations::set_member(state, actor, &reach, &org, &user, change).await? {
        Ok(_) => Ok(respond::done(&page_of(&org), notice)),
        Err(refusal) => refused(&page_of(&org), refusal),
    }
}
