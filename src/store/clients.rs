//! OIDC clients (applications). List-valued settings are JSON arrays in
//! text columns, decoded when the row is read ([`TextList`]); the secret is stored only as a keyed hash (SR-35).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::clients;
use crate::db::{DbConnection, is_unique_violation};
use crate::domain::{ClientId, TextList};
use crate::error::AppError;

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
    pub fn skips_consent(&self) -> bool {
        self.consent == "skip"
    }
}

/// Insert; an existing id is [`AppError::Conflict`].
pub fn insert(conn: &mut DbConnection, client: &Client) -> Result<(), AppError> {
    match diesel::insert_into(clients::table)
        .values(client.clone())
        .execute(conn)
    {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict(format!(
            "A client with id {} already exists.",
            client.id
        ))),
        Err(e) => Err(e.into()),
    }
}

pub fn find(conn: &mut DbConnection, id: &ClientId) -> Result<Option<Client>, AppError> {
    Ok(clients::table
        .filter(clients::id.eq(id))
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
        .filter(clients::backchannel_logout_uri.is_not_null())
        .select(Client::as_select())
        .load(conn)?)
}

/// Every origin some client allows (CORS on the token endpoints).
pub fn all_allowed_origins(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    let lists: Vec<String> = clients::table
        .filter(clients::allowed_origins.ne("[]"))
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
