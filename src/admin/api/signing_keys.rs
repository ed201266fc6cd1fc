//! `/api/v1/signing-keys` (S3, S8, SR-101): the token signing keys and
//! their rotation, through `keys::signing`, the service of `ostiary keys`.
//! Signing keys belong to the whole deployment: global reach only, and a
//! session must have signed in recently to rotate.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Problem, Refusals};
use crate::admin::scopes::Scope;
use crate::crypto::signing::Alg;
use crate::keys::signing::{self, KeyListing, Rotation};
use crate::state::AppState;

/// Signing keys belong to the whole deployment: refuse (403) a caller of
/// organization reach.
pub fn global(caller: &Caller) -> Result<(), Problem> {
    match caller.reach.organization_ids() {
        None => Ok(()),
        Some(_) => Err(Problem::forbidden(
            "signing keys belong to the whole deployment: this needs global reach",
        )),
    }
}

/// Every signing key.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct KeyList {
    pub items: Vec<KeyListing>,
}

/// `GET /api/v1/signing-keys`
#[utoipa::path(
    get,
    path = "/api/v1/signing-keys",
    tag = "signing-keys",
    responses(
        (status = 200, description = "Every signing key (never a private key): next, current, retired", body = KeyList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    let items = listing(&state, &caller).await?;
    Ok(HttpResponse::Ok().json(KeyList { items }))
}

/// Every signing key, for a caller who may read them (the API and the
/// console).
pub async fn listing(state: &AppState, caller: &Caller) -> Result<Vec<KeyListing>, Problem> {
    caller.require(Scope::read("keys"))?;
    global(caller)?;
    Ok(state.db.run(signing::listing).await?)
}

/// Rotate the keys of `alg` for a caller who may (the API and the
/// console): the scope, global reach and a recent sign-in (SR-101);
/// audited by `keys::signing::rotate`.
pub async fn rotate_as(state: &AppState, caller: &Caller, alg: Alg) -> Result<Rotation, Problem> {
    caller.require(Scope::write("keys"))?;
    global(caller)?;
    caller.require_recent()?;
    let (envelope, policy, now) = (state.envelope.clone(), state.key_policy(), state.now());
    let actor = caller.actor.clone();
    Ok(state
        .db
        .run(move |conn| signing::rotate(conn, &envelope, &actor, alg, policy, now))
        .await?)
}

/// Body of `POST /api/v1/signing-keys/rotate`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RotateBody {
    /// The algorithm whose keys rotate (default RS256).
    #[schema(value_type = Option<String>, pattern = "^(RS256|ES256|EdDSA)$")]
    pub alg: Option<Alg>,
}

/// `POST /api/v1/signing-keys/rotate`
#[utoipa::path(
    post,
    path = "/api/v1/signing-keys/rotate",
    tag = "signing-keys",
    request_body = RotateBody,
    responses(
        (status = 200, description = "The next key now signs, the current one is retired (still published), a new next key is published", body = Rotation),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn rotate(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<RotateBody>,
) -> Result<HttpResponse, Problem> {
    let alg = body.into_inner().alg.unwrap_or(Alg::RS256);
    let rotation = rotate_as(&state, &caller, alg).await?;
    Ok(HttpResponse::Ok().json(rotation))
}
