//! OIDC clients through the admin API and the CLI (S8, issue 13 item 1),
//! black-box over HTTP: create (the secret shown once, SR-102), list,
//! show, update with the same validation as creation, secret rotation
//! (the old secret stops at once), soft delete (the client stops working
//! at /authorize and /token, its grants end) and restore; organization
//! reach (another organization's client is not found: SR-100), missing
//! scopes (403) and the audit trail with before/after and no secrets.

use crate::console_support::with_second_factor;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::domain::Role;

use crate::cli::{ostiary, succeeds, text};
use crate::helpers::{Backend, PASSWORD, TestApp, TestDatabase};
use crate::oauth_support::{client_credentials as token, url};

crate::on_all_backends!(
    clients_are_created_listed_and_shown,
    organization_callers_reach_only_their_clients,
    rotated_secrets_replace_the_old_one_at_once,
    deleted_clients_stop_working_until_restored,
    updates_are_validated_like_creation,
    clients_from_the_cli,
);

/// An API key with `scopes`, of `org` when given.
async fn key(app: &TestApp, scopes: &[&str], org: Option<&str>) -> String {
    let spec = KeySpec {
        name: "test key".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organization: org.map(str::to_owned),
        ..KeySpec::default()
    };
    api_keys::create(&app.state, &ostiary::audit::Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

/// An answer: status, body as JSON (null when empty) and the raw text.
struct Answer {
    status: StatusCode,
    json: Value,
    text: String,
}

async fn call(app: &TestApp, method: &str, path: &str, key: &str, body: Option<Value>) -> Answer {
    let mut req = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}/api/v1{path}", app.base),
        )
        .header("authorization", format!("Bearer {key}"));
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, json, text }
}

fn expect(answer: &Answer, status: StatusCode) -> &Value {
    assert_eq!(answer.status, status, "{}", answer.text);
    &answer.json
}

/// The field a 400 problem names.
fn field(answer: &Answer) -> &str {
    named(answer, StatusCode::BAD_REQUEST)
}

/// The field a problem of `status` names: 400 for a value refused alone,
/// 422 for settings that contradict each other or an organization out of
/// reach.
fn named(answer: &Answer, status: StatusCode) -> &str {
    assert_eq!(answer.status, status, "{}", answer.text);
    answer.json["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
}

/// Organizations made with a member each; their ids.
async fn orgs(app: &TestApp, names: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for name in names {
        let owned = (*name).to_owned();
        let email = format!("m@{}.test", name.replace(' ', "-").to_lowercase());
        app.create_user_with(&email, PASSWORD, |s| {
            s.organization = Some((owned, Role::Member));
        })
        .await;
        let owned = (*name).to_owned();
        let org = app
            .db_run(move |conn| ostiary::store::orgs::find_by_name(conn, &owned))
            .await
            .unwrap();
        ids.push(org.id.to_string());
    }
    ids
}

fn web(id: &str) -> Value {
    json!({
        "name": format!("App {id}"),
        "client_id": id,
        "redirect_uris": ["https://rp.example/cb"],
    })
}

fn service(id: &str) -> Value {
    json!({
        "name": format!("Service {id}"),
        "client_id": id,
        "grant_types": ["client_credentials"],
        "scopes": ["api.read"],
    })
}

/// The details of the audit rows of `action`, as one JSON text.
async fn audit_text(app: &TestApp, action: &str) -> String {
    let rows = app.audit_rows(action).await;
    assert!(!rows.is_empty(), "no {action}");
    format!("{rows:?}")
}

async fn clients_are_created_listed_and_shown(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = key(&app, &["clients:write"], None).await;
    let reader = key(&app, &["clients:read"], None).await;
    let other = key(&app, &["users:write"], None).await;

    // SR-100: each operation needs its scope.
    assert_eq!(
        call(&app, "GET", "/clients", &other, None).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = call(&app, "POST", "/clients", &reader, Some(web("wiki"))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
    assert!(
        refused.json["detail"]
            .as_str()
            .unwrap()
            .contains("clients:write")
    );

    // Created: 201 with the secret this once (SR-102).
    let created = call(&app, "POST", "/clients", &writer, Some(web("wiki"))).await;
    let body = expect(&created, StatusCode::CREATED).clone();
    assert_eq!(body["client_id"], "wiki");
    assert_eq!(body["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(
        body["grant_types"],
        json!(["authorization_code", "refresh_token"])
    );
    assert!(body["organization_id"].is_null());
    let secret = body["client_secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 43);
    // A public client gets none.
    let spa = call(
        &app,
        "POST",
        "/clients",
        &writer,
        Some(json!({"name": "SPA", "public": true, "redirect_uris": ["http://127.0.0.1:3000/cb"]})),
    )
    .await;
    let spa = expect(&spa, StatusCode::CREATED).clone();
    assert!(spa["client_secret"].is_null());
    assert_eq!(spa["token_endpoint_auth_method"], "none");
    // PKCE: always for a public client; a confidential one asks for it
    // (SR-13) and can lift it again.
    assert_eq!(spa["require_pkce"], true);
    assert_eq!(body["require_pkce"], false);
    let mut strict = web("strict");
    strict["require_pkce"] = json!(true);
    let strict = call(&app, "POST", "/clients", &writer, Some(strict)).await;
    assert_eq!(expect(&strict, StatusCode::CREATED)["require_pkce"], true);
    let lifted = call(
        &app,
        "PATCH",
        "/clients/strict",
        &writer,
        Some(json!({"require_pkce": false})),
    )
    .await;
    assert_eq!(expect(&lifted, StatusCode::OK)["require_pkce"], false);
    let kept = call(
        &app,
        "PATCH",
        "/clients/strict",
        &writer,
        Some(json!({"name": "Strict"})),
    )
    .await;
    assert_eq!(expect(&kept, StatusCode::OK)["require_pkce"], false);
    assert!(
        audit_text(&app, "client.updated")
            .await
            .contains("require_pkce")
    );
    // The same id again: 409.
    assert_eq!(
        call(&app, "POST", "/clients", &writer, Some(web("wiki")))
            .await
            .status,
        StatusCode::CONFLICT
    );

    // Shown and listed: never the secret nor its hash.
    let hash = app
        .db_run(|conn| ostiary::store::clients::find(conn, &"wiki".into()))
        .await
        .unwrap()
        .secret_hash
        .unwrap();
    let shown = call(&app, "GET", "/clients/wiki", &reader, None).await;
    let view = expect(&shown, StatusCode::OK);
    assert_eq!(view["name"], "App wiki");
    assert_eq!(view["redirect_uris"], json!(["https://rp.example/cb"]));
    for answer in [&shown, &call(&app, "GET", "/clients", &reader, None).await] {
        assert!(!answer.text.contains(&secret) && !answer.text.contains(&hash));
        assert!(!answer.text.contains("secret_hash") && !answer.text.contains("\"client_secret\""));
    }
    assert_eq!(
        call(&app, "GET", "/clients/nope", &reader, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Keyset pages in creation order; `q` searches id and name; client
    // ids with '.' and '_' page too.
    for id in ["a.b_c", "z-1"] {
        expect(
            &call(&app, "POST", "/clients", &writer, Some(web(id))).await,
            StatusCode::CREATED,
        );
    }
    let mut seen = Vec::new();
    let mut path = "/clients?limit=1".to_owned();
    loop {
        let page = call(&app, "GET", &path, &reader, None).await;
        let page = expect(&page, StatusCode::OK).clone();
        assert!(page["items"].as_array().unwrap().len() <= 1);
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["client_id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("/clients?limit=1&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0], "wiki");
    assert!(seen.contains(&"a.b_c".to_owned()));
    let found = call(&app, "GET", "/clients?q=SPA", &reader, None).await;
    assert_eq!(expect(&found, StatusCode::OK)["items"][0]["name"], "SPA");
    let found = call(&app, "GET", "/clients?q=B_C", &reader, None).await;
    assert_eq!(
        expect(&found, StatusCode::OK)["items"][0]["client_id"],
        "a.b_c"
    );

    // Bad settings: 400 naming the field, nothing made.
    let mut bad = web("bad");
    bad["redirect_uris"] = json!(["https://rp.example/cb#frag"]);
    let answer = call(&app, "POST", "/clients", &writer, Some(bad)).await;
    assert_eq!(field(&answer), "redirect_uris");
    assert!(answer.json["detail"].as_str().unwrap().contains("fragment"));
    let answer = call(
        &app,
        "POST",
        "/clients",
        &writer,
        Some(json!({"name": "No URIs"})),
    )
    .await;
    assert_eq!(
        named(&answer, StatusCode::UNPROCESSABLE_ENTITY),
        "redirect_uris"
    );
    let mut bad = web("bad");
    bad["grant_types"] = json!(["password"]);
    assert_eq!(
        field(&call(&app, "POST", "/clients", &writer, Some(bad)).await),
        "grant_types"
    );
    let mut bad = web("bad");
    bad["id_token_signed_response_alg"] = json!("HS256");
    assert_eq!(
        field(&call(&app, "POST", "/clients", &writer, Some(bad)).await),
        "id_token_signed_response_alg"
    );
    let mut bad = web("bad");
    bad["surprise"] = json!(1);
    assert_eq!(
        call(&app, "POST", "/clients", &writer, Some(bad))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        call(&app, "GET", "/clients/bad", &reader, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Audited with the settings after, never the secret.
    let audit = audit_text(&app, "client.created").await;
    assert!(audit.contains("https://rp.example/cb"), "{audit}");
    assert!(!audit.contains(&secret) && !audit.contains(&hash));
}

async fn organization_callers_reach_only_their_clients(backend: Backend) {
    // SR-100: an organization's key or administrator sees and changes its
    // organization's clients only; others' are not found.
    let app = TestApp::spawn(backend).await;
    let ids = orgs(&app, &["Org A", "Org B", "Org C"]).await;
    let (org_a, org_b) = (ids[0].clone(), ids[1].clone());
    let global = key(&app, &["clients:write"], None).await;
    let a_key = key(&app, &["clients:write"], Some("Org A")).await;

    // Made by Org A's key: Org A's. A global key chooses any organization
    // (or none); an unknown one is refused (422), the field named.
    let mine = call(&app, "POST", "/clients", &a_key, Some(service("a-svc"))).await;
    let mine = expect(&mine, StatusCode::CREATED).clone();
    assert_eq!(mine["organization_id"], org_a.as_str());
    let mut theirs = service("b-svc");
    theirs["organization_id"] = json!(org_b);
    let theirs = call(&app, "POST", "/clients", &global, Some(theirs)).await;
    assert_eq!(
        expect(&theirs, StatusCode::CREATED)["organization_id"],
        org_b.as_str()
    );
    expect(
        &call(&app, "POST", "/clients", &global, Some(service("nobodys"))).await,
        StatusCode::CREATED,
    );
    let mut unknown = service("x");
    unknown["organization_id"] = json!("no-such-org");
    assert_eq!(
        named(
            &call(&app, "POST", "/clients", &global, Some(unknown)).await,
            StatusCode::UNPROCESSABLE_ENTITY
        ),
        "organization_id"
    );
    // Org A's key may not place a client in Org B.
    let mut elsewhere = service("sneaky");
    elsewhere["organization_id"] = json!(org_b);
    assert_eq!(
        named(
            &call(&app, "POST", "/clients", &a_key, Some(elsewhere)).await,
            StatusCode::UNPROCESSABLE_ENTITY
        ),
        "organization_id"
    );

    // Lists: Org A's key sees its own only; the global key sees all.
    let listed = call(&app, "GET", "/clients", &a_key, None).await;
    let items = expect(&listed, StatusCode::OK)["items"].clone();
    let visible: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["client_id"].as_str().unwrap())
        .collect();
    assert_eq!(visible, ["a-svc"]);
    let all = call(&app, "GET", "/clients", &global, None).await;
    assert_eq!(
        expect(&all, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Org B's client through Org A's key: 404 for every operation, and
    // nothing changed.
    for (method, path, body) in [
        ("GET", "/clients/b-svc", None),
        ("PATCH", "/clients/b-svc", Some(json!({"name": "Mine now"}))),
        ("POST", "/clients/b-svc/rotate-secret", None),
        ("DELETE", "/clients/b-svc", None),
        ("GET", "/clients/nobodys", None),
    ] {
        let answer = call(&app, method, path, &a_key, body).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            answer.text
        );
    }
    let b = call(&app, "GET", "/clients/b-svc", &global, None).await;
    assert_eq!(expect(&b, StatusCode::OK)["name"], "Service b-svc");
    // Its own: every operation works.
    let renamed = call(
        &app,
        "PATCH",
        "/clients/a-svc",
        &a_key,
        Some(json!({"name": "Ours"})),
    )
    .await;
    assert_eq!(expect(&renamed, StatusCode::OK)["name"], "Ours");
    expect(
        &call(&app, "POST", "/clients/a-svc/rotate-secret", &a_key, None).await,
        StatusCode::OK,
    );
    expect(
        &call(&app, "DELETE", "/clients/a-svc", &a_key, None).await,
        StatusCode::NO_CONTENT,
    );
    // Deleted clients stay hidden from it (asking is refused); restoring
    // is for global reach only.
    assert_eq!(
        call(
            &app,
            "GET",
            "/clients/a-svc?include_deleted=true",
            &a_key,
            None
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        call(&app, "POST", "/clients/a-svc/restore", &a_key, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    expect(
        &call(&app, "POST", "/clients/a-svc/restore", &global, None).await,
        StatusCode::OK,
    );

    // An administrator of two organizations names which one.
    app.create_user_with("boss@a.test", PASSWORD, |s| {
        s.organization = Some(("Org A".into(), Role::Admin));
    })
    .await;
    let boss = app
        .db_run(|conn| ostiary::store::users::find_by_email(conn, "boss@a.test"))
        .await
        .unwrap()
        .id;
    let org_c = ids[2].clone();
    let (boss_id, c_id) = (
        boss.clone(),
        ostiary::domain::OrganizationId::from(org_c.clone()),
    );
    let now = app.state.now().naive_utc();
    app.db_run(move |conn| ostiary::store::orgs::add_member(conn, &boss_id, &c_id, "admin", now))
        .await;
    let mut browser = with_second_factor(&app, "boss@a.test").await;
    let session = browser.get("/api/v1/session").await;
    let csrf = serde_json::from_str::<Value>(&session.body).unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let unnamed = session_post(&app, &browser, &csrf, service("boss-1")).await;
    assert_eq!(field(&unnamed), "organization_id");
    let mut named = service("boss-2");
    named["organization_id"] = json!(org_c);
    let made = session_post(&app, &browser, &csrf, named).await;
    assert_eq!(
        expect(&made, StatusCode::CREATED)["organization_id"],
        org_c.as_str()
    );
    let seen = browser.get("/api/v1/clients").await;
    assert!(seen.body.contains("boss-2") && seen.body.contains("a-svc"));
    assert!(!seen.body.contains("b-svc"));
}

/// POST a client as the signed-in administrator of `browser`.
async fn session_post(
    app: &TestApp,
    browser: &crate::helpers::Browser,
    csrf: &str,
    body: Value,
) -> Answer {
    let cookies: Vec<String> = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/clients", app.base))
        .header("cookie", cookies.join("; "))
        .header("user-agent", &browser.user_agent)
        .header("x-csrf-token", csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, json, text }
}

async fn rotated_secrets_replace_the_old_one_at_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = key(&app, &["clients:write"], None).await;
    let created = call(&app, "POST", "/clients", &writer, Some(service("svc"))).await;
    let old = expect(&created, StatusCode::CREATED)["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = token(&app, "svc", &old).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);

    // SR-102: the new secret is answered once; the old one fails at once.
    let reader = key(&app, &["clients:read"], None).await;
    assert_eq!(
        call(&app, "POST", "/clients/svc/rotate-secret", &reader, None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let rotated = call(&app, "POST", "/clients/svc/rotate-secret", &writer, None).await;
    let rotated = expect(&rotated, StatusCode::OK).clone();
    assert_eq!(rotated["client_id"], "svc");
    let new = rotated["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    let res = token(&app, "svc", &old).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error(), "invalid_client");
    let res = token(&app, "svc", &new).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let shown = call(&app, "GET", "/clients/svc", &reader, None).await;
    assert!(!shown.text.contains(&new));

    // A public client has no secret: 409. Unknown: 404.
    let spa = json!({"name": "SPA", "client_id": "spa", "public": true,
                     "redirect_uris": ["https://spa.example/cb"]});
    expect(
        &call(&app, "POST", "/clients", &writer, Some(spa)).await,
        StatusCode::CREATED,
    );
    assert_eq!(
        call(&app, "POST", "/clients/spa/rotate-secret", &writer, None)
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(&app, "POST", "/clients/nope/rotate-secret", &writer, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let audit = audit_text(&app, "client.secret_rotated").await;
    assert!(!audit.contains(&new) && !audit.contains(&old), "{audit}");
}

async fn deleted_clients_stop_working_until_restored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = key(&app, &["clients:write"], None).await;
    let created = call(&app, "POST", "/clients", &writer, Some(service("svc"))).await;
    let secret = expect(&created, StatusCode::CREATED)["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    expect(
        &call(&app, "POST", "/clients", &writer, Some(web("rp"))).await,
        StatusCode::CREATED,
    );
    // Before: a token (whose grant is live), and /authorize sends the
    // browser to sign in.
    let issued = token(&app, "svc", &secret).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.json);
    let page = app.browser().get(&url("rp", &[])).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    for id in ["svc", "rp"] {
        let gone = call(&app, "DELETE", &format!("/clients/{id}"), &writer, None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    }
    // Gone for the API (404 again on a second delete) but seen by a
    // global caller who asks.
    assert_eq!(
        call(&app, "GET", "/clients/svc", &writer, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, "DELETE", "/clients/svc", &writer, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let listed = call(&app, "GET", "/clients", &writer, None).await;
    assert_eq!(expect(&listed, StatusCode::OK)["items"], json!([]));
    let with = call(&app, "GET", "/clients?include_deleted=true", &writer, None).await;
    assert_eq!(
        expect(&with, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let shown = call(
        &app,
        "GET",
        "/clients/svc?include_deleted=true",
        &writer,
        None,
    )
    .await;
    assert!(expect(&shown, StatusCode::OK)["deleted_at"].is_string());
    // Works nowhere: no token, no authorization; its grants ended.
    let res = token(&app, "svc", &secret).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.json);
    assert_eq!(res.error(), "invalid_client");
    let page = app.browser().get(&url("rp", &[])).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.headers.get("location").is_none());
    let live: i64 = app
        .db_run(|conn| {
            use diesel::prelude::*;
            use ostiary::db::schema::grants;
            Ok(grants::table
                .filter(grants::client_id.eq("svc"))
                .filter(grants::revoked_at.is_null())
                .count()
                .get_result(conn)?)
        })
        .await;
    assert_eq!(live, 0);
    let audit = audit_text(&app, "client.deleted").await;
    assert!(audit.contains("grants_revoked"), "{audit}");

    // Restored: it works again.
    let back = call(&app, "POST", "/clients/svc/restore", &writer, None).await;
    assert!(expect(&back, StatusCode::OK)["deleted_at"].is_null());
    assert_eq!(
        call(&app, "POST", "/clients/svc/restore", &writer, None)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let res = token(&app, "svc", &secret).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    expect(
        &call(&app, "POST", "/clients/rp/restore", &writer, None).await,
        StatusCode::OK,
    );
    let page = app.browser().get(&url("rp", &[])).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(app.audited("client.restored").await);
}

async fn updates_are_validated_like_creation(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let writer = key(&app, &["clients:write"], None).await;
    let reader = key(&app, &["clients:read"], None).await;
    let created = call(&app, "POST", "/clients", &writer, Some(web("rp"))).await;
    let secret = expect(&created, StatusCode::CREATED)["client_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        call(
            &app,
            "PATCH",
            "/clients/rp",
            &reader,
            Some(json!({"name": "x"}))
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Partial: what is sent changes, the rest stays.
    let changed = call(
        &app,
        "PATCH",
        "/clients/rp",
        &writer,
        Some(json!({
            "name": "Renamed",
            "redirect_uris": ["https://rp.example/cb", "https://rp.example/cb2"],
            "logo_uri": "https://rp.example/logo.png",
            "consent": "skip",
            "audiences": ["https://api.example/"],
        })),
    )
    .await;
    let view = expect(&changed, StatusCode::OK).clone();
    assert_eq!(view["name"], "Renamed");
    assert_eq!(view["redirect_uris"].as_array().unwrap().len(), 2);
    assert_eq!(view["consent"], "skip");
    assert_eq!(view["token_endpoint_auth_method"], "client_secret_basic");
    assert_eq!(view["post_logout_redirect_uris"], json!([]));
    // null clears an optional URI.
    let cleared = call(
        &app,
        "PATCH",
        "/clients/rp",
        &writer,
        Some(json!({"logo_uri": null})),
    )
    .await;
    assert!(expect(&cleared, StatusCode::OK)["logo_uri"].is_null());
    assert_eq!(cleared.json["name"], "Renamed");
    // A change to nothing is answered but neither stored nor audited.
    let same = call(
        &app,
        "PATCH",
        "/clients/rp",
        &writer,
        Some(json!({"name": "Renamed"})),
    )
    .await;
    assert_eq!(expect(&same, StatusCode::OK)["name"], "Renamed");

    // The same rules as creation, the field named, nothing changed.
    for (body, status, field) in [
        (
            json!({"redirect_uris": ["https://rp.example/cb#frag"]}),
            400,
            "redirect_uris",
        ),
        (json!({"redirect_uris": []}), 422, "redirect_uris"),
        (json!({"name": " "}), 400, "name"),
        (
            json!({"token_endpoint_auth_method": "none"}),
            422,
            "token_endpoint_auth_method",
        ),
        (
            json!({"token_endpoint_auth_method": "private_key_jwt"}),
            422,
            "jwks",
        ),
        (
            json!({"post_logout_redirect_uris": ["http://evil.example/bye"]}),
            400,
            "post_logout_redirect_uris",
        ),
        (
            json!({"backchannel_logout_uri": "javascript:alert(1)"}),
            400,
            "backchannel_logout_uri",
        ),
        (
            json!({"allowed_origins": ["https://app.example/path"]}),
            400,
            "allowed_origins",
        ),
        (json!({"consent": "maybe"}), 400, "consent"),
        (json!({"scopes": ["bad scope"]}), 400, "scopes"),
        (
            json!({"access_token_signed_response_alg": "none"}),
            400,
            "access_token_signed_response_alg",
        ),
    ] {
        let answer = call(&app, "PATCH", "/clients/rp", &writer, Some(body.clone())).await;
        let status = StatusCode::from_u16(status).unwrap();
        assert_eq!(named(&answer, status), field, "{body}: {}", answer.text);
    }
    // With its keys, private_key_jwt is fine.
    let jwt = call(
        &app,
        "PATCH",
        "/clients/rp",
        &writer,
        Some(json!({"token_endpoint_auth_method": "private_key_jwt", "jwks": {"keys": []}})),
    )
    .await;
    assert_eq!(expect(&jwt, StatusCode::OK)["jwks"], json!({"keys": []}));
    let unknown = call(
        &app,
        "PATCH",
        "/clients/rp",
        &writer,
        Some(json!({"secret_hash": "x"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let still = call(&app, "GET", "/clients/rp", &reader, None).await;
    assert_eq!(
        expect(&still, StatusCode::OK)["redirect_uris"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        call(
            &app,
            "PATCH",
            "/clients/nope",
            &writer,
            Some(json!({"name": "x"}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Audited: before and after of what changed, no secret.
    let rows = app.audit_rows("client.updated").await;
    assert_eq!(rows.len(), 3, "one row per change made");
    let first = rows.last().unwrap();
    let details: Value = serde_json::from_str(&first.details).unwrap();
    assert_eq!(details["before"]["name"], "App rp");
    assert_eq!(details["after"]["name"], "Renamed");
    assert_eq!(details["after"]["consent"], "skip");
    assert!(
        details["after"].get("token_endpoint_auth_method").is_none(),
        "unchanged settings are left out: {details}"
    );
    assert!(!first.details.contains(&secret));
    assert_eq!(first.target_id.as_deref(), Some("rp"));
}

async fn clients_from_the_cli(backend: Backend) {
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
            "create",
            "--name",
            "Svc",
            "--id",
            "svc",
            "--org",
            "Acme",
            "--grant-type",
            "client_credentials",
            "--scope",
            "api.read",
        ],
        &env,
    );
    let old = created["client_secret"].as_str().unwrap().to_owned();
    assert!(created["organization_id"].is_string());
    let out = ostiary(
        dir.path(),
        &[
            "client",
            "create",
            "--name",
            "X",
            "--org",
            "Nope",
            "--grant-type",
            "client_credentials",
        ],
        &env,
        None,
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("Nope"));

    let listed = succeeds(dir.path(), &["client", "list"], &env);
    assert_eq!(listed[0]["client_id"], "svc");
    assert!(!listed.to_string().contains(&old));
    let shown = succeeds(dir.path(), &["client", "show", "svc"], &env);
    assert_eq!(shown["name"], "Svc");
    let updated = succeeds(
        dir.path(),
        &[
            "client",
            "update",
            "svc",
            "--name",
            "Service",
            "--scope",
            "api.read",
            "--scope",
            "api.write",
        ],
        &env,
    );
    assert_eq!(updated["name"], "Service");
    assert_eq!(updated["scopes"], json!(["api.read", "api.write"]));
    // The same validation as the API.
    let out = ostiary(
        dir.path(),
        &[
            "client",
            "update",
            "svc",
            "--grant-type",
            "authorization_code",
        ],
        &env,
        None,
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("redirect_uris"),
        "{}",
        text(&out.stderr)
    );
    // PKCE required of a confidential web app, and lifted again.
    let web = succeeds(
        dir.path(),
        &[
            "client",
            "create",
            "--name",
            "Web",
            "--id",
            "web",
            "--redirect-uri",
            "https://web.example/cb",
            "--require-pkce",
        ],
        &env,
    );
    assert_eq!(web["require_pkce"], true);
    let web = succeeds(
        dir.path(),
        &["client", "update", "web", "--require-pkce", "false"],
        &env,
    );
    assert_eq!(web["require_pkce"], false);
    succeeds(dir.path(), &["client", "delete", "web"], &env);
    let rotated = succeeds(dir.path(), &["client", "rotate-secret", "svc"], &env);
    assert_eq!(rotated["client_id"], "svc");
    let new = rotated["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(new, old);

    let app = crate::cli::serve_after_cli(backend, &db, dir.path()).await;
    assert_eq!(
        token(&app, "svc", &old).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(token(&app, "svc", &new).await.status, StatusCode::OK);
    succeeds(dir.path(), &["client", "delete", "svc"], &env);
    tokio::time::sleep(ostiary::store::client_cache::TTL).await;
    assert_eq!(
        token(&app, "svc", &new).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(succeeds(dir.path(), &["client", "list"], &env), json!([]));
    let all = succeeds(dir.path(), &["client", "list", "--include-deleted"], &env);
    assert!(all[0]["deleted_at"].is_string());
    succeeds(dir.path(), &["client", "restore", "svc"], &env);
    tokio::time::sleep(ostiary::store::client_cache::TTL).await;
    assert_eq!(token(&app, "svc", &new).await.status, StatusCode::OK);
    for action in [
        "client.created",
        "client.updated",
        "client.secret_rotated",
        "client.deleted",
        "client.restored",
    ] {
        assert!(app.audited(action).await, "{action}");
    }
}
