//! SAML endpoints of a provider (S7, feature `saml`):
//! `GET /saml/{id}/metadata` (our SP metadata), `POST /saml/{id}/acs`
//! (the Assertion Consumer Service, HTTP-POST binding) and
//! `GET /saml/{id}/slo` (the IdP's LogoutResponse, HTTP-Redirect). The sign-in
//! starts at `GET /login/providers/{id}` like every redirect-based kind.
//!
//! The ACS takes a cross-site POST from the IdP, so it checks no CSRF
//! token: it is bound instead by the RelayState of a pending sign-in
//! (single use) and the `SameSite=None` cookie of the browser that started
//! it (`federated::POST_COOKIE`). Every refusal ends on our own page.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{MaybeSession, session};
use crate::crypto::token::sha256_hex;
use crate::error::AppError;
use crate::federation::saml::{self, AcsForm, MAX_RESPONSE};
use crate::federation::saml_logout::{self, Finish};
use crate::federation::upstream::Failure;
use crate::flow::federated::{POST_COOKIE, failed, record_refusal, signed_in, status_of};
use crate::flow::pages::{continue_to, notice};
use crate::state::AppState;
use crate::store::sessions;
use crate::web::RequestContext;
use crate::web::render::see_other;

/// `GET /saml/{id}/metadata`
pub async fn get_metadata(
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    match saml::metadata(&state, &id).await {
        Ok(Some(xml)) => Ok(HttpResponse::Ok()
            .content_type("application/samlmetadata+xml")
            .body(xml)),
        Ok(None) => Err(AppError::NotFound),
        Err(error) => {
            tracing::warn!(request_id = %ctx.request_id, provider = id, "saml metadata: {}", error.detail());
            Err(AppError::NotFound)
        }
    }
}

/// `POST /saml/{id}/acs`
pub async fn post_acs(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let browser = req.cookie(POST_COOKIE).map(|c| c.value().to_owned());
    let form: AcsForm = if body.len() > MAX_RESPONSE + 4096 {
        AcsForm::default()
    } else {
        serde_urlencoded_form(&body)
    };
    match saml::finish(&state, &provider_id, browser.as_deref(), form).await {
        Ok((finished, subject)) => {
            let provider = finished.identity.provider_id.clone();
            let res = signed_in(&state, &ctx, &session, finished).await?;
            if let Some(subject) = subject {
                remember_logout(&state, &ctx, &provider, &res, &subject).await;
            }
            Ok(res)
        }
        Err(Failure { error, return_to }) => {
            record_refusal(&state, &ctx, &provider_id, &error).await?;
            let status = match status_of(&error) {
                // Never a 5xx for what the IdP or the browser sent.
                s if s.is_server_error() => StatusCode::BAD_REQUEST,
                s => s,
            };
            failed(status, error.reason(), return_to.as_deref())
        }
    }
}

/// The ACS form (`SAMLResponse`, `RelayState`); a field given twice or
/// a body that is no form reads as missing fields (then refused).
fn serde_urlencoded_form(body: &[u8]) -> AcsForm {
    let mut form = AcsForm::default();
    let mut twice = false;
    for (k, v) in url::form_urlencoded::parse(body) {
        let slot = match k.as_ref() {
            "SAMLResponse" => &mut form.saml_response,
            "RelayState" => &mut form.relay_state,
            _ => continue,
        };
        twice |= slot.is_some();
        *slot = Some(v.into_owned());
    }
    if twice { AcsForm::default() } else { form }
}

/// The cookie that binds a logout at the IdP to this browser (`Lax`: the
/// IdP sends the browser back with a top-level GET).
fn slo_cookie(value: String) -> Cookie<'static> {
    Cookie::build(saml_logout::COOKIE, value)
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(5))
        .finish()
}

fn slo_cookie_removal() -> Cookie<'static> {
    let mut c = slo_cookie(String::new());
    c.set_max_age(CookieDuration::ZERO);
    c
}

/// After a SAML sign-in made a session of ours (its cookie is in `res`),
/// keep the assertion's subject with that session for single logout. A
/// failure here is logged: the sign-in stands, only the SLO is lost.
async fn remember_logout(
    state: &AppState,
    ctx: &RequestContext,
    provider_id: &str,
    res: &HttpResponse,
    subject: &crate::federation::saml_subject::Subject,
) {
    let Some(token) = res
        .cookies()
        .find(|c| c.name() == session::COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned())
    else {
        // A second factor comes first: keep it with the pending login,
        // which hands it to the session it becomes.
        remember_pending_logout(state, ctx, provider_id, res, subject).await;
        return;
    };
    let hash = sha256_hex(token.as_bytes());
    let found = state
        .db
        .run(move |conn| sessions::find_by_token_hash(conn, &hash))
        .await;
    let result = match found {
        Ok(Some(s)) => {
            saml_logout::remember(
                state,
                provider_id,
                s.id.as_str(),
                subject,
                s.expires_at.and_utc(),
            )
            .await
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(request_id = %ctx.request_id, provider = provider_id, "saml: SLO subject not kept: {e}");
    }
}

/// The SAML subject kept with the pending login of `res` (its MFA
/// cookie), for the session that login becomes.
async fn remember_pending_logout(
    state: &AppState,
    ctx: &RequestContext,
    provider_id: &str,
    res: &HttpResponse,
    subject: &crate::federation::saml_subject::Subject,
) {
    let Some(token) = res
        .cookies()
        .find(|c| c.name() == crate::auth::mfa::pending::COOKIE && !c.value().is_empty())
        .map(|c| c.value().to_owned())
    else {
        return;
    };
    let (hash, now) = (
        sha256_hex(token.as_bytes()),
        crate::store::naive(state.now()),
    );
    let found = state
        .db
        .run(move |conn| crate::store::pending_logins::find_live(conn, &hash, now))
        .await;
    let result = match found {
        Ok(Some(p)) => {
            saml_logout::remember(
                state,
                provider_id,
                &crate::store::saml_sessions::pending_key(&p.id),
                subject,
                p.expires_at.and_utc(),
            )
            .await
        }
        Ok(None) => Ok(()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(request_id = %ctx.request_id, provider = provider_id, "saml: SLO subject not kept for the pending login: {e}");
    }
}

/// After our session `session_id` ended (our logout page or RP-initiated
/// logout): the redirect to the IdP's single logout, when that session
/// came from a SAML IdP with one, carrying `cookies` and going on to
/// `next` (a verified address, or our signed-out page) once the IdP
/// answers; the browser is led there by a continue page. `None`: the
/// logout goes on as usual.
pub async fn single_logout(
    state: &AppState,
    ctx: &RequestContext,
    session_id: &str,
    next: Option<String>,
    mut cookies: Vec<Cookie<'static>>,
) -> Option<HttpResponse> {
    match saml_logout::start(state, session_id, next).await {
        Ok(Some(started)) => {
            cookies.push(slo_cookie(started.cookie));
            // A page that leads on by a new navigation: a redirect would
            // continue the logout form's submission to another site, which
            // its CSP `form-action` blocks (SR-73).
            match continue_to(&started.url, cookies) {
                Ok(res) => Some(res),
                Err(e) => {
                    tracing::warn!(request_id = %ctx.request_id, "saml single logout not started: {e}");
                    None
                }
            }
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(request_id = %ctx.request_id, "saml single logout not started: {e}");
            None
        }
    }
}

/// `GET /saml/{id}/slo`: the IdP's LogoutResponse (HTTP-Redirect). Our
/// session ended before the browser left; this only decides where it
/// goes: on, or a page saying it is signed out here but maybe not at the
/// IdP.
pub async fn get_slo(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let provider_id = path.into_inner();
    let cookie = req
        .cookie(saml_logout::COOKIE)
        .map(|c| c.value().to_owned());
    let outcome =
        saml_logout::finish(&state, &provider_id, req.query_string(), cookie.as_deref()).await?;
    match outcome {
        Finish::Done { next: Some(next) } => Ok(see_other(&next, vec![slo_cookie_removal()])),
        // Nobody is signed in any more: `/logout` shows "signed out".
        Finish::Done { next: None } => Ok(see_other("/logout", vec![slo_cookie_removal()])),
        Finish::Failed(detail) => {
            tracing::warn!(request_id = %ctx.request_id, provider = provider_id, "saml single logout not confirmed: {detail}");
            let mut res = notice(
                StatusCode::BAD_REQUEST,
                "saml.slo_failed",
                "saml.slo_failed_lead",
                Some(("/login", "logged_out.again")),
            )?;
            res.add_cookie(&slo_cookie_removal())
                .map_err(|e| AppError::Internal(format!("cookie: {e}")))?;
            Ok(res)
        }
    }
}
