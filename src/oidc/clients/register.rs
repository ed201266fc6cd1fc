//! Registering a client: [`spec::validate`], a server-generated 256-bit
//! secret shown once and stored as a keyed hash (SR-35), audited creation.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::Envelope;
use crate::crypto::token::random_token;
use crate::db::DbConnection;
use crate::domain::{ClientId, TextList};
use crate::error::AppError;
use crate::oidc::clients::spec::{self, ClientSpec, Invalid};
use crate::oidc::clients::view::ClientView;
use crate::store::clients::{self, Client};
use crate::store::{naive, write_tx};

/// The new client and, for a confidential one, its secret: printed or
/// answered once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedClient {
    #[serde(skip)]
    pub client_id: ClientId,
    /// Shown once; only its keyed hash is stored. `null` for a public client.
    pub client_secret: Option<String>,
    #[serde(flatten)]
    pub client: ClientView,
}

/// Validate and store a new client inside the caller's transaction; the
/// refused field, or the client and (once) its secret.
pub fn create_tx(
    conn: &mut DbConnection,
    envelope: &Envelope,
    actor: &Actor,
    spec: &ClientSpec,
    now: DateTime<Utc>,
) -> Result<Result<CreatedClient, Invalid>, AppError> {
    let settings = match spec::validate(spec) {
        Ok(s) => s,
        Err(invalid) => return Ok(Err(invalid)),
    };
    let id = ClientId::from(
        spec.id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    );
    let secret = (!spec.public).then(random_token);
    let mut client = Client {
        id: id.clone(),
        name: String::new(),
        secret_hash: secret.as_deref().map(|s| envelope.secret_hash(s)),
        public: spec.public,
        token_endpoint_auth_method: String::new(),
        redirect_uris: TextList::default(),
        post_logout_redirect_uris: TextList::default(),
        grant_types: TextList::default(),
        scopes: TextList::default(),
        backchannel_logout_uri: None,
        jwks: None,
        id_token_signed_response_alg: String::new(),
        access_token_signed_response_alg: String::new(),
        consent: String::new(),
        created_at: naive(now),
        updated_at: naive(now),
        logo_uri: None,
        policy_uri: None,
        tos_uri: None,
        audiences: TextList::default(),
        allowed_origins: TextList::default(),
        organization_id: spec.organization_id.clone(),
        deleted_at: None,
        deleted_by: None,
        require_pkce: false,
        require_par: false,
        jwks_uri: None,
        request_object_signing_alg: None,
        require_signed_request_object: false,
        dynamically_registered: spec.dynamically_registered,
        dpop_bound_access_tokens: false,
        subject_type: "public".into(),
        sector_identifier_uri: None,
    };
    spec.apply(&settings, &mut client);
    let view = ClientView::of(&client);
    clients::insert(conn, &client)?;
    let mut event = Event::new(Action::ClientCreated, Outcome::Success)
        .target("client", id.as_str())
        .details(json!({ "before": null, "after": view }));
    if let Some(org) = &client.organization_id {
        event = event.organization(org.as_str());
    }
    audit::record(conn, actor, event, now)?;
    Ok(Ok(CreatedClient {
        client_id: id,
        client_secret: secret,
        client: view,
    }))
}

/// Validate and store a new client (the CLI, tests); a refused setting is
/// [`AppError::BadRequest`] naming the field.
pub fn create(
    conn: &mut DbConnection,
    envelope: &Envelope,
    actor: &Actor,
    spec: &ClientSpec,
    now: DateTime<Utc>,
) -> Result<CreatedClient, AppError> {
    write_tx(conn, |conn| create_tx(conn, envelope, actor, spec, now))?
        .map_err(|invalid| AppError::BadRequest(invalid.to_string()))
}
