//! `/authorize` and `/authorize/consent` (GET and POST, OIDC Core 3.1.2):
//! the protocol decides ([`crate::oidc::authorize::run`]); this renders the
//! interaction it asks for — the login form, the account chooser, a second
//! sign-in step, the consent page — or passes its response on.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{MaybeSession, csrf};
use crate::error::AppError;
use crate::flow::{consent, login};
use crate::oidc::authorize::{self, Answer, Decision, Interaction, request::RawParams};
use crate::state::AppState;
use crate::web::RequestContext;
use crate::web::render::see_other;

/// `GET /authorize`
pub async fn get_authorize(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    respond(
        &req,
        &state,
        &ctx,
        session,
        RawParams(query.into_inner()),
        None,
    )
    .await
}

/// `POST /authorize` (form-encoded parameters, OIDC Core 3.1.2.1).
pub async fn post_authorize(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let params = form.into_inner();
    let locale = crate::i18n::Locale::from_params(&params);
    let run = respond(&req, &state, &ctx, session, RawParams(params), None);
    crate::i18n::locale::scope_some(locale, run).await
}

/// `POST /authorize/consent`: the answer on the consent page; the whole
/// request is checked again.
pub async fn post_consent(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: RequestContext,
    session: MaybeSession,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut token = String::new();
    let mut decision = None;
    let mut rest = Vec::new();
    for (k, v) in form.into_inner() {
        match k.as_str() {
            "csrf_token" => token = v,
            "decision" => {
                decision = match v.as_str() {
                    "allow" => Some(Decision::Allow),
                    "deny" => Some(Decision::Deny),
                    _ => None,
                }
            }
            _ => rest.push((k, v)),
        }
    }
    match session.0.as_deref() {
        Some(current) => csrf::verify(&req, &state, Some(current), &token)?,
        // Signed out meanwhile: the request starts over at the login form.
        None => decision = None,
    }
    let locale = crate::i18n::Locale::from_params(&rest);
    let run = respond(&req, &state, &ctx, session, RawParams(rest), decision);
    crate::i18n::locale::scope_some(locale, run).await
}

/// Run the request and render what it leads to.
async fn respond(
    req: &HttpRequest,
    state: &AppState,
    ctx: &RequestContext,
    session: MaybeSession,
    params: RawParams,
    decision: Option<Decision>,
) -> Result<HttpResponse, AppError> {
    match authorize::run(state, ctx, session, &params, decision).await? {
        Answer::Respond(res) => Ok(res),
        Answer::Interact(Interaction::Login {
            return_to,
            force,
            login_hint,
        }) => {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            q.append_pair("return_to", &return_to);
            if force {
                q.append_pair("force", "1");
            }
            if let Some(hint) = &login_hint {
                q.append_pair("login_hint", hint);
            }
            Ok(see_other(&format!("/login?{}", q.finish()), vec![]))
        }
        Answer::Interact(Interaction::SelectAccount { return_to }) => {
            Ok(see_other(&login::switch_account_url(&return_to), vec![]))
        }
        Answer::Interact(Interaction::StepUp { next, return_to }) => {
            Ok(login::after_first_factor(next, Some(&return_to)))
        }
        Answer::Interact(Interaction::Consent {
            current,
            client,
            redirect_uri,
            scopes,
        }) => {
            consent::page(
                req,
                state,
                &current,
                &client,
                &redirect_uri,
                &scopes,
                &params,
            )
            .await
        }
    }
}
