//! The admin API's authentication, reach and lists (S8, SR-56, SR-100,
//! SR-103, SR-104), black-box over HTTP: API keys (hashed, scoped,
//! expiring, revocable, rotated with an overlap, bound to networks and to
//! a rate shared by every instance, vendor keys naming user and ticket),
//! administrator sessions, organization reach (other organizations'
//! objects are not found), keyset pagination edges and problem+json
//! errors with the request id.

use crate::console_support::with_second_factor;
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::Value;

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::domain::{Email, Role};
use ostiary::users::accounts::{self, UserSpec};

use crate::cli::{fails, ostiary, succeeds, text};
use crate::helpers::{Backend, PASSWORD, Page, TestApp, TestDatabase};

crate::on_all_backends!(
    keys_are_hashed_scoped_and_refused_once_dead,
    keys_hold_to_their_networks_and_rate_across_instances,
    vendor_keys_name_the_user_and_the_ticket,
    callers_see_only_their_organizations,
    lists_page_by_cursor_with_checked_limits,
    whole_lists_show_each_user_with_their_own_roles,
    api_keys_from_the_cli,
    administrators_disable_enable_and_delete_users,
    the_audit_log_reads_with_filters,
    bodies_must_be_json_objects,
);

pub fn actor() -> ostiary::audit::Actor {
    ostiary::audit::Actor::system("test")
}

pub async fn key(app: &TestApp, tweak: impl FnOnce(&mut KeySpec)) -> (String, String) {
    let mut spec = KeySpec {
        name: "test key".into(),
        scopes: vec!["users:read".into()],
        ..KeySpec::default()
    };
    tweak(&mut spec);
    let created = api_keys::create(&app.state, &actor(), spec).await.unwrap();
    (created.id, created.key)
}

pub async fn call(app: &TestApp, path: &str, key: &str) -> Page {
    app.browser()
        .get_with(path, &[("authorization", &format!("Bearer {key}"))])
        .await
}

pub fn json(page: &Page) -> Value {
    serde_json::from_str(&page.body).unwrap_or_else(|e| panic!("{e}: {}", page.body))
}

/// A problem+json answer of `status` carrying the response's request id.
pub fn problem(page: &Page, status: StatusCode) -> Value {
    assert_eq!(page.status, status, "{}", page.body);
    assert_eq!(page.header("content-type"), "application/problem+json");
    let body = json(page);
    assert_eq!(body["status"], status.as_u16());
    assert_eq!(body["request_id"], page.header("x-request-id"));
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

/// Users created straight in the database (no password), in `org`.
pub async fn users(app: &TestApp, emails: &[String], org: Option<&str>) {
    let (emails, org, now) = (emails.to_vec(), org.map(str::to_owned), app.state.now());
    app.db_run(move |conn| {
        for (i, email) in emails.iter().enumerate() {
            let spec = UserSpec {
                email: Email::parse(email).unwrap(),
                display_name: format!("Person {i}"),
                password_hash: None,
                superuser: false,
                email_verified: true,
                organization: org.clone().map(|o| (o, Role::Member)),
            };
            accounts::create_user(conn, &actor(), &spec, now)?;
        }
        Ok(())
    })
    .await;
}

async fn keys_are_hashed_scoped_and_refused_once_dead(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let (id, secret) = key(&app, |_| {}).await;
    assert!(
        secret.starts_with("ost_") && secret.len() >= 4 + 43,
        "{secret}"
    );
    // SR-56: only a hash is kept.
    let kid = id.clone();
    let row = app
        .db_run(move |conn| ostiary::store::api_keys::find(conn, &kid))
        .await
        .unwrap();
    assert_ne!(row.secret_hash, secret);
    assert!(!row.secret_hash.contains(&secret[4..]));
    assert!(secret.starts_with(&row.prefix));

    // No credentials, a wrong key, a key without the scope.
    let none = app.browser().get("/api/v1/users").await;
    problem(&none, StatusCode::UNAUTHORIZED);
    assert!(none.header("www-authenticate").starts_with("Bearer"));
    problem(
        &call(&app, "/api/v1/users", "ost_nope").await,
        StatusCode::UNAUTHORIZED,
    );
    let (_, clients_only) = key(&app, |s| s.scopes = vec!["clients:read".into()]).await;
    let refused = problem(
        &call(&app, "/api/v1/users", &clients_only).await,
        StatusCode::FORBIDDEN,
    );
    assert!(refused["detail"].as_str().unwrap().contains("users:read"));

    // The right key: the users, and the use is recorded.
    let ok = call(&app, "/api/v1/users", &secret).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(json(&ok)["items"][0]["email"], "ann@example.com");
    let kid = id.clone();
    let row = app
        .db_run(move |conn| ostiary::store::api_keys::find(conn, &kid))
        .await
        .unwrap();
    assert_eq!(row.use_count, 1);
    assert_eq!(row.last_used_ip.as_deref(), Some("127.0.0.1"));
    // Unknown operations answer problem+json too.
    problem(
        &call(&app, "/api/v1/nothing-here", &secret).await,
        StatusCode::NOT_FOUND,
    );

    // Expiry.
    let (_, short) = key(&app, |s| s.expires_in = Some(Duration::seconds(30))).await;
    assert_eq!(
        call(&app, "/api/v1/users", &short).await.status,
        StatusCode::OK
    );
    app.clock.advance(Duration::seconds(31));
    problem(
        &call(&app, "/api/v1/users", &short).await,
        StatusCode::UNAUTHORIZED,
    );

    // Rotation with an overlap: both work, then only the new one.
    let rotated = api_keys::rotate(&app.state, &actor(), &id, Duration::hours(1))
        .await
        .unwrap();
    assert_ne!(rotated.key, secret);
    assert_eq!(rotated.view.scopes, ["users:read"]);
    assert_eq!(
        call(&app, "/api/v1/users", &secret).await.status,
        StatusCode::OK
    );
    assert_eq!(
        call(&app, "/api/v1/users", &rotated.key).await.status,
        StatusCode::OK
    );
    app.clock.advance(Duration::minutes(61));
    problem(
        &call(&app, "/api/v1/users", &secret).await,
        StatusCode::UNAUTHORIZED,
    );
    assert_eq!(
        call(&app, "/api/v1/users", &rotated.key).await.status,
        StatusCode::OK
    );

    // Revocation is immediate.
    api_keys::revoke(&app.state, &actor(), &rotated.id)
        .await
        .unwrap();
    problem(
        &call(&app, "/api/v1/users", &rotated.key).await,
        StatusCode::UNAUTHORIZED,
    );
    for action in ["api_key.created", "api_key.rotated", "api_key.revoked"] {
        assert!(app.audited(action).await, "{action}");
    }
}

async fn keys_hold_to_their_networks_and_rate_across_instances(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, elsewhere) = key(&app, |s| s.allowed_ips = vec!["203.0.113.0/24".into()]).await;
    problem(
        &call(&app, "/api/v1/users", &elsewhere).await,
        StatusCode::FORBIDDEN,
    );
    let (_, here) = key(&app, |s| s.allowed_ips = vec!["127.0.0.1".into()]).await;
    assert_eq!(
        call(&app, "/api/v1/users", &here).await.status,
        StatusCode::OK
    );

    // 5 a minute, counted in the database: two instances on one database
    // share the count, and parallel requests cannot all pass it.
    let other = app.second_instance().await;
    let (_, limited) = key(&app, |s| s.rate_limit_per_min = Some(5)).await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let base = if i % 2 == 0 {
            app.base.clone()
        } else {
            other.base.clone()
        };
        let auth = format!("Bearer {limited}");
        handles.push(tokio::spawn(async move {
            crate::helpers::Browser::new(&base)
                .get_with("/api/v1/users", &[("authorization", &auth)])
                .await
        }));
    }
    let mut passed = 0;
    for h in handles {
        let page = h.await.unwrap();
        if page.status == StatusCode::OK {
            passed += 1;
        } else {
            problem(&page, StatusCode::TOO_MANY_REQUESTS);
            let retry: i64 = page.header("retry-after").parse().unwrap();
            assert!((1..=60).contains(&retry), "{retry}");
        }
    }
    assert_eq!(passed, 5);
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        call(&app, "/api/v1/users", &limited).await.status,
        StatusCode::OK
    );
}

async fn vendor_keys_name_the_user_and_the_ticket(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let customer = app.create_user("customer@example.com", PASSWORD).await;
    let (_, vendor) = key(&app, |s| s.vendor = true).await;
    let bare = call(&app, "/api/v1/session", &vendor).await;
    problem(&bare, StatusCode::BAD_REQUEST);
    let auth = format!("Bearer {vendor}");
    let only_user = app
        .browser()
        .get_with(
            "/api/v1/session",
            &[("authorization", &auth), ("x-actor-user-id", &customer)],
        )
        .await;
    problem(&only_user, StatusCode::BAD_REQUEST);
    let nobody = app
        .browser()
        .get_with(
            "/api/v1/session",
            &[
                ("authorization", &auth),
                ("x-actor-user-id", "no-such-user"),
                ("x-ticket-reference", "T-1"),
            ],
        )
        .await;
    problem(&nobody, StatusCode::BAD_REQUEST);
    let ok = app
        .browser()
        .get_with(
            "/api/v1/session",
            &[
                ("authorization", &auth),
                ("x-actor-user-id", &customer),
                ("x-ticket-reference", "T-1234"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let session = json(&ok);
    assert_eq!(session["actor_type"], "api_key");
    assert_eq!(session["vendor"]["actor_user_id"], customer.as_str());
    assert_eq!(session["vendor"]["ticket_reference"], "T-1234");
}

async fn callers_see_only_their_organizations(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    users(
        &app,
        &["a1@a.test".into(), "a2@a.test".into()],
        Some("Org A"),
    )
    .await;
    users(&app, &["b1@b.test".into()], Some("Org B")).await;
    let b1 = app
        .db_run(|conn| ostiary::store::users::find_by_email(conn, "b1@b.test"))
        .await
        .unwrap()
        .id;
    let a1 = app
        .db_run(|conn| ostiary::store::users::find_by_email(conn, "a1@a.test"))
        .await
        .unwrap()
        .id;

    // A key of Org A: Org A's users only; Org B's user is not found.
    let (_, org_key) = key(&app, |s| s.organization = Some("Org A".into())).await;
    let listed = json(&call(&app, "/api/v1/users", &org_key).await);
    let emails: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["a1@a.test", "a2@a.test"]);
    problem(
        &call(&app, &format!("/api/v1/users/{b1}"), &org_key).await,
        StatusCode::NOT_FOUND,
    );
    let mine = call(&app, &format!("/api/v1/users/{a1}"), &org_key).await;
    assert_eq!(json(&mine)["email"], "a1@a.test");
    // A global key sees everyone.
    let (_, global) = key(&app, |_| {}).await;
    let all = json(&call(&app, "/api/v1/users", &global).await);
    assert_eq!(all["items"].as_array().unwrap().len(), 3);

    // Organizations: the same reach.
    problem(
        &call(&app, "/api/v1/organizations", &org_key).await,
        StatusCode::FORBIDDEN,
    );
    let (_, org_reader) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["organizations:read".into()];
    })
    .await;
    let listed = json(&call(&app, "/api/v1/organizations", &org_reader).await);
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "Org A");
    let org_a = items[0]["id"].as_str().unwrap().to_owned();
    let org_b = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Org B"))
        .await
        .unwrap()
        .id;
    problem(
        &call(&app, &format!("/api/v1/organizations/{org_b}"), &org_reader).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &call(
            &app,
            &format!("/api/v1/organizations/{org_b}/members"),
            &org_reader,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    let members = json(
        &call(
            &app,
            &format!("/api/v1/organizations/{org_a}/members"),
            &org_reader,
        )
        .await,
    );
    let emails: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["a1@a.test", "a2@a.test"]);
    assert_eq!(members[0]["role"], "member");
    let (_, all_orgs) = key(&app, |s| s.scopes = vec!["organizations:read".into()]).await;
    let every = json(&call(&app, "/api/v1/organizations?q=org", &all_orgs).await);
    assert_eq!(every["items"].as_array().unwrap().len(), 2);

    // Sessions: an organization admin reaches their organization; a plain
    // member is refused; a superuser reaches all.
    let admin = app
        .create_user_with("boss@a.test", PASSWORD, |s| {
            s.organization = Some(("Org A".into(), Role::Admin));
        })
        .await;
    let mut boss = with_second_factor(&app, "boss@a.test").await;
    let session = json(&boss.get("/api/v1/session").await);
    assert_eq!(session["actor_id"], admin.as_str());
    assert!(
        session["csrf_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    let seen = json(&boss.get("/api/v1/users").await);
    assert_eq!(seen["items"].as_array().unwrap().len(), 3, "{seen}");
    let hidden = boss.get(&format!("/api/v1/users/{b1}")).await;
    problem(&hidden, StatusCode::NOT_FOUND);
    app.create_user_with("plain@a.test", PASSWORD, |s| {
        s.organization = Some(("Org A".into(), Role::Member));
    })
    .await;
    let (mut plain, _) = app.login("plain@a.test", PASSWORD).await;
    problem(&plain.get("/api/v1/users").await, StatusCode::FORBIDDEN);
    app.create_user_with("root@example.com", PASSWORD, |s| s.superuser = true)
        .await;
    let mut root = with_second_factor(&app, "root@example.com").await;
    let everyone = json(&root.get("/api/v1/users").await);
    assert_eq!(everyone["items"].as_array().unwrap().len(), 6);
}

async fn lists_page_by_cursor_with_checked_limits(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let emails: Vec<String> = (0..101).map(|i| format!("u{i:03}@example.com")).collect();
    users(&app, &emails, None).await;
    let (_, k) = key(&app, |_| {}).await;

    // The default is 20; 100 is the most; 1 works.
    let first = json(&call(&app, "/api/v1/users", &k).await);
    assert_eq!(first["items"].as_array().unwrap().len(), 20);
    let one = json(&call(&app, "/api/v1/users?limit=1", &k).await);
    assert_eq!(one["items"].as_array().unwrap().len(), 1);
    assert!(one["next_cursor"].is_string());
    let page1 = json(&call(&app, "/api/v1/users?limit=100", &k).await);
    assert_eq!(page1["items"].as_array().unwrap().len(), 100);
    let cursor = page1["next_cursor"].as_str().unwrap();
    let page2 = json(
        &call(
            &app,
            &format!("/api/v1/users?limit=100&cursor={cursor}"),
            &k,
        )
        .await,
    );
    let rest = page2["items"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert!(page2["next_cursor"].is_null());
    // Every user once, in creation order.
    let mut seen: Vec<String> = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(rest)
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect();
    let in_order = seen.clone();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 101);
    assert_eq!(in_order, seen, "creation order here is the email order");

    // Bad limits and cursors name the field.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=ann%00", "q"),
        ("q=ann%0Aeve", "q"),
    ] {
        let body = problem(
            &call(&app, &format!("/api/v1/users?{query}"), &k).await,
            StatusCode::BAD_REQUEST,
        );
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    // Search (Keycloak's syntax): from the start of the address, the name
    // or a word of the name, any case; `*` for any text, `"…"` exact;
    // LIKE's wildcards are plain text.
    let emails_for = |q: &str| {
        let app = &app;
        let k = &k;
        let url = format!("/api/v1/users?limit=100&q={q}");
        async move {
            json(&call(app, &url, k).await)["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(emails_for("U042").await, ["u042@example.com"]);
    assert_eq!(emails_for("u04*").await.len(), 10, "u040…u049");
    assert!(emails_for("042").await.is_empty(), "not from the start");
    assert_eq!(emails_for("*042*").await, ["u042@example.com"]);
    assert_eq!(emails_for("u*42@").await, ["u042@example.com"]);
    assert_eq!(
        emails_for("%22u042@EXAMPLE.com%22").await,
        ["u042@example.com"]
    );
    assert!(emails_for("%22u042%22").await.is_empty(), "exact is exact");
    assert_eq!(emails_for("person+42").await, ["u042@example.com"]);
    // A word of the name ("Person 42") from its start.
    assert_eq!(emails_for("42").await, ["u042@example.com"]);
    assert_eq!(emails_for("%22person+42%22").await, ["u042@example.com"]);
    assert!(emails_for("%25").await.is_empty());
    assert!(emails_for("*_*").await.is_empty());
}

async fn whole_lists_show_each_user_with_their_own_roles(backend: Backend) {
    // The listing reads roles and identities for many users at once, in
    // chunks under the databases' bound-parameter limits: every user of a
    // list longer than a chunk keeps exactly their own roles.
    let app = TestApp::spawn(backend).await;
    let members: Vec<String> = (0..1100).map(|i| format!("m{i:04}@example.com")).collect();
    users(&app, &members, Some("Acme")).await;
    users(&app, &["loner@example.com".to_owned()], None).await;
    let listed = app
        .db_run(|conn| accounts::list_users(conn, None, None))
        .await;
    assert!(listed.len() >= 1101, "{}", listed.len());
    for user in &listed {
        let roles = serde_json::to_value(&user.roles).unwrap();
        if user.email.starts_with('m') {
            assert_eq!(
                roles,
                serde_json::json!([{"organization": "Acme", "role": "member"}]),
                "{}",
                user.email
            );
        } else if user.email == "loner@example.com" {
            assert_eq!(roles, serde_json::json!([]));
        }
    }
}

async fn api_keys_from_the_cli(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    // The organization comes with its first user.
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
    let args = vec![
        "api-key",
        "create",
        "--name",
        "CI",
        "--scope",
        "users:read",
        "--scope",
        "audit:read",
        "--expires-in",
        "30d",
        "--allow-ip",
        "10.1.2.3/16",
        "--rate-limit",
        "600/min",
        "--org",
        "Acme",
    ];
    let created = succeeds(dir.path(), &args, &env);
    assert_eq!(created["organization"], "Acme");
    let key = created["key"].as_str().unwrap();
    assert!(key.starts_with("ost_"));
    assert_eq!(created["allowed_ips"], serde_json::json!(["10.1.0.0/16"]));
    assert_eq!(created["rate_limit_per_min"], 600);
    let id = created["id"].as_str().unwrap();
    let listed = succeeds(dir.path(), &["api-key", "list"], &env);
    assert!(!listed.to_string().contains(key), "the key is shown once");
    assert_eq!(listed[0]["id"], id);
    let rotated = succeeds(
        dir.path(),
        &["api-key", "rotate", id, "--overlap", "15m"],
        &env,
    );
    assert!(rotated["key"].as_str().unwrap().starts_with("ost_"));
    let revoked = succeeds(dir.path(), &["api-key", "revoke", id], &env);
    assert!(revoked["revoked_at"].is_string());
    // Bad input: named, nothing made.
    for (bad, says) in [
        (vec!["--scope", "root:all"], "unknown scope"),
        (
            vec!["--scope", "users:read", "--expires-in", "5w"],
            "--expires-in",
        ),
        (
            vec!["--scope", "users:read", "--rate-limit", "10"],
            "--rate-limit",
        ),
        (
            vec!["--scope", "users:read", "--allow-ip", "example.com"],
            "--allow-ip",
        ),
    ] {
        let mut args = vec!["api-key", "create", "--name", "bad"];
        args.extend(bad);
        let err = fails(dir.path(), &args, &env, 1);
        assert!(err.contains(says), "{says}: {err}");
    }
    let again = ostiary(dir.path(), &["api-key", "list"], &env, None);
    let all: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2, "{}", text(&again.stderr));

    // The CLI changes accounts through the same service as the API.
    let disabled = succeeds(dir.path(), &["user", "disable", "ops@acme.test"], &env);
    assert_eq!(disabled["disabled"], true);
    let id = disabled["id"].as_str().unwrap().to_owned();
    let enabled = succeeds(dir.path(), &["user", "enable", &id], &env);
    assert_eq!(enabled["disabled"], false);
    let deleted = succeeds(dir.path(), &["user", "delete", "ops@acme.test"], &env);
    assert_eq!(deleted["deleted"], id.as_str());
    let err = fails(dir.path(), &["user", "disable", "ops@acme.test"], &env, 1);
    assert!(err.contains("no user"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_and_the_routes_agree() {
    // Public, OpenAPI 3.1; its operations are exactly the routes (one table
    // registers them: `ostiary::admin::api::OPERATIONS`), and each
    // documented operation answers, with a status it documents.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let page = app.browser().get("/api/v1/openapi.json").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = json(&page);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["api_key"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");

    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let local = path
                .strip_prefix("/api/v1")
                .unwrap_or_else(|| panic!("{path}"));
            documented.push((method.clone(), local.to_owned(), operation.clone()));
        }
    }
    let mut routes: Vec<(String, String)> = ostiary::admin::api::OPERATIONS
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    let mut listed: Vec<(String, String)> = documented
        .iter()
        .map(|(m, p, _)| (m.clone(), p.clone()))
        .collect();
    routes.sort();
    listed.sort();
    assert_eq!(routes, listed, "routes and the document differ");

    let (_, k) = key(&app, |s| s.scopes = vec!["*".into()]).await;
    for (method, path, operation) in documented {
        for (name, scheme) in operation["security"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .flat_map(|s| s.as_object().unwrap().keys().zip(std::iter::repeat(s)))
        {
            assert!(schemes.get(name).is_some(), "{path}: {name} {scheme}");
        }
        let concrete = path.replace("{id}", "no-such-id");
        let answer = app
            .browser()
            .send(
                method.to_ascii_uppercase().parse().unwrap(),
                &format!("/api/v1{concrete}"),
                &[("authorization", &format!("Bearer {k}"))],
            )
            .await;
        let status = answer.status.as_u16().to_string();
        assert!(
            operation["responses"].get(&status).is_some(),
            "{path} answered {status}, which it does not document: {}",
            answer.body
        );
        assert!(
            !answer.body.contains("no such API operation"),
            "{path} is documented but not routed"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_nothing_against_the_document() {
    // An independent tool generates requests from the OpenAPI document
    // (valid and invalid, any method) and checks every answer against it:
    // no 5xx, no undocumented status or body, invalid input refused.
    let st = std::process::Command::new("st")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !crate::helpers::peer_available("schemathesis", st, "pip install schemathesis==4.32.5") {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await;
    users(
        &app,
        &["a@example.com".into(), "b@example.com".into()],
        Some("Org"),
    )
    .await;
    let (_, k) = key(&app, |s| s.scopes = vec!["*".into()]).await;
    let config = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/schemathesis.toml");
    // Rotating or revoking a key can end the key a run uses: those two
    // operations get a run (and a key) of their own.
    let (_, own) = key(&app, |s| s.scopes = vec!["*".into()]).await;
    let key_ops = "/api-keys/\\{id\\}/(rotate|revoke)$";
    for (k, filter) in [(&k, "--exclude-path-regex"), (&own, "--include-path-regex")] {
        let out = tokio::process::Command::new("st")
            .args([
                "--config-file",
                config,
                "run",
                &format!("{}/api/v1/openapi.json", app.base),
                "--url",
                &app.base,
                "-H",
                &format!("Authorization: Bearer {k}"),
                filter,
                key_ops,
                "--checks",
                "all",
                "--max-examples",
                "60",
                "--seed",
                "1",
                "--no-color",
            ])
            .kill_on_drop(true)
            .output()
            .await
            .unwrap();
        let report = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{report}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !report.contains("Authentication failed"),
            "the run lost its key: {report}"
        );
    }
}

pub async fn send(app: &TestApp, method: &str, path: &str, key: &str) -> Page {
    app.browser()
        .send(
            method.parse().unwrap(),
            path,
            &[("authorization", &format!("Bearer {key}"))],
        )
        .await
}

async fn administrators_disable_enable_and_delete_users(backend: Backend) {
    // SR-100: every change needs users:write, reaches only the caller's
    // organizations, leaves superusers to global callers; audited with
    // before/after and a vendor key's claim.
    let app = TestApp::spawn(backend).await;
    let in_a = |role: Role| move |s: &mut UserSpec| s.organization = Some(("Org A".into(), role));
    let alice = app
        .create_user_with("alice@a.test", PASSWORD, in_a(Role::Member))
        .await;
    let root = app
        .create_user_with("root@a.test", PASSWORD, |s| {
            s.superuser = true;
            s.organization = Some(("Org A".into(), Role::Member));
        })
        .await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    let bob = app
        .db_run(|conn| ostiary::store::users::find_by_email(conn, "bob@b.test"))
        .await
        .unwrap()
        .id;
    let (_, reader) = key(&app, |s| s.organization = Some("Org A".into())).await;
    let (_, writer) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["users:write".into()];
    })
    .await;
    let (mut alice_b, _) = app.login("alice@a.test", PASSWORD).await;
    assert!(alice_b.is_signed_in().await);

    let disable = format!("/api/v1/users/{alice}/disable");
    problem(
        &send(&app, "POST", &disable, &reader).await,
        StatusCode::FORBIDDEN,
    );
    let done = send(&app, "POST", &disable, &writer).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(json(&done)["disabled"], true);
    assert!(!alice_b.is_signed_in().await, "her sessions ended");
    assert_ne!(
        app.login("alice@a.test", PASSWORD).await.1.status,
        StatusCode::SEE_OTHER,
        "a disabled account does not sign in"
    );
    let row = &app.audit_rows("user.disabled").await[0];
    assert!(
        row.details.contains("\"before\":{\"disabled\":false}"),
        "{}",
        row.details
    );
    assert_eq!(row.actor_type, "api_key");
    let enabled = send(
        &app,
        "POST",
        &format!("/api/v1/users/{alice}/enable"),
        &writer,
    )
    .await;
    assert_eq!(json(&enabled)["disabled"], false);
    let (mut again, res) = app.login("alice@a.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let revoked = send(
        &app,
        "POST",
        &format!("/api/v1/users/{alice}/revoke-sessions"),
        &writer,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(!again.is_signed_in().await);

    // Out of reach: another organization's user is not found; a superuser
    // in the organization is not the organization's to change.
    for op in ["disable", "enable", "revoke-sessions"] {
        problem(
            &send(&app, "POST", &format!("/api/v1/users/{bob}/{op}"), &writer).await,
            StatusCode::NOT_FOUND,
        );
        problem(
            &send(&app, "POST", &format!("/api/v1/users/{root}/{op}"), &writer).await,
            StatusCode::FORBIDDEN,
        );
    }
    problem(
        &send(&app, "DELETE", &format!("/api/v1/users/{bob}"), &writer).await,
        StatusCode::NOT_FOUND,
    );
    // An undeclared method on a known path: 405 naming the allowed ones.
    let put = send(&app, "PUT", &format!("/api/v1/users/{alice}"), &writer).await;
    problem(&put, StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        put.header("allow").contains("DELETE"),
        "{}",
        put.header("allow")
    );

    // A vendor key's claim is in the audit record of its change.
    let (_, vendor) = key(&app, |s| {
        s.vendor = true;
        s.scopes = vec!["users:write".into()];
    })
    .await;
    let claimed = app
        .browser()
        .send(
            "POST".parse().unwrap(),
            &format!("/api/v1/users/{alice}/revoke-sessions"),
            &[
                ("authorization", &format!("Bearer {vendor}")),
                ("x-actor-user-id", &alice),
                ("x-ticket-reference", "T-77"),
            ],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.body);
    let row = &app.audit_rows("session.revoke_all").await;
    let row = row.first().map(|r| r.details.clone()).unwrap_or_default();
    assert!(row.contains("T-77") && row.contains(&alice), "{row}");

    // A session caller: an organization admin, CSRF header required for
    // changes, and never their own account.
    let boss = app
        .create_user_with("boss@a.test", PASSWORD, in_a(Role::Admin))
        .await;
    let mut b = with_second_factor(&app, "boss@a.test").await;
    let csrf = json(&b.get("/api/v1/session").await)["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let no_csrf = b.send("POST".parse().unwrap(), &disable, &[]).await;
    problem(&no_csrf, StatusCode::FORBIDDEN);
    let with_csrf = b
        .send(
            "POST".parse().unwrap(),
            &disable,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(with_csrf.status, StatusCode::OK, "{}", with_csrf.body);
    let own = b
        .send(
            "POST".parse().unwrap(),
            &format!("/api/v1/users/{boss}/disable"),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    problem(&own, StatusCode::CONFLICT);

    // Soft delete: gone from the API, audited.
    let gone = send(&app, "DELETE", &format!("/api/v1/users/{alice}"), &writer).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.body);
    problem(
        &call(&app, &format!("/api/v1/users/{alice}"), &reader).await,
        StatusCode::NOT_FOUND,
    );
    assert!(app.audited("user.deleted").await);
}

async fn the_audit_log_reads_with_filters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let ann = app.create_user("ann@example.com", PASSWORD).await;
    let (writer_id, writer) = key(&app, |s| s.scopes = vec!["users:write".into()]).await;
    let (_, vendor) = key(&app, |s| {
        s.vendor = true;
        s.scopes = vec!["users:write".into()];
    })
    .await;
    let (_, auditor) = key(&app, |s| s.scopes = vec!["audit:read".into()]).await;
    send(
        &app,
        "POST",
        &format!("/api/v1/users/{ann}/disable"),
        &writer,
    )
    .await;
    let claimed = app
        .browser()
        .send(
            "POST".parse().unwrap(),
            &format!("/api/v1/users/{ann}/enable"),
            &[
                ("authorization", &format!("Bearer {vendor}")),
                ("x-actor-user-id", &ann),
                ("x-ticket-reference", "SUP-9"),
            ],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.body);

    // Reading needs audit:read.
    problem(
        &call(&app, "/api/v1/audit-events", &writer).await,
        StatusCode::FORBIDDEN,
    );
    let all = json(&call(&app, "/api/v1/audit-events?limit=100", &auditor).await);
    let actions: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "user.created",
        "api_key.created",
        "user.disabled",
        "user.enabled",
    ] {
        assert!(actions.contains(&expected), "{expected}: {actions:?}");
    }
    // Filters: action, actor, target, outcome; the vendor claim is shown.
    let disabled = json(&call(&app, "/api/v1/audit-events?action=user.disabled", &auditor).await);
    let items = disabled["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["actor_type"], "api_key");
    assert_eq!(items[0]["actor_id"], writer_id.as_str());
    assert_eq!(items[0]["target_id"], ann.as_str());
    assert_eq!(items[0]["details"]["after"]["disabled"], true);
    let by_writer = json(
        &call(
            &app,
            &format!("/api/v1/audit-events?actor={writer_id}"),
            &auditor,
        )
        .await,
    );
    assert_eq!(by_writer["items"].as_array().unwrap().len(), 1);
    let enabled = json(
        &call(
            &app,
            &format!("/api/v1/audit-events?action=user.enabled&target_id={ann}&outcome=success"),
            &auditor,
        )
        .await,
    );
    assert_eq!(enabled["items"][0]["vendor"]["ticket_reference"], "SUP-9");
    // Regression (schemathesis): an API key's own `vendor` flag in its
    // creation event is not a vendor claim.
    let created = json(
        &call(
            &app,
            "/api/v1/audit-events?action=api_key.created",
            &auditor,
        )
        .await,
    );
    assert!(
        created["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["vendor"].is_null())
    );
    let found = json(&call(&app, "/api/v1/audit-events?q=SUP-9", &auditor).await);
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let future = json(
        &call(
            &app,
            "/api/v1/audit-events?since=2999-01-01T00:00:00Z",
            &auditor,
        )
        .await,
    );
    assert!(future["items"].as_array().unwrap().is_empty());
    // Bad filters name the field.
    for (query, field) in [
        ("outcome=maybe", "outcome"),
        ("since=yesterday", "since"),
        ("limit=0", "limit"),
    ] {
        let body = problem(
            &call(&app, &format!("/api/v1/audit-events?{query}"), &auditor).await,
            StatusCode::BAD_REQUEST,
        );
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
}

async fn bodies_must_be_json_objects(backend: Backend) {
    // Found by schemathesis: serde fills a struct from an array, so `[null]`
    // rotated the signing keys as `{}` would. Every body is one object.
    let app = TestApp::spawn(backend).await;
    let (_, writer) = key(&app, |s| {
        s.scopes = vec!["keys:write".into(), "organizations:write".into()];
    })
    .await;
    let auth = format!("Bearer {writer}");
    let before = app.audit_rows("key.rotated").await.len();
    for (method, path, body) in [
        (
            "POST",
            "/api/v1/signing-keys/rotate",
            serde_json::json!([null]),
        ),
        (
            "POST",
            "/api/v1/signing-keys/rotate",
            serde_json::json!("RS256"),
        ),
        ("POST", "/api/v1/organizations", serde_json::json!(["Acme"])),
    ] {
        let answer = app
            .browser()
            .send_json(
                method.parse().unwrap(),
                path,
                &[("authorization", &auth)],
                &body,
            )
            .await;
        let refused = problem(&answer, StatusCode::BAD_REQUEST);
        assert_eq!(
            refused["detail"], "body: must be a JSON object",
            "{path} {body}"
        );
    }
    assert_eq!(app.audit_rows("key.rotated").await.len(), before);
    assert!(!app.audited("organization.created").await);
    // An object still works.
    let rotated = app
        .browser()
        .send_json(
            "POST".parse().unwrap(),
            "/api/v1/signing-keys/rotate",
            &[("authorization", &auth)],
            &serde_json::json!({"alg": "ES256"}),
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
}
