//! `GET /login/providers/{id}` sends the browser to an upstream provider;
//! `GET /login/providers/{id}/callback` takes it back (S7). The protocol is
//! `federation::sign_in` (OpenID Connect or GitHub), who the person becomes is
//! `federation::provisioning`, and the sign-in then goes through the same
//! `auth::first_factor::complete` as every local method (second factor,
//! email gate, session). Every failure ends on our own page with a way back
//! to the sign-in page — never a 500, never a redirect to the application.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Action, Event, Outcome};
use crate::auth::MaybeSession;
use crate::auth::first_factor;
use crate::auth::sign_in::{FirstFactor, Method};
use crate::error::AppError;
use crate::federation::links::{self, Linked};
use crate::federation::provisioning::{self, Resolved};
use crate::federation::sign_in;
use crate::federation::upstream::{Callback, Failure, Finished, Intent, Started, UpstreamError};
use crate::flow::login::{after_first_factor, with_return_to};
use crate::flow::pages::{continue_to, notice};
use crate::flow::safe_return_to;
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::see_other;

/// Binds a sign-in at the upstream to this browser.
const COOKIE: &str = "__Host-ostiary_fed";

/// The cookie that binds a sign-in at the upstream to this browser.
pub fn cookie(token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .secure(true)
        .http_only(true)
        // The callback is a top-level navigation from the provider's site.
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(10))
        .finish()
}

fn removal() -> Cookie<'static> {
    let mut c = cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// Binds a SAML sign-in to this browser. The IdP comes back with a
/// cross-site POST to the ACS (a form it auto-submits), which carries no
/// `SameSite=Lax` cookie: this one is `SameSite=None` (`Secure`,
/// `HttpOnly`, `__Host-`), set only for SAML sign-ins, and worth nothing
/// alone: the ACS also needs the RelayState of the pending sign-in, which
/// it takes exactly once.
pub const POST_COOKIE: &str = "__Host-ostiary_fed_post";

fn post_cookie(token: String) -> Cookie<'static> {
    Cookie::build(POST_COOKIE, token)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::None)
        .max_age(CookieDuration::minutes(10))
        .finish()
}

fn post_removal() -> Cookie<'static> {
    let mut c = post_cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// The cookie binding `started` to this browser.
fn binding(started: &Started) -> Cookie<'static> {
    if started.cross_site_post {
        post_cookie(started.browser_token.clone())
    } else {
        cookie(started.browser_token.clone())
    }
}

/// `?return_to=` of the start link.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    pub return_to: Option<String>,
}

/// A failure page naming what went wrong in words, with the way back.
pub(crate) fn failed(
    status: StatusCode,
    reason: &str,
    return_to: Option<&str>,
) -> Result<HttpResponse, AppError> {
    failed_back_to(status, reason, &with_return_to("/login", return_to))
}

/// A failure page whose way back is `back`.
pub(crate) fn failed_back_to(
    status: StatusCode,
    reason: &str,
    back: &str,
) -> Result<HttpResponse, AppError> {
    let mut res = notice(
        status,
        "fed.failed",
        &format!("fed.{reason}"),
        Some((back, "fed.back")),
    )?;
    res.add_cookie(&removal())
        .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
    res.add_cookie(&post_removal())
        .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
    Ok(res)
}

fn log_refusal(ctx: &RequestContext, provider_id: &str, error: &UpstreamError) {
    tracing::warn!(
        request_id = %ctx.request_id,
        provider = provider_id,
        reason = error.reason(),
        "upstream sign-in failed: {}",
        error.detail()
    );
}

pub(crate) async fn record_refusal(
    state: &AppState,
    ctx: &RequestContext,
    provider_id: &str,
    error: &UpstreamError,
) -> Result<(), AppError> {
    log_refusal(ctx, provider_id, error);
    audit::record_alone(
        &state.db,
        ctx.actor(),
        Event::new(Action::FederatedLoginRefused, Outcome::Failure)
            .target("provider", provider_id)
            .details(json!({ "reason": error.reason() })),
        state.now(),
    )
    .await
}

pub(crate) fn status_of(error: &UpstreamError) -> StatusCode {
    match error {
        UpstreamError::Unavailable => StatusCode::NOT_FOUND,
        UpstreamError::Unreachable(_) => StatusCode::BAD_GATEWAY,
        UpstreamError::Busy => StatusCode::TOO_MANY_REQUESTS,
        UpstreamError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// `GET /login/providers/{id}`
pub async fn get_start(
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
    query: web::Query<StartQuery>,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let return_to = query
        .into_inner()
        .return_to
        .map(|r| safe_return_to(Some(&r)));
    let intent = Intent {
        return_to,
        link_user_id: None,
        ip: Some(ctx.ip.clone()),
    };
    send_upstream(&state, &ctx, &provider_id, intent, Via::Redirect).await
}

/// How the browser is sent to the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    /// A redirect (the answer to a link the person followed).
    Redirect,
    /// A page that leads on (the answer to a form post: see
    /// `pages::continue_to`).
    Page,
}

/// Send the browser to the provider for `intent`, or to our failure page.
pub async fn send_upstream(
    state: &AppState,
    ctx: &RequestContext,
    provider_id: &str,
    intent: Intent,
    via: Via,
) -> Result<HttpResponse, AppError> {
    let return_to = intent.return_to.clone();
    match sign_in::start(state, provider_id, intent).await {
        Ok(started) if via == Via::Page => continue_to(&started.url, vec![binding(&started)]),
        Ok(started) => Ok(HttpResponse::SeeOther()
            .insert_header(("cache-control", "no-store"))
            .cookie(binding(&started))
            .insert_header(("location", started.url))
            .finish()),
        // An unknown provider or a flood of starts is logged, not
        // audited: anyone can ask, and nothing was attempted.
        Err(error @ (UpstreamError::Unavailable | UpstreamError::Busy)) => {
            log_refusal(ctx, provider_id, &error);
            failed(status_of(&error), error.reason(), return_to.as_deref())
        }
        Err(error) => {
            record_refusal(state, ctx, provider_id, &error).await?;
            failed(status_of(&error), error.reason(), return_to.as_deref())
        }
    }
}

/// `GET /login/providers/{id}/callback`
pub async fn get_callback(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    path: web::Path<String>,
    query: web::Query<Callback>,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let browser = req.cookie(COOKIE).map(|c| c.value().to_owned());
    let finished =
        match sign_in::finish(&state, &provider_id, browser.as_deref(), query.into_inner()).await {
            Ok(finished) => finished,
            Err(Failure { error, return_to }) => {
                record_refusal(&state, &ctx, &provider_id, &error).await?;
                return failed(status_of(&error), error.reason(), return_to.as_deref());
            }
        };
    signed_in(&state, &ctx, &session, finished).await
}

/// A finished upstream sign-in (callback or SAML ACS): link it, or sign
/// the person in (provisioning, then the second factor as for every
/// first factor).
pub(crate) async fn signed_in(
    state: &AppState,
    ctx: &RequestContext,
    session: &MaybeSession,
    finished: Finished,
) -> Result<HttpResponse, AppError> {
    if let Some(user_id) = finished.intent.link_user_id.clone() {
        return link(state, ctx, session, &user_id, finished).await;
    }
    let return_to = finished.intent.return_to.as_deref();
    let actor = ctx.actor();
    let user_id = match provisioning::resolve(state, &actor, &finished.identity).await? {
        Resolved::User { user_id, .. } => user_id,
        Resolved::LinkRequired { .. } => {
            return failed(StatusCode::CONFLICT, "link_required", return_to);
        }
        Resolved::NoAccount => return failed(StatusCode::FORBIDDEN, "no_account", return_to),
        Resolved::EmailMissing => return failed(StatusCode::FORBIDDEN, "email_missing", return_to),
        Resolved::Refused(reason) => return failed(StatusCode::FORBIDDEN, reason, return_to),
    };
    let first = FirstFactor {
        user_id,
        method: Method::Federated(finished.kind.login_method()),
        amr: provisioning::amr(state, finished.kind, &finished.identity).await?,
        clear_throttle: Vec::new(),
    };
    let replaces = session.0.as_deref().map(|c| c.session.id.clone());
    let next = first_factor::complete(state, actor, first, replaces).await?;
    let mut res = after_first_factor(next, return_to);
    res.add_cookie(&removal())
        .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
    res.add_cookie(&post_removal())
        .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
    Ok(res)
}

/// The callback of an explicit link from the account page: only for the
/// account that started it, still signed in in this browser (a session
/// that changed meanwhile links nothing).
async fn link(
    state: &AppState,
    ctx: &RequestContext,
    session: &MaybeSession,
    user_id: &crate::domain::UserId,
    finished: Finished,
) -> Result<HttpResponse, AppError> {
    let Some(current) = session.0.as_deref().filter(|c| c.user.id == *user_id) else {
        return failed_back_to(StatusCode::FORBIDDEN, "link_session_changed", "/account");
    };
    let actor = current.actor(ctx);
    let notice = match links::link_signed_in(state, &actor, user_id, &finished.identity).await? {
        Linked::Linked => "provider-linked",
        Linked::AlreadyLinked => "provider-already-linked",
        Linked::InUse => {
            return failed_back_to(StatusCode::CONFLICT, "identity_in_use", "/account");
        }
        Linked::Unavailable => {
            return failed_back_to(StatusCode::FORBIDDEN, "provider_unavailable", "/account");
        }
    };
    Ok(see_other(
        &format!("/account?notice={notice}"),
        vec![removal(), post_removal()],
    ))
}
