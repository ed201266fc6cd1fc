//! `/api/v1/clients` (S8): OIDC clients in the caller's reach — list,
//! show, create (the secret answered once, SR-102), update, rotate the
//! secret, soft-delete and restore — thin handlers over
//! [`crate::oidc::clients::admin`], the service `ostiary client …` uses.
//! Needs `clients:read` / `clients:write`; another organization's client
//! is not found (404).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer};

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::page::{self, DeletedQuery, PageQuery};
use crate::admin::api::problem::{Missing, Problem, ProblemBody, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::crypto::signing::Alg;
use crate::domain::{ClientId, OrganizationId};
use crate::oidc::clients::admin::{self, ClientPatch, Refusal, RotatedSecret};
use crate::oidc::clients::view::ClientView;
use crate::oidc::clients::{ClientSpec, CreatedClient, spec};
use crate::state::AppState;

/// One page of clients.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ClientPage {
    pub items: Vec<ClientView>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

/// A client id may end a cursor (also the console's list).
pub fn cursor_id(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A JWKS document: the client's public keys for `private_key_jwt`.
#[derive(Debug, Clone, serde::Serialize, Deserialize, utoipa::ToSchema)]
pub struct Jwks {
    #[schema(value_type = Vec<Object>, max_items = 50)]
    pub keys: Vec<serde_json::Value>,
}

impl Jwks {
    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A new client. Lists left out take the defaults of `ostiary client create`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    /// Shown on the consent page.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Default: generated.
    #[schema(pattern = "^[A-Za-z0-9._-]{1,128}$")]
    pub client_id: Option<String>,
    /// No secret (auth method `none`; PKCE). Default false.
    #[serde(default)]
    pub public: bool,
    /// The owning organization. An organization's caller may leave it out
    /// when it administers one organization; one outside the caller's reach
    /// (or unknown) answers 422 naming this field.
    #[schema(max_length = 100)]
    pub organization_id: Option<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub post_logout_redirect_uris: Vec<String>,
    /// authorization_code, refresh_token, client_credentials,
    /// urn:ietf:params:oauth:grant-type:device_code,
    /// urn:ietf:params:oauth:grant-type:token-exchange (confidential clients
    /// only) (default: the first two).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub grant_types: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub scopes: Vec<String>,
    pub backchannel_logout_uri: Option<String>,
    /// client_secret_basic (default), client_secret_post, private_key_jwt
    /// or none (public clients).
    pub token_endpoint_auth_method: Option<String>,
    /// The client's public keys for private_key_jwt.
    pub jwks: Option<Jwks>,
    /// RS256 (default), ES256 or EdDSA.
    pub id_token_signed_response_alg: Option<String>,
    /// RS256 (default), ES256 or EdDSA.
    pub access_token_signed_response_alg: Option<String>,
    /// skip (first-party) or required (default).
    pub consent: Option<String>,
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub audiences: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 50)]
    pub allowed_origins: Vec<String>,
    /// Require PKCE (S256) of this confidential client too (public
    /// clients always need it; recommended, RFC 9700).
    #[serde(default)]
    pub require_pkce: bool,
    /// Accept authorization requests only through `/par` (RFC 9126 §5).
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// Where the client's public keys are fetched (https; instead of
    /// `jwks`), for private_key_jwt and request objects.
    pub jwks_uri: Option<String>,
    /// The one algorithm its request objects must use (RFC 9101): RS256,
    /// PS256, ES256 or EdDSA.
    pub request_object_signing_alg: Option<String>,
    /// Accept authorization requests only in a signed request object
    /// (RFC 9101 §10.5).
    #[serde(default)]
    pub require_signed_request_object: bool,
    /// Refuse token requests without a DPoP proof (RFC 9449 §5.2).
    #[serde(default)]
    pub dpop_bound_access_tokens: bool,
    /// `public` (default: `sub` is the user id) or `pairwise` (a per-sector
    /// `sub`, OIDC Core §8).
    pub subject_type: Option<String>,
    /// A pairwise client's sector (OIDC Core §8.1): an https URL serving a
    /// JSON array that lists every redirect URI; fetched when saved.
    /// Without it, the redirect URIs must share one host.
    #[schema(max_length = 2000)]
    pub sector_identifier_uri: Option<String>,
}

/// A present field, even `null` (`Some(None)`: clear the setting).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Changes to a client: fields left out stay as they are; `null` clears an
/// optional URI or the JWKS. The result is validated whole, as on creation.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClientChanges {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(max_items = 50)]
    pub redirect_uris: Option<Vec<String>>,
    #[schema(max_items = 50)]
    pub post_logout_redirect_uris: Option<Vec<String>>,
    /// An empty list: the defaults (authorization_code, refresh_token).
    #[schema(max_items = 50)]
    pub grant_types: Option<Vec<String>>,
    /// An empty list: the defaults.
    #[schema(max_items = 50)]
    pub scopes: Option<Vec<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub backchannel_logout_uri: Option<Option<String>>,
    pub token_endpoint_auth_method: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Jwks>)]
    pub jwks: Option<Option<Jwks>>,
    pub id_token_signed_response_alg: Option<String>,
    pub access_token_signed_response_alg: Option<String>,
    pub consent: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub logo_uri: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub policy_uri: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub tos_uri: Option<Option<String>>,
    #[schema(max_items = 50)]
    pub audiences: Option<Vec<String>>,
    #[schema(max_items = 50)]
    pub allowed_origins: Option<Vec<String>>,
    /// Require PKCE (S256) of this confidential client too.
    pub require_pkce: Option<bool>,
    /// Accept authorization requests only through `/par` (RFC 9126 §5).
    pub require_pushed_authorization_requests: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub jwks_uri: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub request_object_signing_alg: Option<Option<String>>,
    /// Accept authorization requests only in a signed request object.
    pub require_signed_request_object: Option<bool>,
    /// Refuse token requests without a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: Option<bool>,
    /// `public` or `pairwise` (OIDC Core §8).
    pub subject_type: Option<String>,
    /// `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 2000)]
    pub sector_identifier_uri: Option<Option<String>>,
}

fn alg(field: &'static str, raw: Option<String>) -> Result<Option<Alg>, Problem> {
    spec::alg(field, raw.as_deref()).map_err(|i| Problem::invalid(i.field, i.message))
}

impl NewClient {
    fn into_spec(self) -> Result<ClientSpec, Problem> {
        Ok(ClientSpec {
            name: self.name,
            id: self.client_id,
            public: self.public,
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            grant_types: self.grant_types,
            scopes: self.scopes,
            backchannel_logout_uri: self.backchannel_logout_uri,
            token_endpoint_auth_method: self.token_endpoint_auth_method,
            jwks: self.jwks.as_ref().map(Jwks::text),
            id_token_signed_response_alg: alg(
                "id_token_signed_response_alg",
                self.id_token_signed_response_alg,
            )?,
            access_token_signed_response_alg: alg(
                "access_token_signed_response_alg",
                self.access_token_signed_response_alg,
            )?,
            consent: self.consent,
            logo_uri: self.logo_uri,
            policy_uri: self.policy_uri,
            tos_uri: self.tos_uri,
            audiences: self.audiences,
            allowed_origins: self.allowed_origins,
            organization_id: self.organization_id.map(OrganizationId::from),
            require_pkce: self.require_pkce,
            require_par: self.require_pushed_authorization_requests,
            jwks_uri: self.jwks_uri,
            request_object_signing_alg: self.request_object_signing_alg,
            require_signed_request_object: self.require_signed_request_object,
            dynamically_registered: false,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens,
            subject_type: self.subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
        })
    }
}

impl ClientChanges {
    fn into_patch(self) -> Result<ClientPatch, Problem> {
        Ok(ClientPatch {
            name: self.name,
            redirect_uris: self.redirect_uris,
            post_logout_redirect_uris: self.post_logout_redirect_uris,
            grant_types: self.grant_types,
            scopes: self.scopes,
            backchannel_logout_uri: self.backchannel_logout_uri,
            token_endpoint_auth_method: self.token_endpoint_auth_method,
            jwks: self.jwks.map(|j| j.as_ref().map(Jwks::text)),
            id_token_signed_response_alg: alg(
                "id_token_signed_response_alg",
                self.id_token_signed_response_alg,
            )?,
            access_token_signed_response_alg: alg(
                "access_token_signed_response_alg",
                self.access_token_signed_response_alg,
            )?,
            consent: self.consent,
            logo_uri: self.logo_uri,
            policy_uri: self.policy_uri,
            tos_uri: self.tos_uri,
            audiences: self.audiences,
            allowed_origins: self.allowed_origins,
            require_pkce: self.require_pkce,
            require_par: self.require_pushed_authorization_requests,
            jwks_uri: self.jwks_uri,
            request_object_signing_alg: self.request_object_signing_alg,
            require_signed_request_object: self.require_signed_request_object,
            dpop_bound_access_tokens: self.dpop_bound_access_tokens,
            subject_type: self.subject_type,
            sector_identifier_uri: self.sector_identifier_uri,
        })
    }
}

pub fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::NotFound => Problem::not_found(),
        // A value refused alone is 400; well-formed settings a rule
        // refuses together (or an organization out of reach) are 422.
        Refusal::Invalid(invalid) if invalid.conflict => {
            Problem::unprocessable(invalid.field, invalid.message)
        }
        Refusal::Invalid(invalid) => Problem::invalid(invalid.field, invalid.message),
        Refusal::NoOrganization => {
            Problem::unprocessable("organization_id", "no such organization in your reach")
        }
        Refusal::Public => Problem::new(
            StatusCode::CONFLICT,
            "a public client has no secret to rotate",
        ),
        Refusal::GlobalOnly => {
            Problem::forbidden("only a caller of global reach restores a deleted client")
        }
        Refusal::NotDeleted => Problem::new(StatusCode::CONFLICT, "the client is not deleted"),
    }
}

/// `GET /api/v1/clients?limit=&cursor=&q=&include_deleted=`
#[utoipa::path(
    get,
    path = "/api/v1/clients",
    tag = "clients",
    params(
        ("limit" = Option<i64>, Query, description = "Items per page, 1 to 100 (default 20)", minimum = 1, maximum = 100),
        ("cursor" = Option<String>, Query, description = "`next_cursor` of the previous page", pattern = "^[0-9]{1,16}\\.[0-9A-Za-z._-]{1,128}$"),
        ("q" = Option<String>, Query, description = "Part of the client id or name, any case", max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"),
        ("include_deleted" = Option<bool>, Query, description = "Deleted clients too (callers of global reach only)"),
    ),
    responses(
        (status = 200, description = "Clients in the caller's reach, by creation time then id", body = ClientPage),
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
    caller.require(Scope::read("clients"))?;
    let request = query.check_for(cursor_id)?;
    let include_deleted = deleted.check(caller.reach.organization_ids().is_none())?;
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
    )?;
    Ok(HttpResponse::Ok().json(ClientPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// `GET /api/v1/clients/{id}`
#[utoipa::path(
    get,
    path = "/api/v1/clients/{id}",
    tag = "clients",
    params(
        ("id" = String, Path, description = "The client id"),
        ("include_deleted" = Option<bool>, Query, description = "Show it even if deleted (callers of global reach only)"),
    ),
    responses(
        (status = 200, description = "The client (never its secret)", body = ClientView),
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
    caller.require(Scope::read("clients"))?;
    let include_deleted = deleted.check(caller.reach.organization_ids().is_none())?;
    let found = admin::show(
        &state,
        caller.reach.organization_ids(),
        include_deleted,
        ClientId::from(path.into_inner()),
    )
    .await?;
    Ok(HttpResponse::Ok().json(found.ok_or_else(Problem::not_found)?))
}

/// `POST /api/v1/clients`
#[utoipa::path(
    post,
    path = "/api/v1/clients",
    tag = "clients",
    request_body(content = NewClient, content_type = "application/json"),
    responses(
        (status = 201, description = "Registered; `client_secret` (confidential clients) is shown only now", body = CreatedClient),
        Refusals,
        (status = 409, description = "A client with this id exists", body = ProblemBody, content_type = "application/problem+json"),
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<NewClient>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    // SR-101: a secret is shown; a session must have signed in recently.
    caller.require_recent()?;
    let spec = body.into_inner().into_spec()?;
    let created = admin::create(&state, &caller.actor, caller.reach.organization_ids(), spec)
        .await?
        .map_err(refused)?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(created))
}

/// `PATCH /api/v1/clients/{id}`
#[utoipa::path(
    patch,
    path = "/api/v1/clients/{id}",
    tag = "clients",
    params(("id" = String, Path, description = "The client id")),
    request_body(content = ClientChanges, content_type = "application/json"),
    responses(
        (status = 200, description = "The client as it is now", body = ClientView),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
    body: Body<ClientChanges>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    let patch = body.into_inner().into_patch()?;
    let view = admin::update(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(path.into_inner()),
        patch,
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /api/v1/clients/{id}/rotate-secret`
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/rotate-secret",
    tag = "clients",
    params(("id" = String, Path, description = "The client id")),
    responses(
        (status = 200, description = "The new secret, shown only now; the old one no longer works", body = RotatedSecret),
        Refusals,
        Missing,
        (status = 409, description = "A public client has no secret", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn rotate_secret(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    // SR-101: a secret is shown; a session must have signed in recently.
    caller.require_recent()?;
    let rotated = admin::rotate_secret(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(path.into_inner()),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(rotated))
}

/// `DELETE /api/v1/clients/{id}` (soft delete)
#[utoipa::path(
    delete,
    path = "/api/v1/clients/{id}",
    tag = "clients",
    params(("id" = String, Path, description = "The client id")),
    responses(
        (status = 204, description = "Deleted (soft): the client answers 404 and works nowhere; its grants and refresh tokens ended"),
        Refusals,
        Missing,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    admin::delete(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(path.into_inner()),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/clients/{id}/restore`
#[utoipa::path(
    post,
    path = "/api/v1/clients/{id}/restore",
    tag = "clients",
    params(("id" = String, Path, description = "The client id")),
    responses(
        (status = 200, description = "Restored: the client works again (its ended grants stay ended)", body = ClientView),
        Refusals,
        Missing,
        (status = 409, description = "The client is not deleted", body = ProblemBody, content_type = "application/problem+json"),
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn restore(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("clients"))?;
    let view = admin::restore(
        &state,
        &caller.actor,
        caller.reach.organization_ids(),
        ClientId::from(path.into_inner()),
    )
    .await?
    .map_err(refused)?;
    Ok(HttpResponse::Ok().json(view))
}
