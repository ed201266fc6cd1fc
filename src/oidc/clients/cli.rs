//! `ostiary client …`: create, list, show, update, rotate-secret, delete
//! and restore clients through [`crate::oidc::clients::admin`] (the
//! service the admin API uses), with global reach; prints JSON. A secret is
//! printed once, by `create` and `rotate-secret`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::Value;

use crate::audit::Actor;
use crate::crypto::signing::Alg;
use crate::domain::ClientId;
use crate::error::AppError;
use crate::oidc::clients::ClientSpec;
use crate::oidc::clients::admin::{self, ClientPatch, Refusal};
use crate::oidc::clients::view::ClientView;
use crate::state::AppState;
use crate::store::orgs;

/// `ostiary client …`
#[derive(Debug, Subcommand)]
pub enum ClientCommand {
    /// Register a client; prints {"client_id", "client_secret", …} (the secret only now).
    Create(Box<ClientCreateArgs>),
    /// Every live client (with --include-deleted, the deleted ones too).
    List {
        #[arg(long)]
        include_deleted: bool,
        /// Part of the client id or name, any case.
        #[arg(long, value_name = "TEXT")]
        q: Option<String>,
    },
    /// One client (never its secret).
    Show {
        id: String,
        #[arg(long)]
        include_deleted: bool,
    },
    /// Change settings; the flags given replace the setting (a repeatable
    /// flag replaces the whole list), the rest stay.
    Update(Box<ClientUpdateArgs>),
    /// A new secret, printed once as {"client_id", "client_secret"}; the old one stops now.
    #[command(name = "rotate-secret")]
    RotateSecret { id: String },
    /// Soft-delete: the client stops working and its grants end.
    Delete { id: String },
    /// Bring a deleted client back.
    Restore { id: String },
    /// Initial access tokens for dynamic client registration (RFC 7591).
    #[command(subcommand, name = "registration-token")]
    RegistrationToken(crate::oidc::registration::cli::RegistrationTokenCommand),
}

/// Flags of `ostiary client create`.
#[derive(Debug, Args)]
pub struct ClientCreateArgs {
    /// Display name shown on the consent page.
    #[arg(long)]
    name: String,
    /// Client id (default: generated).
    #[arg(long)]
    id: Option<String>,
    /// A public client (no secret; must use PKCE).
    #[arg(long)]
    public: bool,
    /// The organization whose administrators manage it (default: none).
    #[arg(long, value_name = "NAME")]
    org: Option<String>,
    #[command(flatten)]
    settings: SettingArgs,
}

/// Flags of `ostiary client update`.
#[derive(Debug, Args)]
pub struct ClientUpdateArgs {
    id: String,
    /// Display name shown on the consent page.
    #[arg(long)]
    name: Option<String>,
    /// Clear a setting: backchannel_logout_uri, jwks, jwks_uri,
    /// request_object_signing_alg, logo_uri, policy_uri,
    /// tos_uri, redirect_uris, post_logout_redirect_uris, audiences or
    /// allowed_origins (repeatable).
    #[arg(long, value_name = "SETTING")]
    clear: Vec<String>,
    #[command(flatten)]
    settings: SettingArgs,
}

/// The settings flags `create` and `update` share.
#[derive(Debug, Args)]
pub struct SettingArgs {
    /// Allowed redirect URI, compared exactly (repeatable).
    #[arg(long = "redirect-uri", value_name = "URI")]
    redirect_uris: Vec<String>,
    /// Allowed post-logout redirect URI (repeatable).
    #[arg(long = "post-logout-redirect-uri", value_name = "URI")]
    post_logout_redirect_uris: Vec<String>,
    /// Allowed grant type (repeatable; default authorization_code + refresh_token).
    #[arg(long = "grant-type", value_name = "T")]
    grant_types: Vec<String>,
    /// Allowed scope (repeatable; default openid profile email offline_access groups).
    #[arg(long = "scope", value_name = "S")]
    scopes: Vec<String>,
    /// URI that receives back-channel logout tokens.
    #[arg(long, value_name = "URI")]
    backchannel_logout_uri: Option<String>,
    /// client_secret_basic (default), client_secret_post, private_key_jwt or none.
    #[arg(long, value_name = "M")]
    token_endpoint_auth_method: Option<String>,
    /// File with the client's public JWKS (for private_key_jwt).
    #[arg(long, value_name = "FILE")]
    jwks: Option<PathBuf>,
    /// ID token algorithm: RS256 (default), ES256 or EdDSA.
    #[arg(long, value_name = "A")]
    id_token_signed_response_alg: Option<Alg>,
    /// Access token algorithm: RS256 (default), ES256 or EdDSA.
    #[arg(long, value_name = "A")]
    access_token_signed_response_alg: Option<Alg>,
    /// skip (first-party) or required (default).
    #[arg(long, value_name = "skip|required")]
    consent: Option<String>,
    /// Logo shown on the sign-in and consent pages (https).
    #[arg(long, value_name = "URI")]
    logo_uri: Option<String>,
    /// The application's privacy policy, linked on the sign-in and consent pages (https).
    #[arg(long, value_name = "URI")]
    policy_uri: Option<String>,
    /// The application's terms of service, linked on the sign-in and consent pages (https).
    #[arg(long, value_name = "URI")]
    tos_uri: Option<String>,
    /// A resource server its access tokens may be for (RFC 8707 `resource`; repeatable; default audience: all of them, else the client id).
    #[arg(long = "audience", value_name = "URI")]
    audiences: Vec<String>,
    /// A browser origin (scheme://host[:port]) allowed to call the token endpoints (CORS; repeatable; default none).
    #[arg(long = "allowed-origin", value_name = "ORIGIN")]
    allowed_origins: Vec<String>,
    /// Require PKCE (S256) of a confidential client too (public clients always need it); `--require-pkce false` lifts it.
    #[arg(long, value_name = "true|false", num_args = 0..=1, default_missing_value = "true")]
    require_pkce: Option<bool>,
    /// Accept this client's authorization requests only through /par (RFC 9126); `--require-par false` lifts it.
    #[arg(long, value_name = "true|false", num_args = 0..=1, default_missing_value = "true")]
    require_par: Option<bool>,
    /// Where the client's public JWKS is fetched (https; instead of --jwks).
    #[arg(long, value_name = "URI")]
    jwks_uri: Option<String>,
    /// The one algorithm its request objects (RFC 9101) must use: RS256, PS256, ES256 or EdDSA.
    #[arg(long, value_name = "A")]
    request_object_signing_alg: Option<String>,
    /// Accept this client's authorization requests only in a signed request object (RFC 9101 §10.5); `--require-signed-request-object false` lifts it.
    #[arg(long, value_name = "true|false", num_args = 0..=1, default_missing_value = "true")]
    require_signed_request_object: Option<bool>,
    /// Refuse this client's token requests without a DPoP proof (RFC 9449 §5.2); `--dpop-bound false` lifts it.
    #[arg(long, value_name = "true|false", num_args = 0..=1, default_missing_value = "true")]
    dpop_bound: Option<bool>,
    /// public (default: `sub` is the user id) or pairwise (a per-sector `sub`, OIDC Core §8).
    #[arg(long, value_name = "public|pairwise")]
    subject_type: Option<String>,
    /// A pairwise client's sector: an https URL serving a JSON array of its redirect URIs (fetched when saved).
    #[arg(long, value_name = "URI")]
    sector_identifier_uri: Option<String>,
}

fn read_jwks(path: Option<&Path>) -> Result<Option<String>, AppError> {
    path.map(|p| {
        std::fs::read_to_string(p)
            .map_err(|e| AppError::BadRequest(format!("cannot read --jwks {}: {e}", p.display())))
    })
    .transpose()
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::Internal(format!("json: {e}")))
}

fn refused(refusal: Refusal) -> AppError {
    match refusal {
        Refusal::NotFound => AppError::BadRequest("no such client".into()),
        Refusal::Invalid(invalid) => AppError::BadRequest(invalid.to_string()),
        Refusal::NoOrganization => AppError::BadRequest("--org: no such organization".into()),
        Refusal::Public => AppError::Conflict("a public client has no secret to rotate".into()),
        Refusal::GlobalOnly => AppError::BadRequest("only global reach restores".into()),
        Refusal::NotDeleted => AppError::Conflict("the client is not deleted".into()),
    }
}

/// A non-empty list replaces the setting.
fn list(items: Vec<String>) -> Option<Vec<String>> {
    (!items.is_empty()).then_some(items)
}

fn create_spec(args: ClientCreateArgs) -> Result<(ClientSpec, Option<String>), AppError> {
    let s = args.settings;
    let jwks = read_jwks(s.jwks.as_deref())?;
    Ok((
        ClientSpec {
            name: args.name,
            id: args.id,
            public: args.public,
            redirect_uris: s.redirect_uris,
            post_logout_redirect_uris: s.post_logout_redirect_uris,
            grant_types: s.grant_types,
            scopes: s.scopes,
            backchannel_logout_uri: s.backchannel_logout_uri,
            token_endpoint_auth_method: s.token_endpoint_auth_method,
            jwks,
            id_token_signed_response_alg: s.id_token_signed_response_alg,
            access_token_signed_response_alg: s.access_token_signed_response_alg,
            consent: s.consent,
            logo_uri: s.logo_uri,
            policy_uri: s.policy_uri,
            tos_uri: s.tos_uri,
            audiences: s.audiences,
            allowed_origins: s.allowed_origins,
            organization_id: None,
            require_pkce: s.require_pkce.unwrap_or(false),
            require_par: s.require_par.unwrap_or(false),
            jwks_uri: s.jwks_uri,
            request_object_signing_alg: s.request_object_signing_alg,
            require_signed_request_object: s.require_signed_request_object.unwrap_or(false),
            dynamically_registered: false,
            dpop_bound_access_tokens: s.dpop_bound.unwrap_or(false),
            subject_type: s.subject_type,
            sector_identifier_uri: s.sector_identifier_uri,
        },
        args.org,
    ))
}

fn patch(args: ClientUpdateArgs) -> Result<ClientPatch, AppError> {
    let s = args.settings;
    let mut patch = ClientPatch {
        name: args.name,
        redirect_uris: list(s.redirect_uris),
        post_logout_redirect_uris: list(s.post_logout_redirect_uris),
        grant_types: list(s.grant_types),
        scopes: list(s.scopes),
        backchannel_logout_uri: s.backchannel_logout_uri.map(Some),
        token_endpoint_auth_method: s.token_endpoint_auth_method,
        jwks: read_jwks(s.jwks.as_deref())?.map(Some),
        id_token_signed_response_alg: s.id_token_signed_response_alg,
        access_token_signed_response_alg: s.access_token_signed_response_alg,
        consent: s.consent,
        logo_uri: s.logo_uri.map(Some),
        policy_uri: s.policy_uri.map(Some),
        tos_uri: s.tos_uri.map(Some),
        audiences: list(s.audiences),
        allowed_origins: list(s.allowed_origins),
        require_pkce: s.require_pkce,
        require_par: s.require_par,
        jwks_uri: s.jwks_uri.map(Some),
        request_object_signing_alg: s.request_object_signing_alg.map(Some),
        require_signed_request_object: s.require_signed_request_object,
        dpop_bound_access_tokens: s.dpop_bound,
        subject_type: s.subject_type,
        sector_identifier_uri: s.sector_identifier_uri.map(Some),
    };
    for setting in args.clear {
        match setting.as_str() {
            "backchannel_logout_uri" => patch.backchannel_logout_uri = Some(None),
            "jwks" => patch.jwks = Some(None),
            "jwks_uri" => patch.jwks_uri = Some(None),
            "request_object_signing_alg" => patch.request_object_signing_alg = Some(None),
            "logo_uri" => patch.logo_uri = Some(None),
            "policy_uri" => patch.policy_uri = Some(None),
            "tos_uri" => patch.tos_uri = Some(None),
            "sector_identifier_uri" => patch.sector_identifier_uri = Some(None),
            "redirect_uris" => patch.redirect_uris = Some(Vec::new()),
            "post_logout_redirect_uris" => patch.post_logout_redirect_uris = Some(Vec::new()),
            "audiences" => patch.audiences = Some(Vec::new()),
            "allowed_origins" => patch.allowed_origins = Some(Vec::new()),
            other => {
                return Err(AppError::BadRequest(format!(
                    "--clear {other:?}: not a setting that can be cleared"
                )));
            }
        }
    }
    Ok(patch)
}

/// Run the command with global reach; returns the JSON to print.
pub async fn run(state: &AppState, command: ClientCommand) -> Result<Value, AppError> {
    let actor = Actor::system("cli");
    match command {
        ClientCommand::RegistrationToken(command) => {
            crate::oidc::registration::cli::run(state, command).await
        }
        ClientCommand::Create(args) => {
            let (mut spec, org) = create_spec(*args)?;
            if let Some(name) = org {
                let found = state
                    .db
                    .run(move |conn| orgs::find_by_name(conn, name.trim()).map(|o| (o, name)))
                    .await?;
                spec.organization_id = match found {
                    (Some(org), _) => Some(org.id),
                    (None, name) => {
                        return Err(AppError::BadRequest(format!(
                            "--org: no organization named {name:?}"
                        )));
                    }
                };
            }
            let created = admin::create(state, &actor, None, spec)
                .await?
                .map_err(refused)?;
            to_json(&created)
        }
        ClientCommand::List { include_deleted, q } => {
            let mut all = Vec::new();
            let mut after = None;
            loop {
                let rows = admin::list(state, None, include_deleted, q.clone(), after.clone(), 100)
                    .await?;
                let done = rows.len() < 100;
                after = rows.last().map(|c| (c.created_at, c.id.to_string()));
                all.extend(rows.iter().map(ClientView::of));
                if done {
                    break;
                }
            }
            to_json(&all)
        }
        ClientCommand::Show {
            id,
            include_deleted,
        } => match admin::show(state, None, include_deleted, ClientId::from(id)).await? {
            Some(view) => to_json(&view),
            None => Err(refused(Refusal::NotFound)),
        },
        ClientCommand::Update(args) => {
            let id = ClientId::from(args.id.clone());
            let patch = patch(*args)?;
            let view = admin::update(state, &actor, None, id, patch)
                .await?
                .map_err(refused)?;
            to_json(&view)
        }
        ClientCommand::RotateSecret { id } => {
            let rotated = admin::rotate_secret(state, &actor, None, ClientId::from(id))
                .await?
                .map_err(refused)?;
            to_json(&rotated)
        }
        ClientCommand::Delete { id } => {
            let client_id = id.clone();
            admin::delete(state, &actor, None, ClientId::from(id))
                .await?
                .map_err(refused)?;
            Ok(serde_json::json!({ "client_id": client_id, "deleted": true }))
        }
        ClientCommand::Restore { id } => {
            let view = admin::restore(state, &actor, None, ClientId::from(id))
                .await?
                .map_err(refused)?;
            to_json(&view)
        }
    }
}
