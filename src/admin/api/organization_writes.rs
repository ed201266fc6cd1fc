//! Changing organizations through `/api/v1/organizations` (S2, S8):
//! create (global reach), rename, set and remove members' roles, invite
//! and revoke invitations —
//! through `users::organizations` and `users::admin_create`, the services
//! the CLI and the console use. Needs `organizations:write`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::organizations::{OrganizationView, view};
use crate::admin::api::problem::{Conflicting, Missing, Problem, Refusals, Unprocessable};
use crate::admin::api::users::{create_refused, reach_of};
use crate::admin::scopes::Scope;
use crate::domain::{Email, OrganizationId, Role, UserId};
use crate::state::AppState;
use crate::users::admin_create::{self, NewInvitation};
use crate::users::invitations::CreatedInvitation;
use crate::users::organizations::{self, MemberChange, Refusal, check_name};

fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        Refusal::NeedsGlobal => Problem::forbidden(refusal.message()),
        Refusal::NameTaken | Refusal::Itself => Problem::conflict(refusal.message()),
    }
}

/// Body of `POST /api/v1/organizations` and `PATCH /api/v1/organizations/{id}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationBody {
    /// 1 to 100 characters, unique.
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

fn name_of(body: OrganizationBody) -> Result<String, Problem> {
    if body.name.chars().count() > 100 || body.name.is_empty() {
        return Err(Problem::invalid("name", "must be 1 to 100 characters"));
    }
    check_name(&body.name).map_err(|message| Problem::unprocessable("name", message))
}

/// `POST /api/v1/organizations`
#[utoipa::path(
    post,
    path = "/api/v1/organizations",
    tag = "organizations",
    request_body = OrganizationBody,
    responses(
        (status = 201, description = "Created (global reach only)", body = OrganizationView),
        Refusals,
        Conflicting,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<OrganizationBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let name = name_of(body.into_inner())?;
    let org = organizations::create(&state, &caller.actor, &reach_of(&caller), name)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created().json(view(org)))
}

/// `PATCH /api/v1/organizations/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/organizations/{id}",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = OrganizationBody,
    responses(
        (status = 200, description = "Renamed", body = OrganizationView),
        Refusals,
        Missing,
        Conflicting,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<OrganizationBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let name = name_of(body.into_inner())?;
    let id = OrganizationId::from(path.into_inner());
    let org = organizations::rename(&state, &caller.actor, &reach_of(&caller), &id, name)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view(org)))
}

/// Body of `PUT /api/v1/organizations/{id}/members/{user_id}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// `owner` needs global reach.
    pub role: Role,
}

/// A membership as it is now.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MembershipView {
    pub organization_id: String,
    pub user_id: String,
    pub role: Role,
}

/// `PUT /api/v1/organizations/{id}/members/{user_id}`
#[utoipa::path(
    put,
    path = "/api/v1/organizations/{id}/members/{user_id}",
    tag = "organizations",
    params(
        ("id" = String, Path, description = "The organization's id"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    request_body = MemberBody,
    responses(
        (status = 200, description = "The user has this role now (a global caller also adds non-members; an organization's caller invites them instead)", body = MembershipView),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn set_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: Body<MemberBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let (org, user) = path.into_inner();
    let (org, user) = (OrganizationId::from(org), UserId::from(user));
    let role = body.into_inner().role;
    organizations::set_member(
        &state,
        &caller.actor,
        &reach_of(&caller),
        &org,
        &user,
        MemberChange::Set(role),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(MembershipView {
        organization_id: org.to_string(),
        user_id: user.to_string(),
        role,
    }))
}

/// `DELETE /api/v1/organizations/{id}/members/{user_id}`
#[utoipa::path(
    delete,
    path = "/api/v1/organizations/{id}/members/{user_id}",
    tag = "organizations",
    params(
        ("id" = String, Path, description = "The organization's id"),
        ("user_id" = String, Path, description = "The user's id"),
    ),
    responses(
        (status = 204, description = "No longer a member"),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn remove_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("organizations"))?;
    let (org, user) = path.into_inner();
    organizations::set_member(
        &state,
        &caller.actor,
        &reach_of(&caller),
        &OrganizationId::from(org),
        &UserId::from(user),
        MemberChange::Remove,
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Body of `POST /api/v1/organizations/{id}/invitations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationBody {
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    /// `owner` needs global reach (default `member`).
    pub role: Option<Role>,
    /// How long the link works, 1 to 2160 hours (default: the configured
    /// invitation lifetime).
    #[schema(minimum = 1, maximum = 2160)]
    #[serde(default, deserialize_with = "crate::admin::api::whole::option_i64")]
    pub expires_in_hours: Option<i64>,
}

/// `POST /api/v1/organizations/{id}/invitations`
#[utoipa::path(
    post,
    path = "/api/v1/organizations/{id}/invitations",
    tag = "organizations",
    params(("id" = String, Path, description = "The organization's id")),
    request_body = InvitationBody,
    responses(
        (status = 201, description = "Invited: the link is emailed and shown only in this answer", body = CreatedInvitation),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn invite(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<InvitationBody>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("users"))?;
    // The answer holds the invitation link (shown once): a browser
    // session must have signed in recently, as in the console.
    caller.require_recent()?;
    let body = body.into_inner();
    let ttl_hours = body
        .expires_in_hours
        .unwrap_or(state.config.mail.invitation_ttl_hours);
    if !(1..=2160).contains(&ttl_hours) {
        return Err(Problem::invalid(
            "expires_in_hours",
            "must be from 1 to 2160",
        ));
    }
    let spec = NewInvitation {
        organization: OrganizationId::from(path.into_inner()),
        email: Email::parse(&body.email)
            .map_err(|message| Problem::unprocessable("email", message))?,
        role: body.role.unwrap_or(Role::Member),
        ttl_hours,
    };
    let locale = crate::mail::Locale::negotiate(&req);
    let created = admin_create::invite(&state, &caller.actor, &reach_of(&caller), spec, locale)
        .await?
        .ok_or_else(Problem::not_found)?
        .map_err(create_refused)?;
    Ok(HttpResponse::Created().json(created))
}

/// `DELETE /api/v1/organizations/{id}/invitations/{invitation_id}`
#[utoipa::path(
    delete,
    path = "/api/v1/organizations/{id}/invitations/{invitation_id}",
    tag = "organizations",
    params(
        ("id" = String, Path, description = "The organization's id"),
        ("invitation_id" = String, Path, description = "The invitation's id (`id` of its creation)"),
    ),
    responses(
        (status = 204, description = "Revoked: the link no longer works"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn revoke_invitation(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("users"))?;
    let (org, id) = path.into_inner();
    let revoked = admin_create::revoke_invitation(
        &state,
        &caller.actor,
        &reach_of(&caller),
        OrganizationId::from(org),
        id,
    )
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(Problem::not_found())
    }
}
