//! What an administrator does to clients (S8) — one implementation for the
//! CLI and the admin API: list, show, create, update (the same validation
//! as creation), rotate the secret (shown once, the old one stops at once),
//! soft-delete (the client stops working everywhere and its grants end)
//! and restore. A caller of organization reach sees and changes only its
//! organizations' clients (the reach is part of every query); deleted
//! clients are seen and restored by callers of global reach only. Every
//! change is audited with before/after and never a secret.

use chrono::NaiveDateTime;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::signing::Alg;
use crate::crypto::token::random_token;
use crate::db::DbConnection;
use crate::domain::{ClientId, OrganizationId};
use crate::error::AppError;
use crate::oidc::clients::register::{self, CreatedClient};
use crate::oidc::clients::spec::{self, ClientSpec, Invalid};
use crate::oidc::clients::view::{self, ClientView};
use crate::oidc::subject;
use crate::state::AppState;
use crate::store::clients::{self, Client};
use crate::store::{grants, naive, orgs, write_tx};

/// Which clients a caller reaches: `None` every client (global reach),
/// else those of these organizations.
pub type Reach = Option<Vec<OrganizationId>>;

/// Why an operation was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No such client in reach (or deleted).
    NotFound,
    /// A refused setting.
    Invalid(Invalid),
    /// The organization asked for is not in the caller's reach (or does
    /// not exist).
    NoOrganization,
    /// A public client has no secret to rotate.
    Public,
    /// Only a caller of global reach does this (restore).
    GlobalOnly,
    /// Restoring a client that is not deleted.
    NotDeleted,
}

/// A result, or why not.
pub type Done<T> = Result<Result<T, Refusal>, AppError>;

/// Changes to a client's settings; `None` leaves a setting as it is. The
/// doubled options clear a setting with `Some(None)`.
#[derive(Debug, Clone, Default)]
pub struct ClientPatch {
    pub name: Option<String>,
    pub redirect_uris: Option<Vec<String>>,
    pub post_logout_redirect_uris: Option<Vec<String>>,
    pub grant_types: Option<Vec<String>>,
    pub scopes: Option<Vec<String>>,
    pub backchannel_logout_uri: Option<Option<String>>,
    pub token_endpoint_auth_method: Option<String>,
    pub jwks: Option<Option<String>>,
    pub id_token_signed_response_alg: Option<Alg>,
    pub access_token_signed_response_alg: Option<Alg>,
    pub consent: Option<String>,
    pub logo_uri: Option<Option<String>>,
    pub policy_uri: Option<Option<String>>,
    pub tos_uri: Option<Option<String>>,
    pub audiences: Option<Vec<String>>,
    pub allowed_origins: Option<Vec<String>>,
    pub require_pkce: Option<bool>,
    pub require_par: Option<bool>,
    pub jwks_uri: Option<Option<String>>,
    pub request_object_signing_alg: Option<Option<String>>,
    pub require_signed_request_object: Option<bool>,
    pub dpop_bound_access_tokens: Option<bool>,
    pub subject_type: Option<String>,
    pub sector_identifier_uri: Option<Option<String>>,
}

impl ClientPatch {
    fn apply(self, spec: &mut ClientSpec) {
        fn set<T>(slot: &mut T, value: Option<T>) {
            if let Some(v) = value {
                *slot = v;
            }
        }
        set(&mut spec.name, self.name);
        set(&mut spec.redirect_uris, self.redirect_uris);
        set(
            &mut spec.post_logout_redirect_uris,
            self.post_logout_redirect_uris,
        );
        set(&mut spec.grant_types, self.grant_types);
        set(&mut spec.scopes, self.scopes);
        set(
            &mut spec.backchannel_logout_uri,
            self.backchannel_logout_uri,
        );
        set(
            &mut spec.token_endpoint_auth_method,
            self.token_endpoint_auth_method.map(Some),
        );
        set(&mut spec.jwks, self.jwks);
        set(
            &mut spec.id_token_signed_response_alg,
            self.id_token_signed_response_alg.map(Some),
        );
        set(
            &mut spec.access_token_signed_response_alg,
            self.access_token_signed_response_alg.map(Some),
        );
        set(&mut spec.consent, self.consent.map(Some));
        set(&mut spec.logo_uri, self.logo_uri);
        set(&mut spec.policy_uri, self.policy_uri);
        set(&mut spec.tos_uri, self.tos_uri);
        set(&mut spec.audiences, self.audiences);
        set(&mut spec.allowed_origins, self.allowed_origins);
        set(&mut spec.require_pkce, self.require_pkce);
        set(&mut spec.require_par, self.require_par);
        set(&mut spec.jwks_uri, self.jwks_uri);
        set(
            &mut spec.request_object_signing_alg,
            self.request_object_signing_alg,
        );
        set(
            &mut spec.require_signed_request_object,
            self.require_signed_request_object,
        );
        set(
            &mut spec.dpop_bound_access_tokens,
            self.dpop_bound_access_tokens,
        );
        set(&mut spec.subject_type, self.subject_type.map(Some));
        set(&mut spec.sector_identifier_uri, self.sector_identifier_uri);
    }
}

/// What a pairwise client's sector document was checked against: its
/// `sector_identifier_uri` and redirect URIs.
type SectorChecked = Option<(String, Vec<String>)>;

fn sector_to_check(spec: &ClientSpec) -> SectorChecked {
    spec.sector_identifier_uri
        .clone()
        .filter(|_| spec.subject_type.as_deref() == Some(subject::PAIRWISE))
        .map(|uri| (uri, spec.redirect_uris.clone()))
}

/// Fetch and check the sector document of valid settings (OIDC Core §8.1),
/// outside any transaction, unless it was checked with the same settings
/// before (`known`); what was checked, or why not.
async fn check_sector(
    state: &AppState,
    spec: &ClientSpec,
    known: &SectorChecked,
) -> Result<SectorChecked, Refusal> {
    spec::validate(spec).map_err(Refusal::Invalid)?;
    let checked = sector_to_check(spec);
    if let Some((uri, redirects)) = checked.as_ref().filter(|c| known.as_ref() != Some(*c)) {
        subject::check_sector_document(state, uri, redirects)
            .await
            .map_err(|m| Refusal::Invalid(Invalid::conflict("sector_identifier_uri", m)))?;
    }
    Ok(checked)
}

/// A rotated secret, shown once.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RotatedSecret {
    pub client_id: String,
    /// The new secret; the old one no longer works.
    pub client_secret: String,
}

/// Up to `limit` clients in reach after the (created_at, id) key `after`,
/// by creation time then id; `search` matches id or name.
pub async fn list(
    state: &AppState,
    reach: Reach,
    include_deleted: bool,
    search: Option<String>,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<Client>, AppError> {
    state
        .db
        .run(move |conn| {
            clients::page_in_reach(
                conn,
                reach.as_deref(),
                include_deleted && reach.is_none(),
                search.as_deref(),
                after,
                limit,
            )
        })
        .await
}

/// The client `id` if in reach (a deleted one only for global reach with
/// `include_deleted`).
pub async fn show(
    state: &AppState,
    reach: Reach,
    include_deleted: bool,
    id: ClientId,
) -> Result<Option<ClientView>, AppError> {
    let found = state
        .db
        .run(move |conn| {
            clients::find_in_reach(
                conn,
                reach.as_deref(),
                include_deleted && reach.is_none(),
                &id,
            )
        })
        .await?;
    Ok(found.as_ref().map(ClientView::of))
}

/// The organization a new client belongs to: an organization caller's
/// own (it names one when it has several); a global caller's choice.
pub fn owner(
    reach: &Reach,
    asked: Option<OrganizationId>,
) -> Result<Option<OrganizationId>, Refusal> {
    let Some(mine) = reach else {
        return Ok(asked);
    };
    match asked {
        Some(org) if mine.contains(&org) => Ok(Some(org)),
        Some(_) => Err(Refusal::NoOrganization),
        None if mine.len() == 1 => Ok(mine.first().cloned()),
        None => Err(Refusal::Invalid(Invalid::new(
            "organization_id",
            "name which of your organizations the client belongs to",
        ))),
    }
}

/// Register a client for a caller of `reach`.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    mut spec: ClientSpec,
) -> Done<CreatedClient> {
    spec.organization_id = match owner(&reach, spec.organization_id.take()) {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if let Err(refusal) = check_sector(state, &spec, &None).await {
        return Ok(Err(refusal));
    }
    let (envelope, actor, now) = (state.envelope.clone(), actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if let Some(org) = &spec.organization_id
                    && orgs::find_in(conn, None, org)?.is_none()
                {
                    return Ok(Err(Refusal::NoOrganization));
                }
                Ok(register::create_tx(conn, &envelope, &actor, &spec, now)?
                    .map_err(Refusal::Invalid))
            })
        })
        .await
}

fn event(action: Action, client: &Client, details: serde_json::Value) -> Event {
    let event = Event::new(action, Outcome::Success)
        .target("client", client.id.as_str())
        .details(details);
    match &client.organization_id {
        Some(org) => event.organization(org.as_str()),
        None => event,
    }
}

fn live(conn: &mut DbConnection, reach: &Reach, id: &ClientId) -> Result<Option<Client>, AppError> {
    clients::find_in_reach(conn, reach.as_deref(), false, id)
}

/// Change some settings of a client in reach; the whole is validated
/// again as on creation.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: ClientId,
    patch: ClientPatch,
) -> Done<ClientView> {
    let (actor, now) = (actor.clone(), state.now());
    // A pairwise client's sector document is fetched before the write
    // transaction; the transaction then insists on the settings checked.
    let (lookup, r) = (id.clone(), reach.clone());
    let Some(current) = state.db.run(move |conn| live(conn, &r, &lookup)).await? else {
        return Ok(Err(Refusal::NotFound));
    };
    let mut planned = ClientSpec::of(&current);
    patch.clone().apply(&mut planned);
    let known = sector_to_check(&ClientSpec::of(&current));
    let checked = match check_sector(state, &planned, &known).await {
        Ok(c) => c,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let lookup = id.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(mut client) = live(conn, &reach, &lookup)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                let before = ClientView::of(&client);
                let mut spec = ClientSpec::of(&client);
                patch.clone().apply(&mut spec);
                let settings = match spec::validate(&spec) {
                    Ok(s) => s,
                    Err(invalid) => return Ok(Err(Refusal::Invalid(invalid))),
                };
                if sector_to_check(&spec) != checked {
                    return Ok(Err(Refusal::Invalid(Invalid::new(
                        "sector_identifier_uri",
                        "the client changed while its sector document was checked; try again",
                    ))));
                }
                spec.apply(&settings, &mut client);
                let (old, new) = view::diff(&before, &ClientView::of(&client));
                if old.as_object().is_some_and(|o| o.is_empty()) {
                    // Nothing changes: nothing to store or audit.
                    return Ok(Ok(before));
                }
                client.updated_at = naive(now);
                clients::update_settings(conn, &client)?;
                let after = ClientView::of(&client);
                audit::record(
                    conn,
                    &actor,
                    event(
                        Action::ClientUpdated,
                        &client,
                        json!({ "before": old, "after": new }),
                    ),
                    now,
                )?;
                Ok(Ok(after))
            })
        })
        .await?;
    state.clients.forget(&id);
    Ok(outcome)
}

/// A new secret for a confidential client in reach; the old one stops
/// working at once.
pub async fn rotate_secret(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: ClientId,
) -> Done<RotatedSecret> {
    let (envelope, actor, now) = (state.envelope.clone(), actor.clone(), state.now());
    let lookup = id.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(client) = live(conn, &reach, &lookup)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if client.public || client.secret_hash.is_none() {
                    return Ok(Err(Refusal::Public));
                }
                let secret = random_token();
                clients::set_secret_hash(
                    conn,
                    &client.id,
                    &envelope.secret_hash(&secret),
                    naive(now),
                )?;
                audit::record(
                    conn,
                    &actor,
                    event(
                        Action::ClientSecretRotated,
                        &client,
                        json!({ "before": { "secret": "old" }, "after": { "secret": "new" } }),
                    ),
                    now,
                )?;
                Ok(Ok(RotatedSecret {
                    client_id: client.id.to_string(),
                    client_secret: secret,
                }))
            })
        })
        .await?;
    state.clients.forget(&id);
    Ok(outcome)
}

/// Soft-delete a client in reach: it answers 404 and no longer
/// authorizes, gets or refreshes tokens or introspects; its grants and
/// refresh tokens end.
pub async fn delete(state: &AppState, actor: &Actor, reach: Reach, id: ClientId) -> Done<()> {
    let (actor, now) = (actor.clone(), state.now());
    let lookup = id.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(client) = live(conn, &reach, &lookup)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                clients::set_deleted(
                    conn,
                    &client.id,
                    Some((naive(now), actor.id.clone())),
                    naive(now),
                )?;
                let revoked = grants::revoke_for_client(conn, &client.id, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    event(
                        Action::ClientDeleted,
                        &client,
                        json!({
                            "before": { "deleted": false },
                            "after": { "deleted": true },
                            "grants_revoked": revoked,
                        }),
                    ),
                    now,
                )?;
                Ok(Ok(()))
            })
        })
        .await?;
    state.clients.forget(&id);
    Ok(outcome)
}

/// Bring a deleted client back (global reach only). Its ended grants stay
/// ended.
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: ClientId,
) -> Done<ClientView> {
    if reach.is_some() {
        return Ok(Err(Refusal::GlobalOnly));
    }
    let (actor, now) = (actor.clone(), state.now());
    let lookup = id.clone();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(mut client) = clients::find_in_reach(conn, None, true, &lookup)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if client.deleted_at.is_none() {
                    return Ok(Err(Refusal::NotDeleted));
                }
                clients::set_deleted(conn, &client.id, None, naive(now))?;
                client.deleted_at = None;
                client.deleted_by = None;
                client.updated_at = naive(now);
                audit::record(
                    conn,
                    &actor,
                    event(
                        Action::ClientRestored,
                        &client,
                        json!({ "before": { "deleted": true }, "after": { "deleted": false } }),
                    ),
                    now,
                )?;
                Ok(Ok(ClientView::of(&client)))
            })
        })
        .await?;
    state.clients.forget(&id);
    Ok(outcome)
}
