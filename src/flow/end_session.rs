//! `/end_session` (GET and POST, OIDC RP-Initiated Logout 1.0). A valid
//! `id_token_hint` for the current session (same `sid`, not expired beyond
//! [`HINT_GRACE_SECS`]), or nobody signed in, ends the session at once —
//! grants revoked, back-channel logout sent. Anything else (no hint, a
//! hint of another user or of an earlier session, a long-expired one) asks
//! the user to confirm first and never ends the session silently (SR-71).
//! After the logout the browser goes to the `post_logout_redirect_uri` only
//! if it is registered exactly for the client (the hint's, else `client_id`;
//! SR-04), with `state`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{MaybeSession, csrf, session};
use crate::domain::ClientId;
use crate::error::AppError;
use crate::flow::app_context::{self, AppContext};
use crate::flow::logout::LoggedOutPage;
use crate::oidc::id_token_hint;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::web::RequestContext;
use crate::web::render::{html, see_other};

/// "An application asks to sign you out."
#[derive(Template)]
#[template(path = "flow/end_session.html")]
pub struct EndSessionConfirmPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    /// The application that asked, and where it wants the user back.
    pub app: Option<AppContext>,
    pub client_id: Option<ClientId>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

/// How long after its expiry an ID token still ends a session without
/// asking (clock skew, a user who took a while to click "Sign out").
pub const HINT_GRACE_SECS: i64 = 600;

/// Parameters of `/end_session` (others, like `ui_locales`, are ignored).
#[derive(Debug, Default, Deserialize)]
pub struct EndSessionParams {
    id_token_hint: Option<String>,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// Fields of the confirmation form.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    csrf_token: String,
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

/// A verified place to send the browser after the logout.
struct Return {
    client: Client,
    uri: String,
    state: Option<String>,
}

impl Return {
    /// `uri` when it is registered exactly for `client_id` (SR-04).
    async fn verify(
        state: &AppState,
        client_id: Option<&str>,
        uri: Option<String>,
        rp_state: Option<String>,
    ) -> Result<Option<Self>, AppError> {
        let (Some(client_id), Some(uri)) = (client_id, nonempty(uri)) else {
            return Ok(None);
        };
        let Some(client) = state.clients.get(&state.db, client_id).await? else {
            return Ok(None);
        };
        if !client.post_logout_redirect_uris().contains(&uri) {
            return Ok(None);
        }
        Ok(Some(Self {
            client: (*client).clone(),
            uri,
            state: nonempty(rp_state).filter(|s| s.len() <= 2048),
        }))
    }

    /// The URI with `state`.
    fn location(&self) -> String {
        let mut location = self.uri.clone();
        if let Some(s) = &self.state {
            let sep = if self.uri.contains('?') { '&' } else { '?' };
            let q = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("state", s)
                .finish();
            location = format!("{}{sep}{q}", self.uri);
        }
        location
    }

    /// `303` to the URI with `state`, clearing the session cookie.
    fn redirect(&self) -> HttpResponse {
        see_other(&self.location(), vec![session::removal()])
    }
}

/// After the logout of session `session_id`: on to the IdP first when that
/// session came from a SAML IdP with single logout (then back to `back`),
/// else `back` or our page.
async fn after_logout(
    state: &AppState,
    ctx: &RequestContext,
    session_id: Option<&str>,
    back: Option<&Return>,
) -> Result<HttpResponse, AppError> {
    #[cfg(feature = "saml")]
    if let Some(id) = session_id
        && let Some(res) = crate::flow::saml::single_logout(
            state,
            ctx,
            id,
            back.map(Return::location),
            vec![session::removal()],
        )
        .await
    {
        return Ok(res);
    }
    #[cfg(not(feature = "saml"))]
    let _ = (state, ctx, session_id);
    signed_out(back)
}

/// The page after a logout: back to the application, or "signed out".
fn signed_out(back: Option<&Return>) -> Result<HttpResponse, AppError> {
    match back {
        Some(back) => Ok(back.redirect()),
        None => html(
            StatusCode::OK,
            &LoggedOutPage {
                t: crate::i18n::Tr::current(),
            },
            vec![session::removal()],
        ),
    }
}

/// `GET /end_session`
pub async fn get_end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    query: web::Query<EndSessionParams>,
) -> Result<HttpResponse, AppError> {
    run(&req, &state, &ctx, session, query.into_inner()).await
}

/// `POST /end_session`
pub async fn post_end_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<EndSessionParams>,
) -> Result<HttpResponse, AppError> {
    run(&req, &state, &ctx, session, form.into_inner()).await
}

/// `POST /end_session/confirm`: the user chose to sign out; the return
/// address is verified again.
pub async fn post_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut ended = None;
    if let Some(current) = session.0.as_deref() {
        csrf::verify(&req, &state, Some(current), &form.csrf_token)?;
        session::logout(&state, current.actor(&ctx), current).await?;
        ended = Some(current.session.id.as_str().to_owned());
    }
    let back = Return::verify(
        &state,
        nonempty(form.client_id).as_deref(),
        form.post_logout_redirect_uri,
        form.state,
    )
    .await?;
    after_logout(&state, &ctx, ended.as_deref(), back.as_ref()).await
}

fn nonempty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

async fn run(
    req: &HttpRequest,
    state: &AppState,
    ctx: &RequestContext,
    session: MaybeSession,
    p: EndSessionParams,
) -> Result<HttpResponse, AppError> {
    let client_id = nonempty(p.client_id);
    let hint = nonempty(p.id_token_hint)
        .and_then(|t| id_token_hint::verify(state, &t))
        // client_id, when sent, must be the hint's audience.
        .filter(|h| client_id.as_deref().is_none_or(|c| h.is_for(c)));
    let client_id = hint
        .as_ref()
        .and_then(|h| h.client_id().map(str::to_owned))
        .or(client_id);
    let back = Return::verify(
        state,
        client_id.as_deref(),
        p.post_logout_redirect_uri,
        p.state,
    )
    .await?;
    let Some(current) = session.0.as_deref() else {
        // Nobody to sign out: straight back to a verified address.
        return signed_out(back.as_ref());
    };
    let now = state.now().timestamp();
    // The hint carries the `sub` its client sees (pairwise or not, OIDC
    // Core §8): compare with that.
    let hint_client = match hint.as_ref().and_then(|h| h.client_id()) {
        Some(id) => state.clients.get(&state.db, id).await?,
        None => None,
    };
    let silent = hint.as_ref().is_some_and(|h| {
        hint_client
            .as_ref()
            .is_some_and(|c| h.sub == crate::oidc::subject::for_client(state, c, &current.user.id))
            && h.sid.as_deref() == Some(current.session.id.as_str())
            && h.exp.is_some_and(|exp| now <= exp + HINT_GRACE_SECS)
    });
    if !silent {
        return confirm_page(req, state, current, back).await;
    }
    session::logout(state, current.actor(ctx), current).await?;
    after_logout(state, ctx, Some(current.session.id.as_str()), back.as_ref()).await
}

async fn confirm_page(
    req: &HttpRequest,
    state: &AppState,
    current: &session::CurrentSession,
    back: Option<Return>,
) -> Result<HttpResponse, AppError> {
    let app = match back.as_ref() {
        Some(b) => Some(
            AppContext::new(state, &b.client, &b.uri)
                .branded(state)
                .await?,
        ),
        None => None,
    };
    let page = EndSessionConfirmPage {
        t: crate::i18n::Tr::current(),
        csrf_token: csrf::issue(req, state, Some(current)).token,
        email: current.user.email.clone(),
        client_id: back.as_ref().map(|b| b.client.id.clone()),
        post_logout_redirect_uri: back.as_ref().map(|b| b.uri.clone()),
        state: back.and_then(|b| b.state),
        app,
    };
    let res = html(StatusCode::OK, &page, vec![])?;
    Ok(app_context::apply(page.app.as_ref(), res))
}
