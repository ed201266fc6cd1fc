//! Helpers for the authorization and logout tests: clients made through
//! `oidc::clients::create`, PKCE pairs, authorize URLs, reading redirects
//! and stored code rows, minting ID tokens for hints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use diesel::prelude::*;
use ostiary::audit::Actor;
use ostiary::oidc::clients::{ClientSpec, create};
use ostiary::store::codes::AuthorizationCode;
use sha2::{Digest, Sha256};

use crate::helpers::{Browser, PASSWORD, Page, TestApp};

pub const REDIRECT: &str = "https://rp.example/cb";
pub const EMAIL: &str = "user@example.com";

/// A client spec with one redirect URI and default settings.
pub fn spec(id: &str) -> ClientSpec {
    ClientSpec {
        name: format!("App {id}"),
        id: Some(id.into()),
        redirect_uris: vec![REDIRECT.into()],
        post_logout_redirect_uris: vec!["https://rp.example/bye".into()],
        ..ClientSpec::default()
    }
}

/// Register a client.
pub async fn client(app: &TestApp, spec: ClientSpec) -> String {
    let envelope = app.state.envelope.clone();
    let now = app.state.now();
    app.state
        .db
        .run(move |conn| create(conn, &envelope, &Actor::system("test"), &spec, now))
        .await
        .unwrap()
        .client_id
}

/// (verifier, S256 challenge)
pub fn pkce() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// `/authorize?…` with the standard parameters for `client_id`, plus `extra`
/// (an empty value removes a standard one).
pub fn url(client_id: &str, extra: &[(&str, &str)]) -> String {
    let (_, challenge) = pkce();
    let mut params: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), client_id.into()),
        ("redirect_uri".into(), REDIRECT.into()),
        ("scope".into(), "openid email".into()),
        ("state".into(), "st-123".into()),
        ("nonce".into(), "n-456".into()),
        ("code_challenge".into(), challenge),
        ("code_challenge_method".into(), "S256".into()),
    ];
    for (k, v) in extra {
        params.retain(|(pk, _)| pk != k);
        if !v.is_empty() {
            params.push(((*k).into(), (*v).into()));
        }
    }
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in &params {
        s.append_pair(k, v);
    }
    format!("/authorize?{}", s.finish())
}

/// Query parameters of a redirect `Location`.
pub fn params(location: &str) -> Vec<(String, String)> {
    let query = location.split_once('?').map(|(_, q)| q).unwrap_or_default();
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

pub fn param(location: &str, name: &str) -> Option<String> {
    params(location)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Assert a redirect to the client's redirect URI and return its parameters.
pub fn redirected(app: &TestApp, page: &Page) -> Vec<(String, String)> {
    assert_eq!(page.status, reqwest::StatusCode::SEE_OTHER, "{}", page.body);
    let loc = page.location();
    assert!(loc.starts_with(&format!("{REDIRECT}?")), "{loc}");
    // SR-20: iss on every authorization response.
    assert_eq!(
        param(loc, "iss").as_deref(),
        Some(app.state.config.public_base()),
        "{loc}"
    );
    params(loc)
}

pub fn get<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A user signed in through the login form.
pub async fn signed_in(app: &TestApp) -> Browser {
    app.create_user(EMAIL, PASSWORD).await;
    let (b, res) = app.login(EMAIL, PASSWORD).await;
    assert_eq!(res.status, reqwest::StatusCode::SEE_OTHER, "{}", res.body);
    b
}

/// Follow the login redirect: fill the form (a GET of the login URL) and
/// return the response to the POST.
pub async fn login_via(b: &mut Browser, login_location: &str) -> Page {
    assert!(login_location.starts_with("/login?"), "{login_location}");
    let form = b.get(login_location).await;
    assert_eq!(form.status, reqwest::StatusCode::OK, "{}", form.body);
    let return_to = crate::helpers::hidden_input(&form.body, "return_to")
        .map(|v| unescape(&v))
        .unwrap();
    b.post_form(
        "/login",
        &[
            ("csrf_token", &form.csrf()),
            ("email", EMAIL),
            ("password", PASSWORD),
            ("return_to", &return_to),
        ],
    )
    .await
}

/// The stored code row for a code.
pub async fn code_row(app: &TestApp, code: &str) -> AuthorizationCode {
    use ostiary::db::schema::authorization_codes::dsl::*;
    let hash = ostiary::crypto::token::sha256_hex(code.as_bytes());
    app.state
        .db
        .run(move |conn| {
            Ok(authorization_codes
                .filter(code_hash.eq(hash))
                .select(AuthorizationCode::as_select())
                .first(conn)?)
        })
        .await
        .unwrap()
}

/// An ID token for `user_id` issued to `client_id` (for `id_token_hint`).
pub async fn id_token(app: &TestApp, client_id: &str, user_id: &str, sid: Option<&str>) -> String {
    let (cid, uid) = (client_id.to_owned(), user_id.to_owned());
    let (client, user) = app
        .state
        .db
        .run(move |conn| {
            Ok((
                ostiary::store::clients::find(conn, &cid)?.unwrap(),
                ostiary::store::users::find(conn, &uid)?.unwrap(),
            ))
        })
        .await
        .unwrap();
    let now = app.state.now();
    ostiary::oidc::tokens::id_token(
        &app.state,
        &ostiary::oidc::tokens::IdTokenRequest {
            client: &client,
            user: &user,
            user_claims: serde_json::Map::new(),
            nonce: None,
            auth_time: now,
            amr: &["pwd".to_owned()],
            acr: None,
            session_id: sid,
            access_token: None,
        },
        now,
    )
    .unwrap()
}

/// The same claims as `token` under `alg: none` (no signature).
pub fn alg_none(token: &str) -> String {
    let payload = token.split('.').nth(1).unwrap();
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    format!("{header}.{payload}.")
}

/// Decode a JWT's header and claims without verifying.
pub fn decode(token: &str) -> (serde_json::Value, serde_json::Value) {
    let mut parts = token.split('.');
    let mut next =
        || serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    (next(), next())
}

/// A live grant as the token endpoint would make from `code`.
pub async fn insert_grant(app: &TestApp, code: &AuthorizationCode) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let grant = ostiary::store::grants::Grant {
        id: id.clone(),
        client_id: code.client_id.clone(),
        user_id: Some(code.user_id.clone()),
        session_id: Some(code.session_id.clone()),
        scope: code.scope.clone(),
        auth_time: Some(code.auth_time),
        amr: code.amr.clone(),
        acr: code.acr.clone(),
        nonce: code.nonce.clone(),
        created_at: code.created_at,
        expires_at: code.created_at + Duration::days(30),
        revoked_at: None,
        resources: code.resources.clone(),
    };
    app.state
        .db
        .run(move |conn| ostiary::store::grants::insert(conn, &grant))
        .await
        .unwrap();
    id
}

pub async fn grant_revoked(app: &TestApp, id: &str) -> bool {
    let id = id.to_owned();
    app.state
        .db
        .run(move |conn| ostiary::store::grants::find(conn, &id))
        .await
        .unwrap()
        .unwrap()
        .revoked_at
        .is_some()
}

/// Undo askama's HTML escaping of an attribute value.
pub fn unescape(v: &str) -> String {
    v.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}
