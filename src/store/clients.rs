//! OIDC clients (applications). List-valued settings are JSON arrays in
//! text columns, decoded when the row is read ([`TextList`]); the secret is stored only as a keyed hash (SR-35).
//! A client may belong to an organization; a deleted one (soft, S8) is
//! invisible to every protocol lookup ([`find`]) and only the admin
//! lookups with `include_deleted` see it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::clients;
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::{ClientId, OrganizationId, TextList};
use crate::error::AppError;
use crate::store::cache_events::{Changed, announce};

/// A client row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = clients)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub secret_hash: Option<String>,
    pub public: bool,
    pub token_endpoint_auth_method: String,
    #[diesel(serialize_as = String)]
    pub redirect_uris: TextList,
    #[diesel(serialize_as = String)]
    pub post_logout_redirect_uris: TextList,
    #[diesel(serialize_as = String)]
    pub grant_types: TextList,
    #[diesel(serialize_as = String)]
    pub scopes: TextList,
    pub backchannel_logout_uri: Option<String>,
    pub jwks: Option<String>,
    pub id_token_signed_response_alg: String,
    pub access_token_signed_response_alg: String,
    pub consent: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Shown on the sign-in and consent pages (https or same origin only).
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// Resource servers (RFC 8707) its access tokens may be for.
    #[diesel(serialize_as = String)]
    pub audiences: TextList,
    /// Browser origins allowed to call the token endpoints (CORS).
    #[diesel(serialize_as = String)]
    pub allowed_origins: TextList,
    /// The organization whose administrators manage it (`None`: only
    /// administrators of global reach).
    pub organization_id: Option<OrganizationId>,
    /// Soft deletion (S8): when, and by whom (an actor id).
    pub deleted_at: Option<NaiveDateTime>,
    pub deleted_by: Option<String>,
    /// PKCE required even though it is confidential (public clients
    /// always need it).
    pub require_pkce: bool,
    /// Authorization requests only through `/par` (RFC 9126 §5).
    pub require_par: bool,
    /// Every token request must carry a DPoP proof (RFC 9449 §5.2).
    pub dpop_bound_access_tokens: bool,
    /// Where its public keys are fetched from (instead of `jwks`), for
    /// `private_key_jwt` and request objects.
    pub jwks_uri: Option<String>,
    /// The one algorithm its request objects must use (RFC 9101; `None`:
    /// any accepted one).
    pub request_object_signing_alg: Option<String>,
    /// Authorization requests only in a signed request object (RFC 9101
    /// §10.5), direct or pushed.
    pub require_signed_request_object: bool,
    /// Registered through `/register` (RFC 7591): never first-party, it
    /// always asks for consent (SR-141).
    pub dynamically_registered: bool,
    /// `public` or `pairwise` (OIDC Core §8: the `sub` the client sees).
    pub subject_type: String,
    /// Names the pairwise sector (OIDC Core §8.1): an https JSON array
    /// listing the client's redirect URIs.
    pub sector_identifier_uri: Option<String>,
}

impl Client {
    pub fn redirect_uris(&self) -> Vec<String> {
        self.redirect_uris.to_vec()
    }
    pub fn post_logout_redirect_uris(&self) -> Vec<String> {
        self.post_logout_redirect_uris.to_vec()
    }
    pub fn grant_types(&self) -> Vec<String> {
        self.grant_types.to_vec()
    }
    pub fn scopes(&self) -> Vec<String> {
        self.scopes.to_vec()
    }
    pub fn audiences(&self) -> Vec<String> {
        self.audiences.to_vec()
    }
    pub fn allowed_origins(&self) -> Vec<String> {
        self.allowed_origins.to_vec()
    }
    pub fn allows_grant(&self, grant: &str) -> bool {
        self.grant_types.has(grant)
    }
    /// First-party clients skip the consent page.
    /// A dynamically registered client never does (SR-141).
    pub fn skips_consent(&self) -> bool {
        self.consent == "skip" && !self.dynamically_registered
    }
}

/// Insert; an existing id is [`AppError::Conflict`].
pub fn insert(conn: &mut DbConnection, client: &Client) -> Result<(), AppError> {
    match diesel::insert_into(clients::table)
        .values(client.clone())
        .execute(conn)
    {
        Ok(_) => announce(conn, &Changed::Client(client.id.to_string())),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict(format!(
            "A client with id {} already exists.",
            client.id
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The live (not deleted) client `id`: every protocol lookup uses this.
pub fn find(conn: &mut DbConnection, id: &ClientId) -> Result<Option<Client>, AppError> {
    Ok(clients::table
        .filter(clients::id.eq(id))
        .filter(clients::deleted_at.is_null())
        .select(Client::as_select())
        .first(conn)
        .optional()?)
}

/// Every client with a back-channel logout URI among `ids`.
pub fn with_backchannel(
    conn: &mut DbConnection,
    ids: &[ClientId],
) -> Result<Vec<Client>, AppError> {
    Ok(clients::table
        .filter(clients::id.eq_any(ids))
        .filter(clients::deleted_at.is_null())
        .filter(clients::backchannel_logout_uri.is_not_null())
        .select(Client::as_select())
        .load(conn)?)
}

/// Every origin some client allows (CORS on the token endpoints).
pub fn all_allowed_origins(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    let lists: Vec<String> = clients::table
        .filter(clients::allowed_origins.ne("[]"))
        .filter(clients::deleted_at.is_null())
        .select(clients::allowed_origins)
        .load(conn)?;
    let mut all = Vec::new();
    for list in lists {
        let list = TextList::try_from(list)
            .map_err(|e| AppError::Internal(format!("clients.allowed_origins: {e}")))?;
        all.extend(list.into_vec());
    }
    all.sort();
    all.dedup();
    Ok(all)
}

type Boxed<'a> = clients::BoxedQuery<
    'a,
    crate::db::MultiBackend,
    diesel::dsl::SqlTypeOf<diesel::dsl::AsSelect<Client, crate::db::MultiBackend>>,
>;

/// Clients in reach: `organizations` `None` is every client, else those
/// owned by one of them; deleted ones only with `include_deleted`.
fn in_reach(organizations: Option<&[OrganizationId]>, include_deleted: bool) -> Boxed<'_> {
    let mut query = clients::table.select(Client::as_select()).into_boxed();
    if !include_deleted {
        query = query.filter(clients::deleted_at.is_null());
    }
    if let Some(orgs) = organizations {
        query = query.filter(clients::organization_id.eq_any(orgs.iter().map(|o| o.to_string())));
    }
    query
}

/// One page of clients in reach, by creation time then id, after the
/// (created_at, id) key `after`; `search` matches id or name, any case.
pub fn page_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    include_deleted: bool,
    search: Option<&str>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Client>, AppError> {
    let mut query = in_reach(organizations, include_deleted);
    if let Some(q) = search {
        let pattern = crate::store::contains_pattern(&q.to_lowercase());
        query = query.filter(
            crate::store::users::lower(clients::id)
                .like(pattern.clone())
                .escape('\\')
                .or(crate::store::users::lower(clients::name)
                    .like(pattern)
                    .escape('\\')),
        );
    }
    if let Some((at, id)) = after {
        query = query.filter(
            // `>=` first so that the index on created_at bounds the scan
            // (the bare OR made every page rescan from the start).
            clients::created_at
                .ge(at)
                .and(clients::created_at.gt(at).or(clients::id.gt(id))),
        );
    }
    Ok(query
        .order((clients::created_at.asc(), clients::id.asc()))
        .limit(limit)
        .load(conn)?)
}

/// The client `id` if in reach (deleted only with `include_deleted`).
pub fn find_in_reach(
    conn: &mut DbConnection,
    organizations: Option<&[OrganizationId]>,
    include_deleted: bool,
    id: &ClientId,
) -> Result<Option<Client>, AppError> {
    Ok(in_reach(organizations, include_deleted)
        .filter(clients::id.eq(id.to_string()))
        .first(conn)
        .optional()?)
}

/// Store every setting of `client` (not its id, secret, owner or
/// deletion), stamped `updated_at`.
pub fn update_settings(conn: &mut DbConnection, client: &Client) -> Result<(), AppError> {
    diesel::update(clients::table.filter(clients::id.eq(&client.id)))
        .set((
            clients::name.eq(&client.name),
            clients::token_endpoint_auth_method.eq(&client.token_endpoint_auth_method),
            clients::redirect_uris.eq(client.redirect_uris.to_json()),
            clients::post_logout_redirect_uris.eq(client.post_logout_redirect_uris.to_json()),
            clients::grant_types.eq(client.grant_types.to_json()),
            clients::scopes.eq(client.scopes.to_json()),
            clients::backchannel_logout_uri.eq(&client.backchannel_logout_uri),
            clients::jwks.eq(&client.jwks),
            clients::id_token_signed_response_alg.eq(&client.id_token_signed_response_alg),
            clients::access_token_signed_response_alg.eq(&client.access_token_signed_response_alg),
            clients::consent.eq(&client.consent),
            clients::updated_at.eq(client.updated_at),
            clients::logo_uri.eq(&client.logo_uri),
            clients::policy_uri.eq(&client.policy_uri),
            clients::tos_uri.eq(&client.tos_uri),
            clients::audiences.eq(client.audiences.to_json()),
            clients::allowed_origins.eq(client.allowed_origins.to_json()),
            clients::require_pkce.eq(client.require_pkce),
            clients::require_par.eq(client.require_par),
            clients::dpop_bound_access_tokens.eq(client.dpop_bound_access_tokens),
            clients::jwks_uri.eq(&client.jwks_uri),
            clients::request_object_signing_alg.eq(&client.request_object_signing_alg),
            clients::require_signed_request_object.eq(client.require_signed_request_object),
            clients::subject_type.eq(&client.subject_type),
            clients::sector_identifier_uri.eq(&client.sector_identifier_uri),
        ))
        .execute(conn)?;
    announce(conn, &Changed::Client(client.id.to_string()))
}

/// Replace a client's secret hash (rotation: the old secret stops at once).
pub fn set_secret_hash(
    conn: &mut DbConnection,
    id: &ClientId,
    secret_hash: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(clients::table.filter(clients::id.eq(id)))
        .set((
            clients::secret_hash.eq(Some(secret_hash)),
            clients::updated_at.eq(now),
        ))
        .execute(conn)?;
    announce(conn, &Changed::Client(id.to_string()))
}

/// Mark a client deleted (`Some((when, by))`) or live again (`None`).
pub fn set_deleted(
    conn: &mut DbConnection,
    id: &ClientId,
    deleted: Option<(NaiveDateTime, Option<String>)>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let (at, by) = match deleted {
        Some((at, by)) => (Some(at), by),
        None => (None, None),
    };
    diesel::update(clients::table.filter(clients::id.eq(id)))
        .set((
            clients::deleted_at.eq(at),
            clients::deleted_by.eq(by),
            clients::updated_at.eq(now),
        ))
        .execute(conn)?;
    announce(conn, &Changed::Client(id.to_string()))
}
