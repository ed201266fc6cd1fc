//! Webhooks in the admin console and the CLI (S9, issue 16 item 4),
//! black-box: forms posted with their CSRF token like a browser (SR-70),
//! the signing secret shown once then masked (SR-54), organization admins
//! kept to their organization's subscriptions (404, SR-100), the
//! dead-letter queue for superusers only with an audited replay (SR-150),
//! `ostiary webhook …` through the same service, and the pages in
//! Chromium at both widths.

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::audit::Actor;
use ostiary::domain::Role;
use ostiary::webhooks::admin::{self as hooks, NewWebhook, WebhookView};

use crate::cli::{fails, ostiary, succeeds, text};
use crate::console_support::{in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, Browser, Page, TestApp, TestDatabase, browser_peer};

crate::on_all_backends!(
    the_secret_is_shown_once_and_settings_change,
    organization_admins_keep_to_their_webhooks,
    superusers_replay_dead_letters,
    webhooks_from_the_cli,
);

/// Nothing listens on the discard port: every delivery fails at once.
const NOWHERE: &str = "http://127.0.0.1:9/hook";

/// An app that may target loopback; the worker driven by hand.
async fn app_for(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |c| {
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
    })
    .await
}

/// The secret shown once (`<code id="webhook-secret" …>whsec_…</code>`).
fn shown_secret(page: &Page) -> String {
    let at = page
        .body
        .find("id=\"webhook-secret\"")
        .unwrap_or_else(|| panic!("no secret shown:\n{}", page.body));
    let start = at + page.body[at..].find('>').unwrap() + 1;
    let end = start + page.body[start..].find('<').unwrap();
    let secret = page.body[start..end].to_owned();
    assert!(secret.starts_with("whsec_"), "{secret}");
    secret
}

async fn all_hooks(app: &TestApp) -> Vec<WebhookView> {
    hooks::list(&app.state, None, None, 100)
        .await
        .unwrap()
        .items
}

async fn hook(app: &TestApp, id: &str) -> Option<WebhookView> {
    hooks::show(&app.state, None, id.to_owned()).await.unwrap()
}

/// Post the new-webhook form with `fields`.
async fn make(b: &mut Browser, fields: &[(&str, &str)]) -> Page {
    let form = page(b, "/admin/webhooks/new", StatusCode::OK).await;
    b.post_from(&form, "/admin/webhooks", fields).await
}

/// A subscription made through the service (as an operator would).
async fn subscribe(app: &TestApp, org: Option<String>, name: &str, events: &[&str]) -> String {
    let new = NewWebhook {
        organization_id: org,
        name: name.into(),
        url: NOWHERE.into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        enabled: true,
    };
    hooks::create(&app.state, &Actor::system("test"), None, new)
        .await
        .unwrap()
        .unwrap()
        .webhook
        .id
}

async fn org_id(app: &TestApp, name: &str) -> String {
    let name = name.to_owned();
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, &name))
        .await
        .unwrap()
        .id
        .to_string()
}

/// A global key making audited `client.created` events.
async fn client_key(app: &TestApp) -> String {
    let spec = KeySpec {
        name: "maker".into(),
        scopes: vec!["clients:write".into()],
        ..KeySpec::default()
    };
    api_keys::create(&app.state, &Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

async fn client_created(app: &TestApp, key: &str, id: &str) {
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/clients", app.base))
        .header("authorization", format!("Bearer {key}"))
        .json(&json!({
            "name": format!("Service {id}"),
            "client_id": id,
            "grant_types": ["client_credentials"],
            "scopes": ["api.read"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
}

/// Run the worker until every delivery failed eight times (dead).
async fn until_dead(app: &TestApp) {
    for _ in 0..8 {
        ostiary::webhooks::worker::run_once(&app.state)
            .await
            .unwrap();
        app.clock.advance(Duration::hours(2));
    }
}

async fn the_secret_is_shown_once_and_settings_change(backend: Backend) {
    let app = app_for(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let empty = page(&mut b, "/admin/webhooks", StatusCode::OK).await;
    assert!(empty.body.contains("No webhooks yet"), "{}", empty.body);
    assert!(
        empty.body.contains("href=\"/admin/webhooks\""),
        "in the nav"
    );
    assert!(empty.body.contains("href=\"/admin/webhook-deliveries\""));

    // Refused values: the field named, nothing made.
    for (fields, says) in [
        (
            vec![("name", "SIEM"), ("url", "ftp://x"), ("event", "user.*")],
            "https:// URL",
        ),
        (
            vec![("name", "SIEM"), ("url", NOWHERE)],
            "at least one event",
        ),
        (
            vec![
                ("name", "SIEM"),
                ("url", NOWHERE),
                ("other_events", "nope.made_up"),
            ],
            "at least one event",
        ),
        (
            vec![("name", ""), ("url", NOWHERE), ("event", "user.*")],
            "1 to 100 characters",
        ),
    ] {
        let res = make(&mut b, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(says), "{says}: {}", res.body);
        assert!(!res.body.contains("whsec_"), "{}", res.body);
    }
    assert!(all_hooks(&app).await.is_empty());

    let made = make(
        &mut b,
        &[
            ("name", "SIEM"),
            ("url", NOWHERE),
            ("event", "client.*"),
            ("event", "user.*"),
            ("other_events", "login.failure"),
            ("organization_id", ""),
            ("enabled", "1"),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.header("cache-control"), "no-store");
    let secret = shown_secret(&made);
    assert!(made.body.contains("data-copy=\"webhook-secret\""));
    let listed = all_hooks(&app).await;
    assert_eq!(listed.len(), 1);
    let id = listed[0].id.clone();
    assert_eq!(listed[0].events, ["client.*", "user.*", "login.failure"]);
    assert_eq!(listed[0].organization_id, None, "global");
    // SR-150, SR-54: audited with its actor, never with the secret.
    let created = app.audit_rows("webhook.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].actor_type, "user");
    assert!(!created[0].details.contains(&secret[6..]));

    // Never shown again: the list and the page show its hint only.
    let list = page(&mut b, "/admin/webhooks", StatusCode::OK).await;
    assert!(!list.body.contains(&secret), "{}", list.body);
    assert!(list.body.contains("SIEM") && list.body.contains(&format!("/admin/webhooks/{id}")));
    let shown = page(&mut b, &format!("/admin/webhooks/{id}"), StatusCode::OK).await;
    assert!(!shown.body.contains(&secret), "{}", shown.body);
    assert!(
        shown.body.contains(&listed[0].secret_hint),
        "{}",
        shown.body
    );
    assert!(
        shown.body.contains("Nothing delivered yet"),
        "{}",
        shown.body
    );
    page(
        &mut b,
        "/admin/webhooks/no-such-hook",
        StatusCode::NOT_FOUND,
    )
    .await;

    // Edit: all events, disabled (the box left unchecked).
    let at = format!("/admin/webhooks/{id}");
    let saved = b
        .post_from(
            &shown,
            &at,
            &[("name", "SIEM 2"), ("url", NOWHERE), ("event", "*")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location(), format!("{at}?notice=webhook_saved"));
    let now = hook(&app, &id).await.unwrap();
    assert_eq!((now.name.as_str(), now.enabled), ("SIEM 2", false));
    assert_eq!(now.events, ["*"]);
    let bad = b
        .post_from(
            &shown,
            &at,
            &[
                ("name", "X"),
                ("url", "https://user:pw@e.com/"),
                ("event", "*"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("aria-invalid=\"true\""), "{}", bad.body);
    assert_eq!(hook(&app, &id).await.unwrap().name, "SIEM 2");
    assert_eq!(app.audit_rows("webhook.updated").await.len(), 1);

    // Rotation shows a new secret once.
    let rotated = b
        .post_from(&shown, &format!("{at}/rotate-secret"), &[])
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let second = shown_secret(&rotated);
    assert_ne!(second, secret);
    assert_ne!(
        hook(&app, &id).await.unwrap().secret_hint,
        listed[0].secret_hint
    );
    assert!(app.audited("webhook.secret_rotated").await);

    // SR-70: without the form's token nothing changes.
    for (action, fields) in [
        (
            "/admin/webhooks".to_owned(),
            vec![("name", "Forged"), ("url", NOWHERE), ("event", "*")],
        ),
        (
            at.clone(),
            vec![("name", "Forged"), ("url", NOWHERE), ("event", "*")],
        ),
        (format!("{at}/rotate-secret"), vec![]),
        (format!("{at}/delete"), vec![]),
    ] {
        let res = b.post_form(&action, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
        let mut wrong = fields.clone();
        wrong.push(("csrf_token", "forged"));
        let res = b.post_form(&action, &wrong).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    assert_eq!(all_hooks(&app).await.len(), 1);
    assert_eq!(hook(&app, &id).await.unwrap().name, "SIEM 2");
    assert_eq!(app.audit_rows("webhook.secret_rotated").await.len(), 1);

    // SR-101: a stale sign-in is sent to sign in again; no secret shown.
    app.clock.advance(Duration::minutes(20));
    let stale = b
        .post_from(&shown, &format!("{at}/rotate-secret"), &[])
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert!(
        stale.location().starts_with("/login?force=1"),
        "{}",
        stale.location()
    );
    assert_eq!(app.audit_rows("webhook.secret_rotated").await.len(), 1);

    // Deleted after the confirmation's post.
    let gone = b.post_from(&shown, &format!("{at}/delete"), &[]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    assert_eq!(gone.location(), "/admin/webhooks?notice=webhook_deleted");
    assert!(hook(&app, &id).await.is_none());
    page(&mut b, &at, StatusCode::NOT_FOUND).await;
    assert!(app.audited("webhook.deleted").await);
}

async fn organization_admins_keep_to_their_webhooks(backend: Backend) {
    let app = app_for(backend).await;
    let boss = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    org_admin(&app, "boss@beta.test", "Beta", Role::Owner).await;
    let (acme, beta) = (org_id(&app, "Acme").await, org_id(&app, "Beta").await);
    let theirs = subscribe(&app, Some(beta.clone()), "Beta feed", &["user.*"]).await;
    let global = subscribe(&app, None, "Global feed", &["*"]).await;

    let mut b = signed_in(&app, &boss).await;
    let list = page(&mut b, "/admin/webhooks", StatusCode::OK).await;
    assert!(!list.body.contains("Beta feed") && !list.body.contains("Global feed"));
    assert!(
        !list.body.contains("/admin/webhook-deliveries"),
        "no dead letters link"
    );

    // Made in their organization (the only one offered).
    let form = page(&mut b, "/admin/webhooks/new", StatusCode::OK).await;
    assert!(!form.body.contains("All organizations"), "{}", form.body);
    assert!(!form.body.contains(&beta));
    let made = b
        .post_from(
            &form,
            "/admin/webhooks",
            &[
                ("name", "Acme feed"),
                ("url", NOWHERE),
                ("event", "user.*"),
                ("organization_id", &acme),
                ("enabled", "1"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    shown_secret(&made);
    let ours = all_hooks(&app)
        .await
        .into_iter()
        .find(|h| h.name == "Acme feed")
        .unwrap();
    assert_eq!(ours.organization_id.as_deref(), Some(acme.as_str()));
    let list = page(&mut b, "/admin/webhooks", StatusCode::OK).await;
    assert!(list.body.contains("Acme feed"), "{}", list.body);
    page(
        &mut b,
        &format!("/admin/webhooks/{}", ours.id),
        StatusCode::OK,
    )
    .await;

    // Another organization's, or a global one: not found, unchanged.
    let refused = b
        .post_from(
            &form,
            "/admin/webhooks",
            &[
                ("name", "Sneaky"),
                ("url", NOWHERE),
                ("event", "user.*"),
                ("organization_id", &beta),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("Choose one of your organizations"),
        "{}",
        refused.body
    );
    for other in [&theirs, &global] {
        let at = format!("/admin/webhooks/{other}");
        page(&mut b, &at, StatusCode::NOT_FOUND).await;
        for (action, fields) in [
            (
                at.clone(),
                vec![("name", "Mine"), ("url", NOWHERE), ("event", "*")],
            ),
            (format!("{at}/rotate-secret"), vec![]),
            (format!("{at}/delete"), vec![]),
        ] {
            let res = b.post_from(&form, &action, &fields).await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{action}: {}", res.body);
        }
    }
    assert_eq!(hook(&app, &theirs).await.unwrap().name, "Beta feed");
    assert_eq!(all_hooks(&app).await.len(), 3);

    // Dead letters are for superusers, even of one's own webhooks.
    page(&mut b, "/admin/webhook-deliveries", StatusCode::FORBIDDEN).await;
    let res = b
        .post_from(&form, "/admin/webhook-deliveries/any/replay", &[])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    assert!(!app.audited("webhook.replayed").await);
}

/// The delivery ids of subscription `id` with their status.
async fn statuses(app: &TestApp, id: &str) -> Vec<(String, String, i32)> {
    hooks::deliveries(&app.state, None, id.to_owned(), None, 100)
        .await
        .unwrap()
        .unwrap()
        .items
        .into_iter()
        .map(|d| (d.id, d.status, d.attempts))
        .collect()
}

async fn superusers_replay_dead_letters(backend: Backend) {
    let app = app_for(backend).await;
    let id = subscribe(&app, None, "Lost feed", &["client.*"]).await;
    let key = client_key(&app).await;
    client_created(&app, &key, "svc-dead").await;
    until_dead(&app).await;
    let dead = statuses(&app, &id).await;
    assert_eq!(dead.len(), 1);
    assert_eq!((dead[0].1.as_str(), dead[0].2), ("dead", 8));
    let delivery = dead[0].0.clone();

    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let list = page(&mut b, "/admin/webhook-deliveries", StatusCode::OK).await;
    for text in ["client.created", "Lost feed", "Replay", &delivery] {
        assert!(list.body.contains(text), "{text}: {}", list.body);
    }
    let shown = page(&mut b, &format!("/admin/webhooks/{id}"), StatusCode::OK).await;
    assert!(shown.body.contains("Failed") && shown.body.contains("client.created"));

    let replay = format!("/admin/webhook-deliveries/{delivery}/replay");
    let forged = b.post_form(&replay, &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(statuses(&app, &id).await[0].1, "dead");

    let done = b.post_from(&list, &replay, &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        "/admin/webhook-deliveries?notice=webhook_replayed"
    );
    let now = statuses(&app, &id).await;
    assert_eq!((now[0].1.as_str(), now[0].2), ("pending", 0));
    let rows = app.audit_rows("webhook.replayed").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_type, "user");
    assert_eq!(rows[0].target_id.as_deref(), Some(delivery.as_str()));
    let after = page(&mut b, done.location(), StatusCode::OK).await;
    assert!(after.body.contains("No dead letters"), "{}", after.body);
    assert!(after.body.contains("role=\"status\""), "the notice shows");

    let again = b.post_from(&list, &replay, &[]).await;
    assert_eq!(
        again.location(),
        "/admin/webhook-deliveries?error=webhook_not_dead"
    );
    let unknown = b
        .post_from(&list, "/admin/webhook-deliveries/nope/replay", &[])
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(app.audit_rows("webhook.replayed").await.len(), 1);
}

async fn webhooks_from_the_cli(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_OIDC__ALLOW_PRIVATE_TARGETS", "true"),
    ];
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

    let create = [
        "webhook", "create", "--name", "Ops", "--url", NOWHERE, "--event", "client.*",
    ];
    let created = succeeds(dir.path(), &create, &env);
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{created}");
    assert_eq!(created["organization_id"], Value::Null);
    let id = created["id"].as_str().unwrap().to_owned();
    let mut org_args = create.to_vec();
    org_args.extend(["--org", "Acme", "--disabled"]);
    let theirs = succeeds(dir.path(), &org_args, &env);
    assert!(theirs["organization_id"].is_string() && theirs["enabled"] == false);

    // Listed and shown without the secret.
    let listed = succeeds(dir.path(), &["webhook", "list"], &env);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(&secret[6..]), "shown once");
    let shown = succeeds(dir.path(), &["webhook", "show", &id], &env);
    assert_eq!(shown["secret_hint"], created["secret_hint"]);
    assert!(shown.get("secret").is_none());

    let changed = succeeds(
        dir.path(),
        &[
            "webhook",
            "update",
            &id,
            "--event",
            "*",
            "--name",
            "Ops 2",
            "--disable",
        ],
        &env,
    );
    assert_eq!(
        (changed["name"].as_str(), changed["enabled"].as_bool()),
        (Some("Ops 2"), Some(false))
    );
    assert_eq!(changed["events"], json!(["*"]));
    let changed = succeeds(dir.path(), &["webhook", "update", &id, "--enable"], &env);
    assert_eq!(changed["enabled"], true);
    assert_eq!(changed["events"], json!(["*"]), "left as it was");
    let rotated = succeeds(dir.path(), &["webhook", "rotate-secret", &id], &env);
    assert!(rotated["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_ne!(rotated["secret"].as_str().unwrap(), secret);

    // Bad input: named, nothing changed.
    for (args, says) in [
        (
            vec![
                "webhook", "create", "--name", "x", "--url", "ftp://x", "--event", "*",
            ],
            "--url",
        ),
        (
            vec![
                "webhook", "create", "--name", "x", "--url", NOWHERE, "--event", "nope.*",
            ],
            "--event",
        ),
        (
            vec![
                "webhook", "create", "--name", "x", "--url", NOWHERE, "--event", "*", "--org",
                "Nope",
            ],
            "--org",
        ),
        (vec!["webhook", "show", "nope"], "no such webhook"),
        (vec!["webhook", "deliveries"], "--dead"),
        (vec!["webhook", "replay", "nope"], "no such"),
    ] {
        let err = fails(dir.path(), &args, &env, 1);
        assert!(err.contains(says), "{args:?} {says}: {err}");
    }
    assert_eq!(
        succeeds(dir.path(), &["webhook", "list"], &env)
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        succeeds(dir.path(), &["webhook", "deliveries", "--dead"], &env),
        json!([])
    );

    // A dead letter, made by a server on the same database, replayed by the CLI.
    let url = db.url.clone();
    let key_file = dir.path().join("data/master.key");
    let app = TestApp::spawn_with(backend, |c| {
        c.database_url = url.into();
        c.master_key_file = Some(key_file);
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
    })
    .await;
    let key = client_key(&app).await;
    client_created(&app, &key, "svc-cli").await;
    until_dead(&app).await;
    // (The key's creation and the client's: the subscription takes `*`.)
    let dead = succeeds(dir.path(), &["webhook", "deliveries", "--dead"], &env);
    let count = dead.as_array().unwrap().len();
    assert!(count >= 1, "{dead}");
    assert!(
        dead.as_array()
            .unwrap()
            .iter()
            .all(|d| d["webhook_id"] == id.as_str())
    );
    let delivery = dead[0]["id"].as_str().unwrap().to_owned();
    let mine = succeeds(dir.path(), &["webhook", "deliveries", &id, "--dead"], &env);
    assert_eq!(mine.as_array().unwrap().len(), count);
    let replayed = succeeds(dir.path(), &["webhook", "replay", &delivery], &env);
    assert_eq!(
        (replayed["status"].as_str(), replayed["attempts"].as_i64()),
        (Some("pending"), Some(0))
    );
    let err = fails(dir.path(), &["webhook", "replay", &delivery], &env, 1);
    assert!(err.contains("only a dead delivery"), "{err}");
    // SR-150: audited as the CLI.
    for action in [
        "webhook.created",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.replayed",
    ] {
        let rows = app.audit_rows(action).await;
        assert!(!rows.is_empty(), "{action}");
        assert!(
            rows.iter()
                .all(|r| r.actor_type == "system" && r.actor_id.as_deref() == Some("cli")),
            "{action}: {rows:?}"
        );
    }
    let deleted = succeeds(dir.path(), &["webhook", "delete", &id], &env);
    assert_eq!(deleted["deleted"], id.as_str());
    fails(dir.path(), &["webhook", "show", &id], &env, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
    })
    .await;
    let admin = superuser(&app, "root@example.com").await;
    // Two dead letters (one replayed per variant), stored as the worker
    // leaves them: the browser shares the real clock, so none is waited for.
    let lost = subscribe(&app, None, "Lost feed", &["client.*"]).await;
    for n in 0..2 {
        let row = ostiary::store::webhooks::Delivery {
            id: format!("msg_dead{n}"),
            subscription_id: lost.clone(),
            audit_event_id: format!("event-{n}"),
            event_type: "client.created".into(),
            payload: "{}".into(),
            status: "dead".into(),
            attempts: 8,
            next_attempt_at: app.state.now().naive_utc(),
            locked_until: None,
            last_status: Some(503),
            last_error: Some("answered 503".into()),
            created_at: app.state.now().naive_utc(),
            delivered_at: None,
        };
        app.db_run(move |conn| ostiary::store::webhooks::insert_delivery(conn, &row))
            .await;
    }
    let seen = in_chromium(
        &app,
        "console_webhooks.mjs",
        &admin,
        json!({ "url": NOWHERE }),
    )
    .await;
    for variant in ["en-desktop", "de-phone"] {
        let v = &seen[variant];
        let secret = v["secret"].as_str().unwrap();
        assert!(secret.starts_with("whsec_"), "{seen}");
        assert_eq!(v["copied"], json!(true), "{seen}");
        assert_eq!(v["shown_again"], json!(false), "{seen}");
        assert_eq!(v["replayed"], json!(true), "{seen}");
    }
    let names: Vec<String> = all_hooks(&app).await.into_iter().map(|h| h.name).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert_eq!(app.audit_rows("webhook.replayed").await.len(), 2);
}
