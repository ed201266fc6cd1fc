//! Which application a sign-in page is for: the client of the pending
//! authorization request in `return_to`, verified the way `/authorize`
//! verifies it (known client, exactly registered `redirect_uri`). Pages use
//! it to say "to continue to Acme Notes (notes.example.com)" with the
//! client's logo and links, and to name the one origin their forms may
//! finally lead to in the CSP (S4, SR-73): Chromium applies `form-action`
//! to the redirects after a form post, so a login that ends at the client
//! is blocked without it. A pushed request (RFC 9126) names its client and
//! `request_uri` only; its stored `redirect_uri` is the target.

use actix_web::HttpResponse;
use actix_web::http::header::{CONTENT_SECURITY_POLICY, HeaderValue};

use crate::branding::{self, Brand};
use crate::domain::{OrganizationId, redirect_uri};
use crate::error::AppError;
use crate::oidc::authorize::pushed;
use crate::state::AppState;
use crate::store::clients::Client;
use crate::web::headers;

/// The application behind a page, as the user should see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppContext {
    /// The client's display name.
    pub name: String,
    /// Host (and port) of the address the user returns to.
    pub host: String,
    /// Logo, privacy policy and terms, only when https or same-origin.
    pub logo_uri: Option<String>,
    pub policy_uri: Option<String>,
    pub tos_uri: Option<String>,
    /// The branding of the client's organization, once looked up
    /// ([`AppContext::branded`]).
    pub brand: Option<Brand>,
    /// CSP source of the origin the flow ends at.
    form_target: Option<String>,
    organization_id: Option<OrganizationId>,
}

impl AppContext {
    /// The context of `client` when the flow ends at `target` (a verified
    /// redirect or post-logout URI).
    pub fn new(state: &AppState, client: &Client, target: &str) -> Self {
        let shown = |uri: &Option<String>| {
            uri.as_deref()
                .filter(|u| displayable(state.config.public_base(), u))
                .map(str::to_owned)
        };
        let host = url::Url::parse(target)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_owned(),
                })
            })
            .unwrap_or_default();
        Self {
            name: client.name.clone(),
            host,
            logo_uri: shown(&client.logo_uri),
            policy_uri: shown(&client.policy_uri),
            tos_uri: shown(&client.tos_uri),
            brand: None,
            form_target: headers::origin_source(target),
            organization_id: client.organization_id.clone(),
        }
    }

    /// This context with the branding of the client's organization, if
    /// it has any.
    pub async fn branded(mut self, state: &AppState) -> Result<Self, AppError> {
        if let Some(org) = &self.organization_id {
            self.brand = branding::brand_of(state, org).await?;
        }
        Ok(self)
    }

    /// The application of the authorization request in `return_to`, if it
    /// is one (`/authorize?…` with a known client and a registered
    /// `redirect_uri`); anything else has no application.
    pub async fn from_return_to(
        state: &AppState,
        return_to: Option<&str>,
    ) -> Result<Option<Self>, AppError> {
        let Some((client_id, target)) = return_to.and_then(authorize_target) else {
            return Ok(None);
        };
        let redirect = match target {
            Target::Redirect(uri) => uri,
            // A pushed request (RFC 9126): its stored redirect_uri.
            Target::Pushed(request_uri) => {
                match pushed::stored_redirect_uri(state, &client_id, &request_uri).await? {
                    Some(uri) => uri,
                    None => return Ok(None),
                }
            }
        };
        let Some(client) = state.clients.get(&state.db, &client_id).await? else {
            return Ok(None);
        };
        if !redirect_uri::matches(&client.redirect_uris(), &redirect) {
            return Ok(None);
        }
        Ok(Some(
            Self::new(state, &client, &redirect).branded(state).await?,
        ))
    }

    /// The page's Content-Security-Policy.
    pub fn csp(&self) -> String {
        let image = self.logo_uri.as_deref().and_then(headers::origin_source);
        headers::csp_for(self.form_target.as_deref(), image.as_deref())
    }

    /// Give `res` the policy of this application's pages.
    pub fn apply(&self, res: &mut HttpResponse) {
        if let Ok(value) = HeaderValue::from_str(&self.csp()) {
            res.headers_mut().insert(CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Give `res` the policy of `app`'s pages, if the page is for one.
pub fn apply(app: Option<&AppContext>, mut res: HttpResponse) -> HttpResponse {
    if let Some(app) = app {
        app.apply(&mut res);
    }
    res
}

/// Where an authorization request says it ends.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Its `redirect_uri` parameter.
    Redirect(String),
    /// The `request_uri` of a pushed request, which holds the redirect.
    Pushed(String),
}

/// `client_id` and target of a local `/authorize?…` path.
fn authorize_target(return_to: &str) -> Option<(String, Target)> {
    let query = return_to.strip_prefix("/authorize?")?;
    let mut client_id = None;
    let mut redirect = None;
    let mut request_uri = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "client_id" if client_id.is_none() => client_id = Some(v.into_owned()),
            "redirect_uri" if redirect.is_none() => redirect = Some(v.into_owned()),
            "request_uri" if request_uri.is_none() => request_uri = Some(v.into_owned()),
            _ => {}
        }
    }
    // A pushed request's own parameters win (RFC 9126 §4).
    let target = match (request_uri, redirect) {
        (Some(uri), _) => Target::Pushed(uri),
        (None, Some(uri)) => Target::Redirect(uri),
        (None, None) => return None,
    };
    Some((client_id?, target))
}

/// Links and images are shown only over https or from our own origin.
fn displayable(issuer: &str, uri: &str) -> bool {
    let Ok(u) = url::Url::parse(uri) else {
        return false;
    };
    u.scheme() == "https"
        || url::Url::parse(issuer).is_ok_and(|i| i.origin() == u.origin() && u.scheme() == "http")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_client_of_an_authorization_request() {
        assert_eq!(
            authorize_target(
                "/authorize?client_id=notes&redirect_uri=https%3A%2F%2Fnotes.example%2Fcb&scope=openid"
            ),
            Some((
                "notes".into(),
                Target::Redirect("https://notes.example/cb".into())
            ))
        );
        assert_eq!(
            authorize_target(
                "/authorize?client_id=notes&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc&redirect_uri=https%3A%2F%2Fevil.example%2Fcb"
            ),
            Some((
                "notes".into(),
                Target::Pushed("urn:ietf:params:oauth:request_uri:abc".into())
            ))
        );
        assert_eq!(authorize_target("/account"), None);
        assert_eq!(authorize_target("/authorize?client_id=notes"), None);
    }

    #[test]
    fn only_https_or_our_own_links_are_shown() {
        let issuer = "http://localhost:8080";
        assert!(displayable(issuer, "https://notes.example/logo.png"));
        assert!(displayable(
            issuer,
            "http://localhost:8080/static/img/favicon.svg"
        ));
        assert!(!displayable(issuer, "http://notes.example/privacy"));
        assert!(!displayable(issuer, "javascript:alert(1)"));
        assert!(!displayable(issuer, "data:image/png;base64,AAAA"));
    }
}
