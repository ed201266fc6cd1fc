//! Helpers for the token, resource-endpoint and device tests: clients made
//! directly through `oidc::clients::create`, authorization codes inserted
//! directly (until `/authorize` lands), PKCE pairs, and form posts that
//! return status, headers and JSON.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Duration;
use ostiary::audit::Actor;
use ostiary::crypto::token::{random_token, sha256_hex};
use ostiary::oidc::clients::ClientSpec;
use ostiary::store::codes::AuthorizationCode;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{Browser, PASSWORD, TestApp};

pub const REDIRECT: &str = "https://rp.example/cb";

/// A registered client and its secret (confidential ones).
#[derive(Debug, Clone)]
pub struct Rp {
    pub id: String,
    pub secret: Option<String>,
}

/// A confidential client with these grants (default scopes).
pub fn confidential(id: &str, grants: &[&str]) -> ClientSpec {
    ClientSpec {
        name: format!("App {id}"),
        id: Some(id.into()),
        redirect_uris: vec![REDIRECT.into()],
        grant_types: grants.iter().map(|g| (*g).to_owned()).collect(),
        ..ClientSpec::default()
    }
}

/// A public client (auth method none).
pub fn public(id: &str, grants: &[&str]) -> ClientSpec {
    ClientSpec {
        public: true,
        ..confidential(id, grants)
    }
}

pub async fn register(app: &TestApp, spec: ClientSpec) -> Rp {
    let now = app.state.now();
    let envelope = app.state.envelope.clone();
    let created = app
        .state
        .db
        .run(move |conn| {
            ostiary::oidc::clients::create(conn, &envelope, &Actor::system("test"), &spec, now)
        })
        .await
        .unwrap();
    Rp {
        id: created.client_id,
        secret: created.client_secret,
    }
}

/// A user signed in through the login form.
pub struct SignedIn {
    pub user_id: String,
    pub session_id: String,
    pub browser: Browser,
}

pub async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    app.create_user(email, PASSWORD).await;
    sign_in_existing(app, email).await
}

/// Another sign-in (a new browser and session) of an existing user.
pub async fn sign_in_existing(app: &TestApp, email: &str) -> SignedIn {
    let (browser, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let hash = sha256_hex(browser.session_cookie().unwrap().as_bytes());
    let session = app
        .state
        .db
        .run(move |conn| ostiary::store::sessions::find_by_token_hash(conn, &hash))
        .await
        .unwrap()
        .unwrap();
    SignedIn {
        user_id: session.user_id,
        session_id: session.id,
        browser,
    }
}

/// A (verifier, S256 challenge) pair.
pub fn pkce() -> (String, String) {
    let verifier = random_token();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Store an authorization code as `/authorize` would; returns the code.
pub async fn insert_code(
    app: &TestApp,
    who: &SignedIn,
    client_id: &str,
    scope: &str,
    challenge: Option<&str>,
) -> String {
    let code = random_token();
    let now = app.state.now();
    let row = AuthorizationCode {
        code_hash: sha256_hex(code.as_bytes()),
        client_id: client_id.into(),
        user_id: who.user_id.clone(),
        session_id: who.session_id.clone(),
        redirect_uri: REDIRECT.into(),
        scope: scope.into(),
        nonce: Some("n-0S6_WzA2Mj".into()),
        code_challenge: challenge.map(str::to_owned),
        auth_time: (now - Duration::seconds(30)).naive_utc(),
        amr: ostiary::domain::Amr::from(&["pwd"][..]),
        acr: None,
        claims: None,
        created_at: now.naive_utc(),
        expires_at: (now + Duration::seconds(60)).naive_utc(),
        used_at: None,
        grant_id: None,
        resources: None,
    };
    app.state
        .db
        .run(move |conn| ostiary::store::codes::insert(conn, &row))
        .await
        .unwrap();
    code
}

/// A JSON response.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
    pub fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or_default()
    }
    pub fn str(&self, key: &str) -> String {
        self.json[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {}", self.json))
            .to_owned()
    }
}

async fn finish(res: reqwest::Response) -> Reply {
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply {
        status,
        headers,
        json,
    }
}

/// POST a form, with HTTP Basic credentials when given.
pub async fn post(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    basic: Option<(&str, &str)>,
) -> Reply {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", app.base))
        .form(form);
    if let Some((id, secret)) = basic {
        req = req.header(
            "authorization",
            format!("Basic {}", STANDARD.encode(format!("{id}:{secret}"))),
        );
    }
    finish(req.send().await.unwrap()).await
}

/// POST as the client `rp` (Basic for confidential, client_id for public).
pub async fn post_as(app: &TestApp, rp: &Rp, path: &str, form: &[(&str, &str)]) -> Reply {
    match &rp.secret {
        Some(secret) => post(app, path, form, Some((&rp.id, secret))).await,
        None => {
            let mut form = form.to_vec();
            form.push(("client_id", &rp.id));
            post(app, path, &form, None).await
        }
    }
}

/// Redeem `code` at `/token` as `rp`.
pub async fn redeem(app: &TestApp, rp: &Rp, code: &str, verifier: Option<&str>) -> Reply {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    post_as(app, rp, "/token", &form).await
}

/// A fresh code with PKCE, redeemed; asserts success.
pub async fn tokens_for(app: &TestApp, rp: &Rp, who: &SignedIn, scope: &str) -> Reply {
    let (verifier, challenge) = pkce();
    let code = insert_code(app, who, &rp.id, scope, Some(&challenge)).await;
    let res = redeem(app, rp, &code, Some(&verifier)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res
}

/// Refresh as `rp`.
pub async fn refresh(app: &TestApp, rp: &Rp, rt: &str, scope: Option<&str>) -> Reply {
    let mut form = vec![("grant_type", "refresh_token"), ("refresh_token", rt)];
    if let Some(s) = scope {
        form.push(("scope", s));
    }
    post_as(app, rp, "/token", &form).await
}

/// GET /userinfo with a bearer token.
pub async fn userinfo(app: &TestApp, token: &str) -> Reply {
    let res = reqwest::Client::new()
        .get(format!("{}/userinfo", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    finish(res).await
}

/// Introspect `token` as `rp`; returns the JSON.
pub async fn introspect(app: &TestApp, rp: &Rp, token: &str) -> Value {
    let res = post_as(app, rp, "/introspect", &[("token", token)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json
}

/// The claims of a JWT, unverified (the tests check what we sent).
pub fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// The header of a JWT.
pub fn header(jwt: &str) -> Value {
    let h = jwt.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).unwrap()).unwrap()
}
