//! The authorization endpoint's decisions (OIDC Core 3.1.2): verify the
//! client and `redirect_uri` (else an error page, SR-03), validate the
//! request (else an error redirect), then say which interaction is due —
//! sign-in (fresh when `prompt=login`, `max_age` or another user's
//! `id_token_hint` demand it), the account chooser, a second step, consent —
//! and finally issue a single-use code bound to the client, `redirect_uri`,
//! PKCE challenge and session. The page layer (`flow::authorize`) renders
//! the interactions. Every response to the client carries `iss` (SR-20);
//! `prompt=none` never leads to an interaction (SR-21).

pub mod pushed;
pub mod request;
pub mod request_object;
pub mod response;

use std::sync::Arc;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use chrono::Duration;
use diesel::Connection;

use crate::audit::{self, Action, Event, Outcome};
use crate::auth::mfa::{acr, pending, policy};
use crate::auth::sign_in::Next;
use crate::auth::{CurrentSession, MaybeSession};
use crate::crypto::token::{random_token, sha256_hex};
use crate::error::AppError;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::scope;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::store::codes::{self, AuthorizationCode};
use crate::store::{consents, naive, pushed_requests, utc, write_tx};
use crate::web::RequestContext;
use request::{RawParams, Request, Target};

/// The user's answer on the consent page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
}

/// What the browser must go through before the request can be answered.
pub enum Interaction {
    /// The login form, coming back to `return_to`; `force` asks for a
    /// fresh sign-in even with a session.
    Login {
        return_to: String,
        force: bool,
        login_hint: Option<String>,
    },
    /// The account chooser (`prompt=select_account`).
    SelectAccount { return_to: String },
    /// A second sign-in step the session lacks (S5).
    StepUp { next: Next, return_to: String },
    /// The consent page for `scopes`, answered to `redirect_uri`.
    Consent {
        current: Arc<CurrentSession>,
        client: Box<Client>,
        redirect_uri: String,
        scopes: Vec<String>,
    },
}

/// The answer to an authorization request.
pub enum Answer {
    /// A response for the client (code or error redirect, error page).
    Respond(HttpResponse),
    /// A page the user must see first.
    Interact(Interaction),
}

/// What the request leads to, for a verified client.
enum Step {
    Respond(Answer),
    Refuse(OAuthError),
}

fn oauth(code: ErrorCode, description: &str) -> OAuthError {
    OAuthError::new(code, description, StatusCode::BAD_REQUEST)
}

/// The whole request, from the consent form too (`decision`): the same
/// checks run every time.
pub async fn run(
    state: &AppState,
    ctx: &RequestContext,
    session: MaybeSession,
    params: &RawParams,
    decision: Option<Decision>,
) -> Result<Answer, AppError> {
    // A pushed request (RFC 9126): its stored parameters, not the URL's.
    let expanded = pushed::expand(state, params).await?;
    // Else a signed request object (RFC 9101): its parameters only.
    let object = match expanded {
        Some(p) => request_object::AtAuthorize::Expanded(p),
        None => request_object::at_authorize(state, params).await?,
    };
    let (params, refused) = match &object {
        request_object::AtAuthorize::Plain(p) | request_object::AtAuthorize::Expanded(p) => {
            (p, None)
        }
        request_object::AtAuthorize::Refused(p, e) => (p, Some(e.clone())),
    };
    let client = match params.get("client_id") {
        Some(id) if id.len() <= 128 => state
            .clients
            .get(&state.db, id)
            .await?
            .map(|c| Client::clone(&c)),
        _ => None,
    };
    let target = request::target(params, client)?;
    let iss = state.config.public_base().to_owned();
    let actor = match session.0.as_deref() {
        Some(current) => current.actor(ctx),
        None => ctx.actor(),
    };
    let step = match refused {
        Some(e) => Step::Refuse(e),
        None => decide(state, ctx, session, params, &target, decision).await?,
    };
    match step {
        Step::Respond(outcome) => Ok(outcome),
        Step::Refuse(e) => {
            // A denial is audited as consent.denied.
            if e.error != ErrorCode::AccessDenied {
                let now = state.now();
                let client_id = target.client.id.clone();
                let code = e.error.as_str();
                audit::record_alone(
                    &state.db,
                    actor,
                    Event::new(Action::AuthorizationFailed, Outcome::Failure)
                        .target("client", client_id.as_str())
                        .details(serde_json::json!({ "error": code })),
                    now,
                )
                .await?;
            }
            target.error(&iss, &e).map(Answer::Respond)
        }
    }
}

/// The login form, coming back to this request once the fresh sign-in has
/// satisfied `prompt=login`/`max_age`.
fn to_login(params: &RawParams, r: &Request, force: bool) -> Step {
    Step::Respond(Answer::Interact(Interaction::Login {
        return_to: format!("/authorize?{}", params.after_fresh_login().to_query()),
        force,
        login_hint: r.login_hint.clone(),
    }))
}

async fn decide(
    state: &AppState,
    ctx: &RequestContext,
    session: MaybeSession,
    params: &RawParams,
    target: &Target,
    decision: Option<Decision>,
) -> Result<Step, AppError> {
    if params.get("request_uri").is_none()
        && (target.client.require_par || state.config.oidc.require_pushed_authorization_requests)
    {
        return Ok(Step::Refuse(pushed::required_error()));
    }
    if target.client.require_signed_request_object && !request_object::verified(params) {
        return Ok(Step::Refuse(request_object::required_error()));
    }
    let r = match request::validate(state, params, &target.client) {
        Ok(r) => r,
        Err(e) => return Ok(Step::Refuse(e)),
    };
    let login_required = || oauth(ErrorCode::LoginRequired, "the user must sign in");
    if r.prompt.select_account {
        // The chooser comes first; the request returns without it, so a
        // fresh sign-in (prompt=login, max_age) can still be due after.
        let return_to = format!(
            "/authorize?{}",
            params.without_prompt("select_account").to_query()
        );
        return Ok(Step::Respond(Answer::Interact(
            Interaction::SelectAccount { return_to },
        )));
    }
    let Some(current) = session.0 else {
        if r.prompt.none {
            return Ok(Step::Refuse(login_required()));
        }
        return Ok(to_login(params, &r, false));
    };
    let now = state.now();
    let age = now - utc(current.session.auth_time);
    // A max_age beyond what a duration holds (i64 seconds do not all fit)
    // is never exceeded; `Duration::seconds` would panic on it.
    let stale = r
        .max_age
        .is_some_and(|max| Duration::try_seconds(max).is_some_and(|max| age > max));
    // The hint's `sub` is the one this client sees (OIDC Core §8).
    let other_user = r.hint_sub.as_deref().is_some_and(|s| {
        s != crate::oidc::subject::for_client(state, &target.client, &current.user.id)
    });
    if r.prompt.login || stale || other_user {
        if r.prompt.none {
            return Ok(Step::Refuse(login_required()));
        }
        return Ok(to_login(params, &r, true));
    }

    // Step-up (S5): the client or acr_values need MFA the session lacks.
    if !acr::is_multi_factor(&current.session.amr) {
        let wants_mfa = acr::requests_multi_factor(&r.acr_values)
            || policy::required_for_client_cached(state, &current.user.id, &target.client.id)
                .await?;
        if wants_mfa {
            if r.prompt.none {
                return Ok(Step::Refuse(oauth(
                    ErrorCode::InteractionRequired,
                    "a second sign-in step is required",
                )));
            }
            let return_to = format!("/authorize?{}", params.to_query());
            return Ok(
                match pending::step_up(state, current.actor(ctx), &current).await? {
                    Some(next) => {
                        Step::Respond(Answer::Interact(Interaction::StepUp { next, return_to }))
                    }
                    // No factor yet and the sign-in is old: sign in again
                    // before one may be enrolled (SR-82).
                    None => to_login(params, &r, true),
                },
            );
        }
    }

    if decision == Some(Decision::Deny) {
        record_consent(state, &current, ctx, target, &r, Action::ConsentDenied).await?;
        return Ok(Step::Refuse(oauth(
            ErrorCode::AccessDenied,
            "the user denied the request",
        )));
    }
    let needs_consent = if target.client.skips_consent() {
        false
    } else {
        let (user_id, client_id) = (current.user.id.clone(), target.client.id.clone());
        let stored = state
            .db
            .run(move |conn| consents::find(conn, &user_id, &client_id))
            .await?;
        let covered = stored.is_some_and(|c| {
            let allowed = c.scopes;
            r.scopes.iter().all(|s| allowed.contains(s))
        });
        r.prompt.consent || !covered
    };
    let grant_consent = match (needs_consent, decision) {
        (false, _) => false,
        (true, Some(Decision::Allow)) => true,
        (true, _) if r.prompt.none => {
            return Ok(Step::Refuse(oauth(
                ErrorCode::ConsentRequired,
                "the user must consent",
            )));
        }
        (true, _) => {
            return Ok(Step::Respond(Answer::Interact(Interaction::Consent {
                current,
                client: Box::new(target.client.clone()),
                redirect_uri: target.redirect_uri.clone(),
                scopes: r.scopes,
            })));
        }
    };
    let pushed = params.get("request_uri").map(pushed::uri_hash);
    let code = issue_code(state, ctx, &current, target, r, grant_consent, pushed).await?;
    Ok(Step::Respond(Answer::Respond(
        target.code(state.config.public_base(), &code)?,
    )))
}

async fn record_consent(
    state: &AppState,
    current: &CurrentSession,
    ctx: &RequestContext,
    target: &Target,
    r: &Request,
    action: Action,
) -> Result<(), AppError> {
    let now = state.now();
    let actor = current.actor(ctx);
    let client_id = target.client.id.clone();
    let scope = scope::join(&r.scopes);
    audit::record_alone(
        &state.db,
        actor,
        Event::new(action, Outcome::Success)
            .target("client", client_id.as_str())
            .details(serde_json::json!({ "scope": scope })),
        now,
    )
    .await
}

/// Store a new code (and the consent just given, with its audit record, in
/// the same transaction; a pushed request is used up in it too); returns
/// the code.
async fn issue_code(
    state: &AppState,
    ctx: &RequestContext,
    current: &CurrentSession,
    target: &Target,
    r: Request,
    grant_consent: bool,
    pushed: Option<String>,
) -> Result<String, AppError> {
    let now = state.now();
    let code = random_token();
    let row = AuthorizationCode {
        code_hash: sha256_hex(code.as_bytes()),
        client_id: target.client.id.clone(),
        user_id: current.user.id.clone(),
        session_id: current.session.id.clone(),
        redirect_uri: target.redirect_uri.clone(),
        scope: scope::join(&r.scopes),
        nonce: r.nonce,
        code_challenge: r.code_challenge,
        auth_time: current.session.auth_time,
        amr: current.session.amr.clone(),
        acr: Some(acr::for_amr(&current.session.amr).to_owned()),
        claims: r.claims,
        created_at: naive(now),
        expires_at: naive(now + Duration::seconds(state.config.oidc.code_ttl_secs)),
        used_at: None,
        grant_id: None,
        resources: crate::oidc::resource::to_column(&r.resources),
        dpop_jkt: r.dpop_jkt,
    };
    let actor = current.actor(ctx);
    let scopes = r.scopes;
    state
        .db
        .run(move |conn| {
            // Of two completions of one pushed request, one gets a code.
            let use_up = |conn: &mut crate::db::DbConnection| match &pushed {
                Some(hash) if !pushed_requests::consume(conn, hash, naive(now))? => {
                    Err(AppError::BadRequest(
                        crate::i18n::Tr::current()
                            .text("authorize.par_invalid")
                            .to_owned(),
                    ))
                }
                _ => Ok(()),
            };
            if !grant_consent {
                // One statement needs no transaction of its own.
                if pushed.is_none() {
                    return codes::insert(conn, &row);
                }
                return conn.transaction::<_, AppError, _>(|conn| {
                    use_up(conn)?;
                    codes::insert(conn, &row)
                });
            }
            write_tx(conn, |conn| {
                use_up(conn)?;
                let merged =
                    consents::merge(conn, &row.user_id, &row.client_id, &scopes, naive(now))?;
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::ConsentGranted, Outcome::Success)
                        .target("client", row.client_id.as_str())
                        .details(serde_json::json!({ "scopes": merged })),
                    now,
                )?;
                codes::insert(conn, &row)
            })
        })
        .await?;
    Ok(code)
}
