//! The consent page (S3, SR-22): which application asks, for which scopes,
//! as whom, and for how long; Allow/Deny posts back to `/authorize/consent`
//! (`flow::authorize::post_consent`), where the whole authorization
//! request is validated again.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::{CurrentSession, csrf};
use crate::error::AppError;
use crate::flow::app_context::{self, AppContext};
use crate::i18n::Tr;
use crate::oidc::authorize::request::RawParams;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::web::render::html;

/// One requested scope, explained.
#[derive(Debug)]
pub struct ScopeView {
    pub name: String,
    pub description: String,
}

/// "Allow <app> to …?"
#[derive(Template)]
#[template(path = "flow/consent.html")]
pub struct ConsentPage {
    /// The messages of the page language.
    pub t: crate::i18n::Tr,
    pub csrf_token: String,
    pub email: String,
    pub scopes: Vec<ScopeView>,
    /// The authorization request, resubmitted with the answer.
    pub params: Vec<(String, String)>,
    /// The application asking (name, host, logo, links).
    pub app: Option<AppContext>,
    /// "Not you?": sign in as someone else for the same request.
    pub switch_url: String,
}

/// What a scope gives the application, in words of `t`'s language.
pub fn describe(scope: &str, t: Tr) -> String {
    let key = match scope {
        "openid" => "scope.openid",
        "profile" => "scope.profile",
        "email" => "scope.email",
        "offline_access" => "scope.offline_access",
        "groups" => "scope.groups",
        "phone" => "scope.phone",
        "address" => "scope.address",
        other => return t.fill("scope.other", other),
    };
    t.text(key).into()
}

/// The scopes of a request, explained in `t`'s language (consent and
/// device approval pages say the same).
pub fn scope_views(scopes: &[String], t: Tr) -> Vec<ScopeView> {
    scopes
        .iter()
        .map(|s| ScopeView {
            name: s.clone(),
            description: describe(s, t),
        })
        .collect()
}

/// Render the page for a request that needs consent; `redirect_uri` is the
/// verified address the answer goes to.
pub async fn page(
    req: &HttpRequest,
    state: &AppState,
    current: &CurrentSession,
    client: &Client,
    redirect_uri: &str,
    scopes: &[String],
    params: &RawParams,
) -> Result<HttpResponse, AppError> {
    let t = Tr::current();
    let app = AppContext::new(state, client, redirect_uri)
        .branded(state)
        .await?;
    let page = ConsentPage {
        t,
        csrf_token: csrf::issue(req, state, Some(current)).token,
        email: current.user.email.clone(),
        scopes: scope_views(scopes, t),
        params: params.carried(),
        switch_url: crate::flow::login::switch_account_url(&format!(
            "/authorize?{}",
            params.to_query()
        )),
        app: Some(app),
    };
    let res = html(StatusCode::OK, &page, vec![])?;
    Ok(app_context::apply(page.app.as_ref(), res))
}
