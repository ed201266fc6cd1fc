//! `/end_session` (GET and POST, OIDC RP-Initiated Logout 1.0). With a
//! valid `id_token_hint` for the signed-in user (or nobody signed in) the
//! session ends at once — grants revoked, back-channel logout sent — and the
//! browser goes to the `post_logout_redirect_uri` if it is registered for
//! the hint's client exactly (SR-04), with `state`. Without a valid hint the
//! user is asked to confirm, and is never redirected (SR-71).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{MaybeSession, csrf, session};
use crate::error::AppError;
use crate::flow::logout::LoggedOutPage;
use crate::oidc::id_token_hint;
use crate::state::AppState;
use crate::store::clients;
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
}

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

/// `POST /end_session/confirm`: the user chose to sign out.
pub async fn post_confirm(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    if let Some(current) = session.0.as_deref() {
        csrf::verify(&req, &state, Some(current), &form.csrf_token)?;
        session::logout(&state, current.actor(&ctx), current).await?;
    }
    html(
        StatusCode::OK,
        &LoggedOutPage {
            t: crate::i18n::Tr::current(),
        },
        vec![session::removal()],
    )
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
    let Some(hint) = hint else {
        return match session.0.as_deref() {
            Some(current) => confirm_page(req, state, current),
            None => html(
                StatusCode::OK,
                &LoggedOutPage {
                    t: crate::i18n::Tr::current(),
                },
                vec![],
            ),
        };
    };
    if let Some(current) = session.0.as_deref() {
        if current.user.id != hint.sub {
            // A hint about someone else: do not end this user's session silently.
            return confirm_page(req, state, current);
        }
        session::logout(state, current.actor(ctx), current).await?;
    }
    let client = match hint.client_id() {
        Some(id) => {
            let id = id.to_owned();
            state.db.run(move |conn| clients::find(conn, &id)).await?
        }
        None => None,
    };
    let target = nonempty(p.post_logout_redirect_uri).filter(|uri| {
        client
            .as_ref()
            .is_some_and(|c| c.post_logout_redirect_uris().iter().any(|r| r == uri))
    });
    match target {
        Some(uri) => {
            let mut location = uri.clone();
            if let Some(s) = nonempty(p.state).filter(|s| s.len() <= 2048) {
                let sep = if uri.contains('?') { '&' } else { '?' };
                let q = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("state", &s)
                    .finish();
                location = format!("{uri}{sep}{q}");
            }
            Ok(see_other(&location, vec![session::removal()]))
        }
        None => html(
            StatusCode::OK,
            &LoggedOutPage {
                t: crate::i18n::Tr::current(),
            },
            vec![session::removal()],
        ),
    }
}

fn confirm_page(
    req: &HttpRequest,
    state: &AppState,
    current: &session::CurrentSession,
) -> Result<HttpResponse, AppError> {
    let page = EndSessionConfirmPage {
        t: crate::i18n::Tr::current(),
        csrf_token: csrf::issue(req, state, Some(current)).token,
        email: current.user.email.clone(),
    };
    html(StatusCode::OK, &page, vec![])
}
