//! Dynamic client registration (RFC 7591) and its management protocol
//! (RFC 7592), SR-141: off by default (404, not in discovery); in mode
//! `token` an initial access token issued by an administrator is required
//! (missing, wrong, expired, revoked or used-up tokens are refused and
//! nothing is stored); the client gets a server-generated id, a secret
//! stored hashed and a registration access token (hashed) bound to it; it
//! always asks for consent; its metadata is validated by the same rules as
//! `ostiary client create` (SR-02) with the errors of RFC 7591 §3.2.2; it
//! reads, replaces and deletes its registration with its own token only;
//! mode `open` needs no token and is rate-limited per address; tokens of
//! an organization place their clients in it, and an organization
//! administrator issues tokens for its own organization only; the CLI
//! issues, lists and revokes tokens.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::audit::Actor;
use ostiary::config::RegistrationMode;
use ostiary::crypto::token::sha256_hex;
use ostiary::domain::{ClientId, OrganizationId, Role};
use ostiary::oidc::registration::tokens::{self, NewToken};

use crate::cli::{ostiary, succeeds, text};
use crate::helpers::{
    Backend, Browser, PASSWORD, REDIRECT, RegisteredClient, TestApp, TestDatabase,
};
use crate::oauth_support::{get, new_pkce, redeem, redirected, signed_in};

crate::on_all_backends!(
    registration_is_off_by_default,
    token_mode_refuses_missing_wrong_expired_revoked_and_used_up_tokens,
    a_registered_client_signs_in_with_consent_and_manages_itself,
    registration_access_tokens_are_bound_to_their_live_client,
    invalid_metadata_is_refused_and_nothing_is_stored,
    open_mode_needs_no_token_and_is_rate_limited,
    organization_tokens_place_clients_and_stay_in_reach,
    registration_tokens_from_the_cli,
);

/// A JSON answer.
struct Answer {
    status: StatusCode,
    json: Value,
    text: String,
    cache_control: String,
}

impl Answer {
    fn error(&self) -> &str {
        self.json["error"].as_str().unwrap_or_default()
    }
}

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let url = if path.starts_with("http") {
        path.to_owned()
    } else {
        format!("{}{path}", app.base)
    };
    let mut req = reqwest::Client::new().request(method.parse().unwrap(), url);
    if let Some(token) = bearer {
        req = req.header("authorization", format!("Bearer {token}"));
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let cache_control = res
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let text = res.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer {
        status,
        json,
        text,
        cache_control,
    }
}

async fn register(app: &TestApp, token: Option<&str>, metadata: Value) -> Answer {
    call(app, "POST", "/register", token, Some(metadata)).await
}

fn expect(answer: &Answer, status: StatusCode) -> &Value {
    assert_eq!(answer.status, status, "{}", answer.text);
    &answer.json
}

/// The metadata of a usual web application.
fn web_app(name: &str) -> Value {
    json!({
        "client_name": name,
        "redirect_uris": [REDIRECT],
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic",
        "scope": "openid email profile offline_access",
        "contacts": ["ops@rp.example"],
        "client_uri": "https://rp.example",
    })
}

async fn spawn(backend: Backend, mode: RegistrationMode) -> TestApp {
    TestApp::spawn_with(backend, |c| c.registration.mode = mode).await
}

/// An initial access token issued through the service.
async fn issue(app: &TestApp, new: NewToken) -> (String, String) {
    let issued = tokens::create(&app.state, &Actor::system("test"), None, new)
        .await
        .unwrap()
        .unwrap();
    (issued.token, issued.view.id)
}

async fn client_count(app: &TestApp) -> usize {
    app.db_run(|conn| {
        ostiary::store::clients::page_in_reach(conn, None, true, None, None, 1000)
            .map(|rows| rows.len())
    })
    .await
}

async fn stored_client(app: &TestApp, id: &str) -> Option<ostiary::store::clients::Client> {
    let id = ClientId::from(id.to_owned());
    app.db_run(move |conn| ostiary::store::clients::find(conn, &id))
        .await
}

async fn discovery(app: &TestApp) -> Value {
    let res = call(app, "GET", "/.well-known/openid-configuration", None, None).await;
    expect(&res, StatusCode::OK).clone()
}

async fn registration_is_off_by_default(backend: Backend) {
    // SR-141 / S3: enabled by configuration only.
    let app = TestApp::spawn(backend).await;
    assert!(discovery(&app).await.get("registration_endpoint").is_none());
    let (token, _) = issue(&app, NewToken::default()).await;
    let res = register(&app, Some(&token), web_app("Off")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    for method in ["GET", "PUT", "DELETE"] {
        let res = call(
            &app,
            method,
            "/register/anything",
            Some(&token),
            Some(json!({})),
        )
        .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{method}: {}", res.text);
    }
    assert_eq!(client_count(&app).await, 0);
}

async fn token_mode_refuses_missing_wrong_expired_revoked_and_used_up_tokens(backend: Backend) {
    // SR-141: an initial access token is required (RFC 7591 §3; errors
    // of RFC 6750 §3.1).
    let app = spawn(backend, RegistrationMode::Token).await;
    assert_eq!(
        discovery(&app).await["registration_endpoint"],
        format!("{}/register", app.state.config.public_base())
    );
    let refused = |res: &Answer| {
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
        assert_eq!(res.error(), "invalid_token", "{}", res.text);
    };
    refused(&register(&app, None, web_app("No token")).await);
    refused(&register(&app, Some("not-a-token"), web_app("Wrong")).await);

    let (expiring, _) = issue(
        &app,
        NewToken {
            expires_in: Some(Duration::seconds(60)),
            ..NewToken::default()
        },
    )
    .await;
    let (revoked, revoked_id) = issue(&app, NewToken::default()).await;
    let (once, _) = issue(
        &app,
        NewToken {
            max_uses: Some(1),
            ..NewToken::default()
        },
    )
    .await;
    tokens::revoke(&app.state, &Actor::system("test"), None, revoked_id)
        .await
        .unwrap()
        .unwrap();
    refused(&register(&app, Some(&revoked), web_app("Revoked")).await);
    // Used up after one registration.
    expect(
        &register(&app, Some(&once), web_app("First")).await,
        StatusCode::CREATED,
    );
    refused(&register(&app, Some(&once), web_app("Second")).await);
    // Good until it expires.
    expect(
        &register(&app, Some(&expiring), web_app("In time")).await,
        StatusCode::CREATED,
    );
    app.clock.advance(Duration::seconds(61));
    refused(&register(&app, Some(&expiring), web_app("Too late")).await);
    assert_eq!(client_count(&app).await, 2);
    app.assert_audited(&["registration_token.created", "registration_token.revoked"])
        .await;
}

/// Register a web application with a fresh token; the answer.
async fn registered(app: &TestApp, name: &str) -> Value {
    let (token, _) = issue(app, NewToken::default()).await;
    let res = register(app, Some(&token), web_app(name)).await;
    expect(&res, StatusCode::CREATED).clone()
}

async fn a_registered_client_signs_in_with_consent_and_manages_itself(backend: Backend) {
    // SR-141, RFC 7591 §3.2.1, RFC 7592 §2.
    let app = spawn(backend, RegistrationMode::Token).await;
    let (token, token_id) = issue(&app, NewToken::default()).await;
    let res = register(&app, Some(&token), web_app("Third party")).await;
    assert_eq!(res.cache_control, "no-store");
    let reg = expect(&res, StatusCode::CREATED).clone();
    let id = reg["client_id"].as_str().unwrap().to_owned();
    let secret = reg["client_secret"].as_str().unwrap().to_owned();
    let rat = reg["registration_access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    // Server-generated id (a UUID), the metadata echoed, never-expiring secret.
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    assert_eq!(reg["client_secret_expires_at"], 0);
    assert!(reg["client_id_issued_at"].as_i64().unwrap() > 0);
    assert_eq!(reg["client_name"], "Third party");
    assert_eq!(reg["redirect_uris"], json!([REDIRECT]));
    assert_eq!(reg["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(reg["response_types"], json!(["code"]));
    assert_eq!(reg["scope"], "openid email profile offline_access");
    assert_eq!(
        reg["registration_client_uri"],
        format!("{}/register/{id}", app.state.config.public_base())
    );
    assert!(rat.len() >= 43, "{rat}");
    // At rest: the secret as a keyed hash, the RAT as its SHA-256.
    let client = stored_client(&app, &id).await.unwrap();
    assert!(client.dynamically_registered);
    assert_eq!(client.consent, "required");
    let hash = client.secret_hash.clone().unwrap();
    assert!(!hash.contains(&secret));
    let rat_hash = sha256_hex(rat.as_bytes());
    let cid = ClientId::from(id.clone());
    let found = app
        .db_run(move |conn| ostiary::store::registrations::client_of(conn, &rat_hash))
        .await;
    assert_eq!(found, Some(cid));
    let registered_rows = app.audit_rows("client.registered").await;
    assert_eq!(registered_rows.len(), 1);
    assert_eq!(registered_rows[0].actor_type, "client");
    assert_eq!(
        registered_rows[0].actor_id.as_deref(),
        Some(format!("registration_token:{token_id}").as_str())
    );

    // A code flow: the consent page is shown (never skipped).
    let mut b: Browser = signed_in(&app).await;
    let (verifier, challenge) = new_pkce();
    let start = crate::oauth_support::url(
        &id,
        &[("code_challenge", &challenge), ("scope", "openid email")],
    );
    let consent = b.get(&start).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    assert!(consent.body.contains("Third party"), "{}", consent.body);
    let mut fields = vec![("decision".to_owned(), "allow".to_owned())];
    fields.extend(crate::oauth_support::params(&start));
    let allowed = b
        .post_from(
            &consent,
            "/authorize/consent",
            &crate::oauth_support::pairs(&fields),
        )
        .await;
    let p = redirected(&app, &allowed);
    let code = get(&p, "code").unwrap().to_owned();
    let rp = RegisteredClient {
        id: id.clone(),
        secret: Some(secret.clone()),
    };
    let tokens = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert!(tokens.json["id_token"].is_string());

    // RFC 7592: read, replace (validated again), delete.
    let uri = format!("/register/{id}");
    let read = call(&app, "GET", &uri, Some(&rat), None).await;
    let read = expect(&read, StatusCode::OK).clone();
    assert_eq!(read["client_name"], "Third party");
    assert!(read.get("client_secret").is_none());
    let mut changed = web_app("Renamed");
    changed["client_id"] = json!(id);
    changed["redirect_uris"] = json!([REDIRECT, "https://rp.example/cb2"]);
    let put = call(&app, "PUT", &uri, Some(&rat), Some(changed.clone())).await;
    let put = expect(&put, StatusCode::OK).clone();
    assert_eq!(put["client_name"], "Renamed");
    assert_eq!(put["redirect_uris"][1], "https://rp.example/cb2");
    assert_eq!(stored_client(&app, &id).await.unwrap().name, "Renamed");
    // An invalid replacement changes nothing.
    let mut bad = changed.clone();
    bad["redirect_uris"] = json!(["http://rp.example/cb"]);
    let res = call(&app, "PUT", &uri, Some(&rat), Some(bad)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);
    assert_eq!(res.error(), "invalid_redirect_uri");
    let mut other_id = changed.clone();
    other_id["client_id"] = json!("someone-else");
    let res = call(&app, "PUT", &uri, Some(&rat), Some(other_id)).await;
    assert_eq!(res.error(), "invalid_client_metadata", "{}", res.text);
    let mut go_public = changed.clone();
    go_public["token_endpoint_auth_method"] = json!("none");
    let res = call(&app, "PUT", &uri, Some(&rat), Some(go_public)).await;
    assert_eq!(res.error(), "invalid_client_metadata", "{}", res.text);
    let stored = stored_client(&app, &id).await.unwrap();
    assert_eq!(stored.redirect_uris().len(), 2);
    assert!(!stored.public);

    let gone = call(&app, "DELETE", &uri, Some(&rat), None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert!(stored_client(&app, &id).await.is_none());
    // The deleted client's token does nothing more; the client works nowhere.
    for method in ["GET", "PUT", "DELETE"] {
        let res = call(&app, method, &uri, Some(&rat), Some(changed.clone())).await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{method}: {}",
            res.text
        );
    }
    let access = tokens.json["access_token"].as_str().unwrap();
    let introspected =
        crate::oauth_support::post_as(&app, &rp, "/introspect", &[("token", access)]).await;
    assert_eq!(
        introspected.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        introspected.json
    );
    app.assert_audited(&[
        "client.created",
        "client.registered",
        "consent.granted",
        "client.updated",
        "client.deleted",
    ])
    .await;
}

async fn registration_access_tokens_are_bound_to_their_live_client(backend: Backend) {
    // RFC 7592 §2: another client's token, a wrong one, none: 401.
    let app = spawn(backend, RegistrationMode::Token).await;
    let first = registered(&app, "First").await;
    let second = registered(&app, "Second").await;
    let first_uri = first["registration_client_uri"]
        .as_str()
        .unwrap()
        .strip_prefix(app.state.config.public_base())
        .unwrap();
    let second_rat = second["registration_access_token"].as_str().unwrap();
    for token in [Some(second_rat), Some("forged"), None] {
        for method in ["GET", "PUT", "DELETE"] {
            let res = call(&app, method, first_uri, token, Some(web_app("Hijacked"))).await;
            assert_eq!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "{method}: {}",
                res.text
            );
            assert_eq!(res.error(), "invalid_token");
        }
    }
    let id = first["client_id"].as_str().unwrap();
    assert_eq!(stored_client(&app, id).await.unwrap().name, "First");
    // Its own works.
    let own = first["registration_access_token"].as_str().unwrap();
    expect(
        &call(&app, "GET", first_uri, Some(own), None).await,
        StatusCode::OK,
    );
}

async fn invalid_metadata_is_refused_and_nothing_is_stored(backend: Backend) {
    // SR-02 through the same validation as `client create`; RFC 7591
    // §3.2.2 error codes; SR-114 for the back-channel logout URI.
    let app = spawn(backend, RegistrationMode::Token).await;
    let (token, token_id) = issue(
        &app,
        NewToken {
            max_uses: Some(1),
            ..NewToken::default()
        },
    )
    .await;
    let with = |key: &str, value: Value| {
        let mut m = web_app("Bad");
        m[key] = value;
        m
    };
    let cases = [
        (
            with("redirect_uris", json!(["http://rp.example/cb"])),
            "invalid_redirect_uri",
        ),
        (
            with("redirect_uris", json!(["https://rp.example/cb#frag"])),
            "invalid_redirect_uri",
        ),
        (
            with("redirect_uris", json!(["javascript:alert(1)"])),
            "invalid_redirect_uri",
        ),
        (with("redirect_uris", json!([])), "invalid_redirect_uri"),
        (
            with("token_endpoint_auth_method", json!("client_secret_jwt")),
            "invalid_client_metadata",
        ),
        // SR-114: fetched by us, so never a private address.
        (
            with("jwks_uri", json!("https://10.0.0.1/jwks")),
            "invalid_client_metadata",
        ),
        (
            with("jwks_uri", json!("http://rp.example/jwks")),
            "invalid_client_metadata",
        ),
        // RFC 9101: unsigned request objects are never accepted.
        (
            with("request_object_signing_alg", json!("none")),
            "invalid_client_metadata",
        ),
        (
            with("require_signed_request_object", json!(true)),
            "invalid_client_metadata",
        ),
        (
            with("grant_types", json!(["client_credentials"])),
            "invalid_client_metadata",
        ),
        (
            with("scope", json!("openid admin")),
            "invalid_client_metadata",
        ),
        (
            with("response_types", json!(["token"])),
            "invalid_client_metadata",
        ),
        (
            with("logo_uri", json!("http://rp.example/logo.png")),
            "invalid_client_metadata",
        ),
        (
            with("backchannel_logout_uri", json!("https://127.0.0.1/logout")),
            "invalid_client_metadata",
        ),
        (
            with("redirect_uris", json!("https://rp.example/cb")),
            "invalid_client_metadata",
        ),
        (
            with("software_statement", json!("eyJ...")),
            "invalid_software_statement",
        ),
        (json!("not an object"), "invalid_client_metadata"),
    ];
    for (metadata, error) in cases {
        let res = register(&app, Some(&token), metadata.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{metadata}: {}",
            res.text
        );
        assert_eq!(res.error(), error, "{metadata}: {}", res.text);
    }
    assert_eq!(client_count(&app).await, 0);
    // The token was not used by the refused requests.
    let listed = tokens::list(&app.state, None).await.unwrap();
    let row = listed.iter().find(|t| t.id == token_id).unwrap();
    assert_eq!(row.use_count, 0);
    // Loopback http and a public client with PKCE are fine (RFC 8252).
    let mut native = web_app("Native");
    native["redirect_uris"] = json!(["http://127.0.0.1:8123/cb"]);
    native["token_endpoint_auth_method"] = json!("none");
    let res = register(&app, Some(&token), native).await;
    let reg = expect(&res, StatusCode::CREATED);
    assert!(reg.get("client_secret").is_none());
    let client = stored_client(&app, reg["client_id"].as_str().unwrap())
        .await
        .unwrap();
    assert!(client.public && client.require_pkce);
}

async fn open_mode_needs_no_token_and_is_rate_limited(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.registration.mode = RegistrationMode::Open;
        c.registration.rate_limit = 3;
    })
    .await;
    let res = register(&app, None, web_app("Open 1")).await;
    expect(&res, StatusCode::CREATED);
    // A token that is presented must be valid, even in open mode.
    let res = register(&app, Some("forged"), web_app("Open 2")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
    expect(
        &register(&app, None, web_app("Open 3")).await,
        StatusCode::CREATED,
    );
    // The fourth attempt from this address in the window is refused.
    let res = register(&app, None, web_app("Open 4")).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.text);
    assert_eq!(client_count(&app).await, 2);
    let rows = app.audit_rows("client.registered").await;
    assert_eq!(rows[0].actor_type, "anonymous");
    // A new window lets it register again.
    app.clock.advance(Duration::seconds(3601));
    expect(
        &register(&app, None, web_app("Open 5")).await,
        StatusCode::CREATED,
    );
}

/// An API key with `scopes`, of `org` when given.
async fn key(app: &TestApp, scopes: &[&str], org: Option<&str>) -> String {
    let spec = KeySpec {
        name: "test key".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organization: org.map(str::to_owned),
        ..KeySpec::default()
    };
    api_keys::create(&app.state, &Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

async fn org_id(app: &TestApp, name: &str) -> String {
    let owned = name.to_owned();
    let email = format!("m@{}.test", name.replace(' ', "-").to_lowercase());
    app.create_user_with(&email, PASSWORD, |s| {
        s.organization = Some((owned, Role::Member));
    })
    .await;
    let owned = name.to_owned();
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, &owned))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn organization_tokens_place_clients_and_stay_in_reach(backend: Backend) {
    // SR-100 / SR-141: the same reach as creating clients.
    let app = spawn(backend, RegistrationMode::Token).await;
    let (org_a, org_b) = (org_id(&app, "Org A").await, org_id(&app, "Org B").await);
    let global = key(&app, &["clients:write", "clients:read"], None).await;
    let a_key = key(&app, &["clients:write", "clients:read"], Some("Org A")).await;
    let read_only = key(&app, &["clients:read"], Some("Org A")).await;
    let api = |method: &'static str, path: &'static str| (method, format!("/api/v1{path}"));

    // Org A's administrator cannot issue for Org B (422), nor may a
    // reader issue at all (403).
    let (m, p) = api("POST", "/registration-tokens");
    let res = call(
        &app,
        m,
        &p,
        Some(&a_key),
        Some(json!({ "organization_id": org_b })),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    let res = call(&app, m, &p, Some(&read_only), Some(json!({}))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    let res = call(&app, m, &p, Some(&a_key), Some(json!({ "max_uses": 0 }))).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.text);
    // Regression (found by schemathesis): a lifetime no duration holds
    // panicked the worker; it is refused like any other out of range.
    for huge in [i64::MAX, 9_223_372_036_854_776, i64::MIN] {
        let res = call(
            &app,
            m,
            &p,
            Some(&a_key),
            Some(json!({ "expires_in": huge })),
        )
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{huge}: {}", res.text);
        assert!(res.text.contains("expires_in"), "{}", res.text);
    }

    // Without naming one, Org A's token (shown once).
    let res = call(
        &app,
        m,
        &p,
        Some(&a_key),
        Some(json!({ "max_uses": 2, "expires_in": 3600 })),
    )
    .await;
    assert_eq!(res.cache_control, "no-store");
    let issued = expect(&res, StatusCode::CREATED).clone();
    assert_eq!(issued["organization_id"], org_a.as_str());
    assert_eq!(issued["max_uses"], 2);
    let a_token = issued["token"].as_str().unwrap().to_owned();
    let a_token_id = issued["id"].as_str().unwrap().to_owned();
    let res = call(
        &app,
        m,
        &p,
        Some(&global),
        Some(json!({ "organization_id": org_b })),
    )
    .await;
    let b_token_id = expect(&res, StatusCode::CREATED)["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // The client lands in Org A, where Org A's administrators see it.
    let reg = register(&app, Some(&a_token), web_app("Org app")).await;
    let id = expect(&reg, StatusCode::CREATED)["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let client = stored_client(&app, &id).await.unwrap();
    assert_eq!(
        client.organization_id,
        Some(OrganizationId::from(org_a.clone()))
    );
    let shown = call(
        &app,
        "GET",
        &format!("/api/v1/clients/{id}"),
        Some(&a_key),
        None,
    )
    .await;
    assert_eq!(
        expect(&shown, StatusCode::OK)["dynamically_registered"],
        true
    );

    // Lists: Org A sees its token only (never the token itself); global sees both.
    let (m, p) = api("GET", "/registration-tokens");
    let mine = call(&app, m, &p, Some(&a_key), None).await;
    let items = expect(&mine, StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], a_token_id.as_str());
    assert_eq!(items[0]["use_count"], 1);
    assert!(items[0].get("token").is_none());
    assert!(!mine.text.contains(&a_token));
    let all = call(&app, m, &p, Some(&global), None).await;
    assert_eq!(
        expect(&all, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Org A cannot revoke Org B's token; its own, yes, and it stops working.
    let res = call(
        &app,
        "DELETE",
        &format!("/api/v1/registration-tokens/{b_token_id}"),
        Some(&a_key),
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.text);
    let res = call(
        &app,
        "DELETE",
        &format!("/api/v1/registration-tokens/{a_token_id}"),
        Some(&a_key),
        None,
    )
    .await;
    assert_eq!(expect(&res, StatusCode::OK)["active"], false);
    let res = register(&app, Some(&a_token), web_app("Too late")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.text);
    let revoked = app.audit_rows("registration_token.revoked").await;
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].organization_id.as_deref(), Some(org_a.as_str()));
}

async fn registration_tokens_from_the_cli(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "ops@acme.test",
            "--org",
            "Acme",
            "--password-stdin",
        ],
        &env,
        Some("a long enough password 1\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let created = succeeds(
        dir.path(),
        &[
            "client",
            "registration-token",
            "create",
            "--expires-in",
            "1h",
            "--max-uses",
            "5",
            "--organization",
            "Acme",
        ],
        &env,
    );
    let token = created["token"].as_str().unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(token.len() >= 43);
    assert!(created["organization_id"].is_string());
    assert_eq!(created["max_uses"], 5);
    assert!(created["expires_at"].is_string());
    let listed = succeeds(dir.path(), &["client", "registration-token", "list"], &env);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["active"], true);
    assert!(!listed.to_string().contains(token));
    let revoked = succeeds(
        dir.path(),
        &["client", "registration-token", "revoke", &id],
        &env,
    );
    assert_eq!(revoked["active"], false);
    assert!(revoked["revoked_at"].is_string());
    // An unknown organization or a bad duration is refused.
    let out = ostiary(
        dir.path(),
        &[
            "client",
            "registration-token",
            "create",
            "--organization",
            "Nope",
        ],
        &env,
        None,
    );
    assert!(!out.status.success());
    let out = ostiary(
        dir.path(),
        &[
            "client",
            "registration-token",
            "create",
            "--expires-in",
            "soon",
        ],
        &env,
        None,
    );
    assert!(!out.status.success());
    // Regression: a number of seconds no duration holds is refused, not a panic.
    let out = ostiary(
        dir.path(),
        &[
            "client",
            "registration-token",
            "create",
            "--expires-in",
            "9223372036854776s",
        ],
        &env,
        None,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("--expires-in") && !err.contains("panicked"),
        "{err}"
    );
    let listed = succeeds(dir.path(), &["client", "registration-token", "list"], &env);
    assert_eq!(listed.as_array().unwrap().len(), 1);
}
