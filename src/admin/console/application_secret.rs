//! What an application's developer needs (S8, SR-101, SR-102): the page
//! showing a new client's secret once — the `200` answer of the creating or
//! rotating POST, never a URL or a flash message — with a ready-to-paste
//! configuration snippet (issuer, client id, the endpoints of the
//! discovery document), and `POST /admin/applications/{id}/rotate-secret`.

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;

use crate::admin::console::application_kind::Kind;
use crate::admin::console::applications::{app_path, refusal};
use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::guard::{Checked, CsrfOnly};
use crate::auth::recent::reauthenticate_redirect;
use crate::domain::ClientId;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::oidc::clients::admin;
use crate::oidc::clients::view::ClientView;
use crate::oidc::discovery::Endpoints;
use crate::oidc::grant;
use crate::state::AppState;

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route(
        "/admin/applications/{id}/rotate-secret",
        web::post().to(post_rotate),
    );
}

/// A client's configuration as environment variables. `secret`: the
/// secret shown now; without it a confidential client's line says where
/// the secret comes from.
pub fn snippet(at: &Endpoints, client: &ClientView, secret: Option<&str>) -> String {
    let has = |g: &str| client.grant_types.iter().any(|x| x == g);
    let code = has(grant::AUTHORIZATION_CODE);
    let mut out = vec![
        format!("OIDC_ISSUER={}", at.issuer),
        format!("OIDC_DISCOVERY_URL={}", at.discovery),
        format!("OIDC_CLIENT_ID={}", client.client_id),
    ];
    match (client.public, secret) {
        (true, _) => {}
        (false, Some(secret)) => out.push(format!("OIDC_CLIENT_SECRET={secret}")),
        (false, None) => {
            out.push("# OIDC_CLIENT_SECRET: shown once, when created or rotated".to_owned())
        }
    }
    if !client.public {
        out.push(format!(
            "OIDC_TOKEN_ENDPOINT_AUTH_METHOD={}",
            client.token_endpoint_auth_method
        ));
    }
    if code {
        out.push(format!("OIDC_AUTHORIZATION_ENDPOINT={}", at.authorization));
    }
    out.push(format!("OIDC_TOKEN_ENDPOINT={}", at.token));
    if has(grant::DEVICE_CODE) {
        out.push(format!(
            "OIDC_DEVICE_AUTHORIZATION_ENDPOINT={}",
            at.device_authorization
        ));
    }
    let for_users = code || has(grant::DEVICE_CODE);
    if for_users {
        out.push(format!("OIDC_USERINFO_ENDPOINT={}", at.userinfo));
    }
    if code {
        out.push(format!("OIDC_END_SESSION_ENDPOINT={}", at.end_session));
    }
    out.push(format!("OIDC_JWKS_URI={}", at.jwks));
    if let Some(uri) = client.redirect_uris.first() {
        out.push(format!("OIDC_REDIRECT_URI={uri}"));
    }
    if let Some(uri) = client.post_logout_redirect_uris.first() {
        out.push(format!("OIDC_POST_LOGOUT_REDIRECT_URI={uri}"));
    }
    // The scopes to ask for: a user's sign-in asks for the standard ones
    // the client may use; a service for its own.
    let scopes: Vec<&str> = client
        .scopes
        .iter()
        .map(String::as_str)
        .filter(|s| {
            if for_users {
                matches!(*s, "openid" | "profile" | "email")
                    || (*s == "offline_access" && has(grant::REFRESH_TOKEN))
            } else {
                !crate::oidc::discovery::SCOPES.contains(s)
            }
        })
        .collect();
    if !scopes.is_empty() {
        out.push(format!("OIDC_SCOPES=\"{}\"", scopes.join(" ")));
    }
    if code {
        out.push("OIDC_PKCE_METHOD=S256".to_owned());
    }
    out.join("\n")
}

#[derive(Template)]
#[template(path = "admin/applications/secret.html")]
pub struct SecretPage {
    pub t: Tr,
    pub chrome: Chrome,
    /// Whether the client was just made (else its secret was rotated).
    pub created: bool,
    pub client: ClientView,
    pub kind: Kind,
    pub secret: Option<String>,
    pub snippet: String,
    pub app_path: String,
}

impl SecretPage {
    /// The page for `client` and its new `secret` (none for a public one).
    pub fn render(
        console: &Console,
        state: &AppState,
        client: ClientView,
        secret: Option<String>,
        created: bool,
    ) -> Result<HttpResponse, AppError> {
        let snippet = snippet(&Endpoints::of(&state.config), &client, secret.as_deref());
        respond::page(&SecretPage {
            t: console.chrome.t,
            chrome: console.chrome("applications"),
            created,
            kind: Kind::of(&client),
            app_path: app_path(&client.client_id),
            client,
            secret,
            snippet,
        })
    }
}

/// `POST /admin/applications/{id}/rotate-secret`: a new secret, shown on
/// the answer; the old one stops working at once.
pub async fn post_rotate(
    console: Console,
    _form: Checked<CsrfOnly>,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let caller = &console.caller;
    caller
        .require(Scope::write("clients"))
        .map_err(respond::problem)?;
    let id = path.into_inner();
    let back = app_path(&id);
    // SR-101: a secret is shown; the sign-in must be recent.
    if caller.require_recent().is_err() {
        return Ok(reauthenticate_redirect(&back));
    }
    let reach = caller.reach.organization_ids();
    let rotated = match admin::rotate_secret(
        &state,
        &caller.actor,
        reach.clone(),
        ClientId::from(id.clone()),
    )
    .await?
    {
        Ok(rotated) => rotated,
        Err(r) => return refusal(r, &back),
    };
    let client = admin::show(&state, reach, false, ClientId::from(id))
        .await?
        .ok_or(AppError::NotFound)?;
    SecretPage::render(&console, &state, client, Some(rotated.client_secret), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(grants: &[&str], public: bool) -> ClientView {
        ClientView {
            client_id: "app".into(),
            name: "App".into(),
            organization_id: None,
            public,
            require_pkce: public,
            require_pushed_authorization_requests: false,
            jwks_uri: None,
            request_object_signing_alg: None,
            require_signed_request_object: false,
            dpop_bound_access_tokens: false,
            subject_type: "public".into(),
            sector_identifier_uri: None,
            token_endpoint_auth_method: if public {
                "none"
            } else {
                "client_secret_basic"
            }
            .into(),
            redirect_uris: vec!["https://app.example/cb".into()],
            post_logout_redirect_uris: vec![],
            grant_types: grants.iter().map(|g| (*g).to_owned()).collect(),
            scopes: [
                "openid",
                "profile",
                "email",
                "offline_access",
                "groups",
                "api",
            ]
            .map(str::to_owned)
            .to_vec(),
            backchannel_logout_uri: None,
            jwks: None,
            id_token_signed_response_alg: "RS256".into(),
            access_token_signed_response_alg: "RS256".into(),
            consent: "required".into(),
            logo_uri: None,
            policy_uri: None,
            tos_uri: None,
            audiences: vec![],
            allowed_origins: vec![],
            dynamically_registered: false,
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
        }
    }

    fn endpoints() -> Endpoints {
        let config = crate::config::Config {
            issuer: "https://id.example/".into(),
            ..crate::config::Config::default()
        };
        Endpoints::of(&config)
    }

    #[test]
    fn a_web_apps_snippet_names_every_endpoint_and_the_secret() {
        let web = client(&[grant::AUTHORIZATION_CODE, grant::REFRESH_TOKEN], false);
        let text = snippet(&endpoints(), &web, Some("s3cret"));
        for line in [
            "OIDC_ISSUER=https://id.example",
            "OIDC_DISCOVERY_URL=https://id.example/.well-known/openid-configuration",
            "OIDC_CLIENT_ID=app",
            "OIDC_CLIENT_SECRET=s3cret",
            "OIDC_AUTHORIZATION_ENDPOINT=https://id.example/authorize",
            "OIDC_TOKEN_ENDPOINT=https://id.example/token",
            "OIDC_USERINFO_ENDPOINT=https://id.example/userinfo",
            "OIDC_END_SESSION_ENDPOINT=https://id.example/end_session",
            "OIDC_REDIRECT_URI=https://app.example/cb",
            "OIDC_SCOPES=\"openid profile email offline_access\"",
            "OIDC_PKCE_METHOD=S256",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        let later = snippet(&endpoints(), &web, None);
        assert!(!later.contains("OIDC_CLIENT_SECRET="), "{later}");
    }

    #[test]
    fn a_service_asks_for_its_own_scopes_and_no_user_endpoints() {
        let m2m = client(&[grant::CLIENT_CREDENTIALS], false);
        let text = snippet(&endpoints(), &m2m, Some("s"));
        assert!(text.contains("OIDC_SCOPES=\"api\""), "{text}");
        assert!(!text.contains("AUTHORIZATION_ENDPOINT"), "{text}");
        assert!(!text.contains("USERINFO"), "{text}");
        let device = client(&[grant::DEVICE_CODE], true);
        let text = snippet(&endpoints(), &device, None);
        assert!(
            text.contains(
                "OIDC_DEVICE_AUTHORIZATION_ENDPOINT=https://id.example/device_authorization"
            ),
            "{text}"
        );
        assert!(!text.contains("SECRET"), "{text}");
    }
}
