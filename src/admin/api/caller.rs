//! Who calls the admin API, and what they may reach (S8, SR-100): an API
//! key (`Authorization: Bearer ost_…`) or a signed-in administrator's
//! session (unsafe methods also need the `X-CSRF-Token` header). Every
//! handler takes a [`Caller`] and asks it for a scope; object lookups use
//! its [`Reach`] in the query, so other organizations' objects are simply
//! not found.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{FromRequest, HttpRequest, web};

use crate::admin::api::problem::Problem;
use crate::admin::api_keys::{self, Refused};
use crate::admin::scopes::{self, Scope};
use crate::audit::{Actor, ActorKind, VendorClaim};
use crate::auth::guard::header_token;
use crate::auth::{CurrentSession, MaybeSession, csrf};
use crate::domain::{OrganizationId, UserId};
use crate::state::AppState;
use crate::store::{orgs, users};
use crate::web::RequestContext;

/// Which objects a caller can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Everything (a superuser, a global key).
    Global,
    /// Only these organizations' objects.
    Organizations(Vec<OrganizationId>),
}

impl Reach {
    /// The organizations the caller is limited to (`None`: everything).
    pub fn organization_ids(&self) -> Option<Vec<OrganizationId>> {
        match self {
            Reach::Global => None,
            Reach::Organizations(list) => Some(list.clone()),
        }
    }
}

/// A support key's declared purpose, recorded with its actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vendor {
    pub actor_user_id: UserId,
    pub ticket_reference: String,
}

/// An authenticated admin-API caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub reach: Reach,
    scopes: Vec<String>,
    pub vendor: Option<Vendor>,
    /// The CSRF token for a session caller (`GET /api/v1/session`).
    pub csrf_token: Option<String>,
    /// A key caller's own limits (vendor duty, networks, expiry, rate),
    /// which bound the keys it makes and touches.
    pub key_limits: Option<api_keys::KeyLimits>,
    /// Whether the caller proved itself recently: always for a key; for a
    /// session, a sign-in within the re-authentication window (SR-101).
    pub recent: bool,
}

impl Caller {
    /// Refuse (403) unless the caller holds `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), Problem> {
        if scopes::allows(&self.scopes, scope) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!("this needs the scope {scope}")))
        }
    }

    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// Refuse (403) a session whose sign-in is older than the
    /// re-authentication window: key rotation and secrets shown once need
    /// a fresh sign-in (SR-101).
    pub fn require_recent(&self) -> Result<(), Problem> {
        if self.recent {
            Ok(())
        } else {
            Err(Problem::forbidden(
                "sign in again first: this needs a recent sign-in",
            ))
        }
    }
}

const VENDOR_USER: &str = "x-actor-user-id";
const VENDOR_TICKET: &str = "x-ticket-reference";

fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, Problem> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| crate::error::AppError::Internal("no application state".into()).into())
}

async fn by_key(
    req: &HttpRequest,
    state: &AppState,
    ctx: &RequestContext,
    presented: &str,
) -> Result<Caller, Problem> {
    let key = match api_keys::authenticate(state, presented, &ctx.ip).await? {
        Ok(key) => key,
        Err(Refused::Unknown) => {
            return Err(Problem::unauthorized("unknown, expired or revoked API key"));
        }
        Err(Refused::Network) => {
            return Err(Problem::forbidden(
                "this API key may not be used from this address",
            ));
        }
        Err(Refused::Limited { retry_after }) => return Err(Problem::too_many(retry_after)),
    };
    let reach = match &key.organization_id {
        Some(org) => Reach::Organizations(vec![org.clone()]),
        None => Reach::Global,
    };
    let vendor = if key.vendor {
        let (Some(user), Some(ticket)) = (header(req, VENDOR_USER), header(req, VENDOR_TICKET))
        else {
            return Err(Problem::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                "a vendor key must send X-Actor-User-Id and X-Ticket-Reference",
            ));
        };
        if ticket.chars().count() > 200 || user.len() > 100 {
            return Err(Problem::invalid("X-Ticket-Reference", "too long"));
        }
        let user_id = UserId::from(user);
        let (id, reach_now) = (user_id.clone(), reach.clone());
        let within = state
            .db
            .run(move |conn| {
                let exists = users::find(conn, &id)?.is_some_and(|u| u.deleted_at.is_none());
                Ok(exists
                    && match &reach_now {
                        Reach::Global => true,
                        Reach::Organizations(list) => {
                            let mut any = false;
                            for org in list {
                                any |= orgs::is_member(conn, &id, org)?;
                            }
                            any
                        }
                    })
            })
            .await?;
        if !within {
            return Err(Problem::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                "X-Actor-User-Id names no user this key may act for",
            ));
        }
        Some(Vendor {
            actor_user_id: user_id,
            ticket_reference: ticket.to_owned(),
        })
    } else {
        None
    };
    let mut actor = ctx.actor();
    actor.kind = ActorKind::ApiKey;
    actor.id = Some(key.id.clone());
    actor.vendor = vendor.as_ref().map(|v| VendorClaim {
        actor_user_id: v.actor_user_id.to_string(),
        ticket_reference: v.ticket_reference.clone(),
    });
    Ok(Caller {
        actor,
        reach,
        scopes: key.scopes.to_vec(),
        vendor,
        csrf_token: None,
        recent: true,
        key_limits: Some(api_keys::KeyLimits::of(&key)),
    })
}

async fn by_session(
    req: &HttpRequest,
    state: &AppState,
    ctx: &RequestContext,
    session: MaybeSession,
) -> Result<Caller, Problem> {
    let Some(current) = session.0 else {
        return Err(Problem::unauthorized(
            "sign in as an administrator or send an API key (Authorization: Bearer ost_…)",
        ));
    };
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        csrf::verify(req, state, Some(&current), header_token(req))?;
    }
    let caller = for_session(req, state, ctx, &current)
        .await?
        .ok_or_else(|| {
            Problem::forbidden(
                "this needs an administrator or auditor of Ostiary or of an organization",
            )
        })?;
    if !has_second_factor(&current) {
        return Err(Problem::forbidden(
            "administration needs a sign-in with a second step (authenticator app, passkey or backup code)",
        ));
    }
    Ok(caller)
}

/// Whether a session may administer (SR-101): its sign-in had a second
/// step. The console steps such a session up; the API refuses it.
pub fn has_second_factor(current: &CurrentSession) -> bool {
    crate::auth::mfa::acr::is_multi_factor(&current.session.amr)
}

/// The caller a signed-in user is in the API and the console (SR-100): a
/// superuser reaches everything; an organization's owner or admin
/// administers it; an auditor (and nobody else) only reads it. `None` for
/// anybody else.
pub async fn for_session(
    req: &HttpRequest,
    state: &AppState,
    ctx: &RequestContext,
    current: &CurrentSession,
) -> Result<Option<Caller>, crate::error::AppError> {
    let (reach, scopes) = if current.user.superuser {
        (Reach::Global, vec!["*".to_owned()])
    } else {
        let id = current.user.id.clone();
        let (administered, audited) = state
            .db
            .run(move |conn| {
                Ok((
                    orgs::organization_ids_with_role(conn, &id, &["owner", "admin"])?,
                    orgs::organization_ids_with_role(conn, &id, &["auditor"])?,
                ))
            })
            .await?;
        if !administered.is_empty() {
            (Reach::Organizations(administered), vec!["*".to_owned()])
        } else if !audited.is_empty() {
            (Reach::Organizations(audited), scopes::read_only())
        } else {
            return Ok(None);
        }
    };
    Ok(Some(Caller {
        actor: current.actor(ctx),
        reach,
        scopes,
        vendor: None,
        key_limits: None,
        csrf_token: Some(csrf::issue(req, state, Some(current)).token),
        recent: crate::auth::recent::is_recent(state, current),
    }))
}

impl FromRequest for Caller {
    type Error = Problem;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Problem>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let session = MaybeSession::from_request(req, payload);
        let ctx = RequestContext::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let state = state_of(&req)?;
            let ctx = ctx.await.map_err(|_| {
                Problem::from(crate::error::AppError::Internal("request context".into()))
            })?;
            let bearer = header(&req, "authorization")
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .map(str::trim);
            match bearer {
                Some(key) => by_key(&req, &state, &ctx, key).await,
                None => {
                    let session = session
                        .await
                        .map_err(|_| Problem::unauthorized("no usable session"))?;
                    by_session(&req, &state, &ctx, session).await
                }
            }
        })
    }
}
