//! `/api/v1/users` (S8): list, show, create, update, soft delete and
//! restore users in the caller's reach, through the same services as the
//! CLI (`users::admin`, `users::admin_create`). Reading needs `users:read`,
//! changing `users:write`; another organization's user is not found (404).

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::api::problem::{Conflicting, Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::domain::{Email, OrganizationId, Password, Role, UserId};
use crate::state::AppState;
use crate::store::users;
use crate::users::accounts::{self, UserListing};
use crate::users::admin::{self, Change, Profile, Refusal};
use crate::users::admin_create::{self, NewAccount};
use crate::users::contact::{self, Address, CheckedContact, ContactChange};

/// One page of users.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct UserPage {
    pub items: Vec<UserListing>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// The caller's reach as the user services take it.
pub fn reach_of(caller: &Caller) -> admin::Reach {
    admin::Reach {
        organizations: caller.reach.organization_ids(),
    }
}

/// `GET /api/v1/users?limit=&cursor=&q=&include_deleted=`
#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "users",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z-]{1,100}$"),
        ("q" = Option<String>, Query, description = "Start of an email address, a name or a word of the name, any case; `*` matches any text (`*ann*` anywhere), `\"…\"` the exact address or name", max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
        ("include_deleted" = Option<bool>, Query, description = "Soft-deleted users too (global reach only)"),
    ),
    responses(
        (status = 200, description = "Users in the caller's reach, by creation time then id", body = UserPage),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PageQuery>,
    deleted: web::Query<DeletedQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("users"))?;
    let request = query.check()?;
    let include_deleted = deleted.check(reach_of(&caller).global())?;
    let orgs = caller.reach.organization_ids();
    let limit = request.limit;
    let result = state
        .db
        .run(move |conn| {
            let rows = users::page_in_reach(
                conn,
                orgs.as_deref(),
                include_deleted,
                request.search.as_deref(),
                request.after,
                limit + 1,
            )?;
            Ok(page::page_all(
                rows,
                limit,
                |u| (u.created_at, u.id.to_string()),
                |rows| accounts::listings(conn, rows, orgs.as_deref()).map_err(Problem::from),
            )
            .map(|p| UserPage {
                items: p.items,
                next_cursor: p.next_cursor,
            }))
        })
        .await?;
    Ok(HttpResponse::Ok().json(result?))
}

/// `GET /api/v1/users/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(
        ("id" = String, Path, description = "The user's id"),
        ("include_deleted" = Option<bool>, Query, description = "Also a soft-deleted user (global reach only)"),
    ),
    responses(
        (status = 200, description = "The user", body = UserListing),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    deleted: web::Query<DeletedQuery>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("users"))?;
    let include_deleted = deleted.check(reach_of(&caller).global())?;
    let id = UserId::from(path.into_inner());
    let orgs = caller.reach.organization_ids();
    let found = state
        .db
        .run(
            move |conn| match users::find_in_reach(conn, orgs.as_deref(), include_deleted, &id)? {
                Some(user) => accounts::listing(conn, user, orgs.as_deref()).map(Some),
                None => Ok(None),
            },
        )
        .await?;
    Ok(HttpResponse::Ok().json(found.ok_or_else(Problem::not_found)?))
}

/// A refused change as the API answers it.
pub fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        Refusal::Protected | Refusal::NeedsGlobal => Problem::forbidden(refusal.message()),
        Refusal::Itself | Refusal::EmailTaken | Refusal::LastSuperuser => {
            Problem::conflict(refusal.message())
        }
    }
}

/// Apply `change` to user `id` for the caller (`users:write`).
pub async fn change(
    state: &AppState,
    caller: &Caller,
    id: String,
    change: Change,
) -> Result<Option<UserListing>, Problem> {
    caller.require(Scope::write("users"))?;
    admin::apply(
        state,
        &caller.actor,
        reach_of(caller),
        &UserId::from(id),
        change,
    )
    .await?
    .map_err(refused)
}

/// The user after a change, as the answer.
pub fn changed(user: Option<UserListing>) -> Result<HttpResponse, Problem> {
    Ok(HttpResponse::Ok().json(user.ok_or_else(Problem::not_found)?))
}

/// Body of `POST /api/v1/users`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// The address (stored trimmed and lowercased).
    #[schema(min_length = 1, max_length = 254)]
    pub email: String,
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// An initial password (else the user signs in by email code, a
    /// provider, or sets one through "forgot password").
    #[schema(max_length = 1024)]
    pub password: Option<String>,
    /// Global reach only.
    #[serde(default)]
    pub superuser: bool,
    /// Whether the address counts as verified (default true: the
    /// administrator vouches for it).
    pub email_verified: Option<bool>,
    /// The organization to add the user to (an organization's caller:
    /// one of its own, by default its only one).
    pub organization_id: Option<String>,
    /// The role there (default member; owner needs global reach).
    pub role: Option<Role>,
}

fn email_field(field: &str, raw: &str) -> Result<Email, Problem> {
    Email::parse(raw).map_err(|message| Problem::unprocessable(field, message))
}

fn name_field(raw: Option<String>) -> Result<Option<String>, Problem> {
    match raw.as_deref().map(admin::check_display_name) {
        Some(Err(bad @ admin::BadName::TooLong)) => Err(Problem::invalid("name", bad.message())),
        Some(Err(bad @ admin::BadName::Control)) => {
            Err(Problem::unprocessable("name", bad.message()))
        }
        Some(Ok(())) | None => Ok(raw),
    }
}

pub fn create_refused(refusal: admin_create::Refusal) -> Problem {
    match refusal {
        admin_create::Refusal::NeedsGlobal(field) => {
            let mut p = Problem::invalid(field, "this value needs a caller of global reach");
            p.status = actix_web::http::StatusCode::FORBIDDEN;
            p
        }
        admin_create::Refusal::Organization(message) => {
            Problem::unprocessable("organization_id", message)
        }
        admin_create::Refusal::EmailTaken => {
            Problem::conflict("another account has this email address")
        }
        admin_create::Refusal::Password(rule) => {
            Problem::unprocessable("password", rule.to_string())
        }
    }
}

/// `POST /api/v1/users`
#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "users",
    request_body = CreateUser,
    responses(
        (status = 201, description = "Created", body = UserListing),
        Refusals,
        Conflicting,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<CreateUser>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("users"))?;
    let body = body.into_inner();
    let spec = NewAccount {
        email: email_field("email", &body.email)?,
        display_name: name_field(body.name)?.unwrap_or_default(),
        password: body.password.map(Password::new),
        superuser: body.superuser,
        email_verified: body.email_verified.unwrap_or(true),
        organization: body.organization_id.map(OrganizationId::from),
        role: body.role,
    };
    let created = admin_create::create(&state, &caller.actor, &reach_of(&caller), spec)
        .await?
        .map_err(create_refused)?;
    Ok(HttpResponse::Created().json(created))
}

/// Body of `PATCH /api/v1/users/{id}`: the fields to change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// A new address; it starts unverified.
    #[schema(max_length = 254)]
    pub email: Option<String>,
    /// Global reach only; not on your own account.
    pub superuser: Option<bool>,
    /// E.164 (`+` and 8 to 15 digits; spaces, dashes, dots and parentheses
    /// are dropped); empty removes it. A new number starts unverified.
    #[schema(max_length = 32)]
    pub phone_number: Option<String>,
    /// Whether the number counts as verified (no SMS verification exists:
    /// the administrator vouches for it); false without a number.
    pub phone_number_verified: Option<bool>,
    /// Replaces the whole address; all members empty removes it.
    pub address: Option<Address>,
}

fn contact_field(
    phone_number: Option<String>,
    phone_number_verified: Option<bool>,
    address: Option<Address>,
) -> Result<Option<CheckedContact>, Problem> {
    if phone_number.is_none() && phone_number_verified.is_none() && address.is_none() {
        return Ok(None);
    }
    contact::check(ContactChange {
        phone_number,
        phone_number_verified,
        address,
    })
    .map(Some)
    .map_err(|bad| Problem::unprocessable(bad.field(), bad.message()))
}

/// `PATCH /api/v1/users/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The user as changed", body = UserListing),
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
    body: Body<UpdateUser>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    let profile = Profile {
        display_name: name_field(body.name)?,
        email: body
            .email
            .as_deref()
            .map(|e| email_field("email", e))
            .transpose()?,
        superuser: body.superuser,
        contact: contact_field(body.phone_number, body.phone_number_verified, body.address)?,
    };
    changed(change(&state, &caller, path.into_inner(), Change::Update(profile)).await?)
}

/// `DELETE /api/v1/users/{id}` (soft delete)
#[utoipa::path(
    delete,
    path = "/api/v1/users/{id}",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Deleted (soft): the account answers 404 from now on"),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    change(&state, &caller, path.into_inner(), Change::Delete).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/users/{id}/restore`
#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/restore",
    tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 200, description = "Restored (global reach only); a live user is answered as it is", body = UserListing),
        Refusals,
        Missing,
        Conflicting,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    changed(change(&state, &caller, path.into_inner(), Change::Restore).await?)
}
