//! OAuth/OIDC steps shared by the authorization, token, logout and resource
//! tests: authorize URLs and the redirects they lead to, PKCE pairs, signed-in
//! users, stored codes and grants, ID tokens for hints, JWTs read without
//! verifying, and the client's form posts to the JSON endpoints. Clients
//! are registered with `TestApp::client` (helpers).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Duration;
use diesel::prelude::*;
use ostiary::crypto::token::{random_token, sha256_hex};
use ostiary::domain::{ClientId, UserId};
use ostiary::store::codes::AuthorizationCode;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::helpers::{Backend, Browser, PASSWORD, Page, REDIRECT, RegisteredClient, TestApp};

/// The user [`signed_in`] makes.
pub const EMAIL: &str = "user@example.com";

// ---------- Authorization requests ----------

/// The (verifier, S256 challenge) pair [`url`] puts in every request.
pub fn pkce() -> (String, String) {
    pkce_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_owned())
}

/// A fresh random (verifier, S256 challenge) pair.
pub fn new_pkce() -> (String, String) {
    pkce_for(random_token())
}

fn pkce_for(verifier: String) -> (String, String) {
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
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
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

/// Borrowed pairs of owned ones, as `Browser::post_form` takes them.
pub fn pairs(owned: &[(String, String)]) -> Vec<(&str, &str)> {
    owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Follow an authorization request that goes straight back to the client
/// (a consent-skip client, a signed-in browser) and return the stored code.
pub async fn authorized(
    app: &TestApp,
    b: &mut Browser,
    client_id: &str,
    extra: &[(&str, &str)],
) -> AuthorizationCode {
    let p = redirected(app, &b.get(&url(client_id, extra)).await);
    code_row(app, get(&p, "code").unwrap()).await
}

// ---------- Signed-in users ----------

/// The grants of the usual web client.
pub const CODE_AND_REFRESH: &[&str] = &["authorization_code", "refresh_token"];

/// The usual web client `id`: confidential, with the code and refresh
/// grants.
pub async fn web_client(app: &TestApp, id: &str) -> RegisteredClient {
    app.client(id).grants(CODE_AND_REFRESH).register().await
}

/// A fresh app with the web client `rp1` and ada@example.com signed in.
pub async fn app_with_rp(backend: Backend) -> (TestApp, RegisteredClient, SignedIn) {
    let app = TestApp::spawn(backend).await;
    let rp = web_client(&app, "rp1").await;
    let who = sign_in(&app, "ada@example.com").await;
    (app, rp, who)
}

/// A user signed in through the login form.
pub struct SignedIn {
    pub user_id: String,
    pub session_id: String,
    pub browser: Browser,
}

/// Create `email` and sign in.
pub async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    app.create_user(email, PASSWORD).await;
    sign_in_existing(app, email).await
}

/// Another sign-in (a new browser and session) of an existing user.
pub async fn sign_in_existing(app: &TestApp, email: &str) -> SignedIn {
    let (browser, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let session = app.session_of(&browser).await;
    SignedIn {
        user_id: session.user_id.into_string(),
        session_id: session.id.into_string(),
        browser,
    }
}

/// [`EMAIL`] signed in; just the browser.
pub async fn signed_in(app: &TestApp) -> Browser {
    sign_in(app, EMAIL).await.browser
}

/// Follow the login redirect as [`EMAIL`]: fill the form (a GET of the
/// login URL) and return the response to the POST.
pub async fn login_via(b: &mut Browser, login_location: &str) -> Page {
    assert!(login_location.starts_with("/login?"), "{login_location}");
    let form = b.get(login_location).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let return_to = form.field("return_to");
    b.post_from(
        &form,
        "/login",
        &[
            ("email", EMAIL),
            ("password", PASSWORD),
            ("return_to", &return_to),
        ],
    )
    .await
}

// ---------- Stored codes and grants ----------

/// The stored code row for a code.
pub async fn code_row(app: &TestApp, code: &str) -> AuthorizationCode {
    use ostiary::db::schema::authorization_codes::dsl::*;
    let hash = sha256_hex(code.as_bytes());
    app.db_run(move |conn| {
        Ok(authorization_codes
            .filter(code_hash.eq(hash))
            .select(AuthorizationCode::as_select())
            .first(conn)?)
    })
    .await
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
        user_id: who.user_id.as_str().into(),
        session_id: who.session_id.as_str().into(),
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
        dpop_jkt: None,
    };
    app.db_run(move |conn| ostiary::store::codes::insert(conn, &row))
        .await;
    code
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
        dpop_jkt: None,
    };
    app.db_run(move |conn| ostiary::store::grants::insert(conn, &grant))
        .await;
    id
}

pub async fn grant_revoked(app: &TestApp, id: &str) -> bool {
    let id = id.to_owned();
    app.db_run(move |conn| ostiary::store::grants::find(conn, &id))
        .await
        .unwrap()
        .revoked_at
        .is_some()
}

// ---------- JWTs ----------

/// An ID token for `user_id` issued to `client_id` (for `id_token_hint`).
pub async fn id_token(app: &TestApp, client_id: &str, user_id: &str, sid: Option<&str>) -> String {
    let (cid, uid) = (ClientId::from(client_id), UserId::from(user_id));
    let (client, user) = app
        .db_run(move |conn| {
            Ok((
                ostiary::store::clients::find(conn, &cid)?.unwrap(),
                ostiary::store::users::find(conn, &uid)?.unwrap(),
            ))
        })
        .await;
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

/// The header of a JWT, unverified.
pub fn header(jwt: &str) -> Value {
    jwt_part(jwt, 0)
}

/// The claims of a JWT, unverified (the tests check what we sent).
pub fn claims(jwt: &str) -> Value {
    jwt_part(jwt, 1)
}

/// A JWT's header and claims, unverified.
pub fn decode(jwt: &str) -> (Value, Value) {
    (header(jwt), claims(jwt))
}

/// The key `kid` of a JWKS document, as JSON text.
pub fn jwk_text(jwks: &Value, kid: &str) -> String {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .unwrap()
        .to_string()
}

fn jwt_part(jwt: &str, n: usize) -> Value {
    let part = jwt.split('.').nth(n).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

// ---------- The client's requests ----------

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

/// A client_credentials token request for `api.read`, with HTTP Basic.
pub async fn client_credentials(app: &TestApp, id: &str, secret: &str) -> Reply {
    post(
        app,
        "/token",
        &[("grant_type", "client_credentials"), ("scope", "api.read")],
        Some((id, secret)),
    )
    .await
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
pub async fn post_as(
    app: &TestApp,
    rp: &RegisteredClient,
    path: &str,
    form: &[(&str, &str)],
) -> Reply {
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
pub async fn redeem(
    app: &TestApp,
    rp: &RegisteredClient,
    code: &str,
    verifier: Option<&str>,
) -> Reply {
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
pub async fn tokens_for(
    app: &TestApp,
    rp: &RegisteredClient,
    who: &SignedIn,
    scope: &str,
) -> Reply {
    let (verifier, challenge) = new_pkce();
    let code = insert_code(app, who, &rp.id, scope, Some(&challenge)).await;
    let res = redeem(app, rp, &code, Some(&verifier)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res
}

/// Refresh as `rp`.
pub async fn refresh(app: &TestApp, rp: &RegisteredClient, rt: &str, scope: Option<&str>) -> Reply {
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
pub async fn introspect(app: &TestApp, rp: &RegisteredClient, token: &str) -> Value {
    let res = post_as(app, rp, "/introspect", &[("token", token)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    res.json
}
