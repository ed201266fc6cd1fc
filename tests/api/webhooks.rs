//! Signed webhooks (S9, issue 16 item 4), black-box over HTTP against a
//! real receiver on 127.0.0.1: Standard Webhooks signatures checked by an
//! independent verifier (tests/webhooks/verify.py, standard library only),
//! the secret shown once and sealed at rest (SR-54), retries with growing
//! backoff under one idempotency key, dead letters only superusers see
//! and replay (audited, SR-150), private targets refused (S3), organization
//! reach, and two instances enqueueing each delivery once. The worker is
//! driven by hand (`webhooks.worker_period_ms = 0`) with the test clock.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::domain::Role;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    deliveries_are_signed_and_verify_independently,
    failures_are_retried_with_backoff_under_one_id,
    dead_letters_are_for_superusers_who_replay_them,
    private_targets_and_bad_values_are_refused,
    organizations_reach_only_their_webhooks_and_events,
    two_instances_enqueue_each_delivery_once,
    webhook_and_alert_lists_page_by_cursor,
);

/// A request the receiver got.
#[derive(Debug, Clone)]
struct Recorded {
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

/// A scripted HTTP receiver: answers the queued statuses in turn, then
/// `fallback`; records every request.
#[derive(Clone)]
struct Receiver {
    url: String,
    got: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
    fallback: Arc<Mutex<u16>>,
}

impl Receiver {
    async fn start(script: &[u16], fallback: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let r = Self {
            url,
            got: Arc::default(),
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            fallback: Arc::new(Mutex::new(fallback)),
        };
        let me = r.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let me = me.clone();
                tokio::spawn(async move { me.serve(stream).await });
            }
        });
        r
    }

    async fn serve(&self, mut stream: tokio::net::TcpStream) {
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                return;
            }
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
        let mut headers = BTreeMap::new();
        for line in head.lines().skip(1) {
            if let Some((k, v)) = line.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + len {
            let n = stream.read(&mut chunk).await.unwrap_or(0);
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = buf[head_end..].to_vec();
        self.got.lock().unwrap().push(Recorded { headers, body });
        let status = self
            .script
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or(*self.fallback.lock().unwrap());
        let answer = format!(
            "HTTP/1.1 {status} Scripted\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
        );
        let _ = stream.write_all(answer.as_bytes()).await;
        let _ = stream.shutdown().await;
    }

    fn requests(&self) -> Vec<Recorded> {
        self.got.lock().unwrap().clone()
    }

    fn answer_from_now(&self, status: u16) {
        *self.fallback.lock().unwrap() = status;
    }
}

/// An app that may reach the receiver on loopback; the worker by hand.
async fn app_for(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |c| {
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
    })
    .await
}

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

fn expect(answer: &Answer, status: StatusCode) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text);
    answer.json.clone()
}

fn field(answer: &Answer, status: StatusCode) -> String {
    assert_eq!(answer.status, status, "{}", answer.text);
    answer.json["errors"][0]["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
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

/// An audited event of the key's organization: a new client.
async fn client_created(app: &TestApp, key: &str, id: &str) {
    let body = json!({
        "name": format!("Service {id}"),
        "client_id": id,
        "grant_types": ["client_credentials"],
        "scopes": ["api.read"],
    });
    expect(
        &call(app, "POST", "/clients", key, Some(body)).await,
        StatusCode::CREATED,
    );
}

async fn subscribe(app: &TestApp, key: &str, url: &str, events: &[&str]) -> Value {
    let body = json!({ "name": "Receiver", "url": url, "events": events });
    expect(
        &call(app, "POST", "/webhooks", key, Some(body)).await,
        StatusCode::CREATED,
    )
}

async fn pass(app: &TestApp) {
    ostiary::webhooks::worker::run_once(&app.state)
        .await
        .unwrap();
}

async fn deliveries(app: &TestApp, key: &str, hook: &str) -> Vec<Value> {
    let answer = call(
        app,
        "GET",
        &format!("/webhooks/{hook}/deliveries"),
        key,
        None,
    )
    .await;
    expect(&answer, StatusCode::OK)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn instant(v: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Run the independent verifier; whether it accepts.
fn verifies(secret: &str, r: &Recorded, now: i64) -> bool {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("request.json");
    let request = json!({ "headers": r.headers, "body_b64": STANDARD.encode(&r.body) });
    std::fs::write(&path, request.to_string()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/webhooks/verify.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .arg(secret)
        .arg(&path)
        .arg(now.to_string())
        .output()
        .expect("python3 runs the verifier");
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(
        said == "valid" || said.starts_with("invalid"),
        "verifier: {said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.status.success()
}

async fn deliveries_are_signed_and_verify_independently(backend: Backend) {
    let app = app_for(backend).await;
    let receiver = Receiver::start(&[], 200).await;
    let global = key(&app, &["webhooks:write", "clients:write"], None).await;
    let created = subscribe(&app, &global, &receiver.url, &["client.*"]).await;
    let hook = created["id"].as_str().unwrap().to_owned();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(
        STANDARD.decode(&secret["whsec_".len()..]).unwrap().len(),
        32
    );
    // Shown once: never again in a read (SR-102 style), only a hint.
    let shown = call(&app, "GET", &format!("/webhooks/{hook}"), &global, None).await;
    let shown_json = expect(&shown, StatusCode::OK);
    assert!(!shown.text.contains(&secret["whsec_".len()..]));
    assert!(shown_json.get("secret").is_none());
    let hint = shown_json["secret_hint"].as_str().unwrap();
    assert!(hint.starts_with("whsec_…") && secret.ends_with(&hint["whsec_…".len()..]));
    let list = call(&app, "GET", "/webhooks", &global, None).await;
    assert!(!list.text.contains(&secret["whsec_".len()..]));
    // SR-54: sealed at rest, not the secret itself.
    let stored = app
        .db_run(move |conn| ostiary::store::webhooks::find(conn, None, &hook))
        .await
        .unwrap();
    assert!(!stored.secret_sealed.contains(&secret["whsec_".len()..]));
    let hook = created["id"].as_str().unwrap().to_owned();

    client_created(&app, &global, "svc-signed").await;
    pass(&app).await;
    let got = receiver.requests();
    assert_eq!(got.len(), 1, "one event, one delivery");
    let r = &got[0];
    let body: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["type"], "client.created");
    assert_eq!(body["data"]["action"], "client.created");
    assert_eq!(body["data"]["target_id"], "svc-signed");
    assert!(DateTime::parse_from_rfc3339(body["timestamp"].as_str().unwrap()).is_ok());
    assert_eq!(r.headers["content-type"], "application/json");
    assert!(r.headers["webhook-id"].starts_with("msg_"));
    assert!(r.headers["webhook-signature"].starts_with("v1,"));
    let now = app.state.now().timestamp();
    assert!(verifies(&secret, r, now), "our signature verifies");
    let mut tampered = r.clone();
    tampered.body = r.body.replace_bytes("svc-signed", "svc-evil");
    assert!(
        !verifies(&secret, &tampered, now),
        "a tampered body does not"
    );
    let mut retimed = r.clone();
    retimed
        .headers
        .insert("webhook-timestamp".into(), (now + 1).to_string());
    assert!(!verifies(&secret, &retimed, now), "nor a changed timestamp");

    // Rotation: a new secret, shown once; the old one no longer verifies.
    let rotated = call(
        &app,
        "POST",
        &format!("/webhooks/{hook}/rotate-secret"),
        &global,
        None,
    )
    .await;
    let rotated = expect(&rotated, StatusCode::OK);
    let new_secret = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, secret);
    client_created(&app, &global, "svc-rotated").await;
    pass(&app).await;
    let got = receiver.requests();
    assert_eq!(got.len(), 2);
    assert!(verifies(&new_secret, &got[1], now));
    assert!(!verifies(&secret, &got[1], now));
    assert!(app.audited("webhook.created").await);
    assert!(app.audited("webhook.secret_rotated").await);
    // No secret in the audit log (SR-150).
    for action in ["webhook.created", "webhook.secret_rotated"] {
        for row in app.audit_rows(action).await {
            assert!(!row.details.contains(&secret["whsec_".len()..]));
            assert!(!row.details.contains(&new_secret["whsec_".len()..]));
        }
    }
}

trait Replace {
    fn replace_bytes(&self, from: &str, to: &str) -> Vec<u8>;
}

impl Replace for Vec<u8> {
    fn replace_bytes(&self, from: &str, to: &str) -> Vec<u8> {
        String::from_utf8_lossy(self).replace(from, to).into_bytes()
    }
}

async fn failures_are_retried_with_backoff_under_one_id(backend: Backend) {
    let app = app_for(backend).await;
    let receiver = Receiver::start(&[500, 500], 200).await;
    let global = key(&app, &["webhooks:write", "clients:write"], None).await;
    let created = subscribe(&app, &global, &receiver.url, &["client.created"]).await;
    let hook = created["id"].as_str().unwrap().to_owned();
    client_created(&app, &global, "svc-retry").await;

    pass(&app).await;
    let first = deliveries(&app, &global, &hook).await;
    assert_eq!(first.len(), 1);
    let d = &first[0];
    assert_eq!(d["status"], "pending");
    assert_eq!(d["attempts"], 1);
    assert_eq!(d["last_status"], 500);
    let gap1 = instant(&d["next_attempt_at"]) - app.state.now();
    assert!(
        gap1 >= Duration::seconds(3) && gap1 <= Duration::seconds(6),
        "first retry after 5 s ± 20 %: {gap1}"
    );
    // Not due yet: nothing is sent.
    pass(&app).await;
    assert_eq!(receiver.requests().len(), 1);

    app.clock.advance(Duration::seconds(7));
    pass(&app).await;
    let second = deliveries(&app, &global, &hook).await;
    assert_eq!(second[0]["attempts"], 2);
    assert_eq!(second[0]["status"], "pending");
    let gap2 = instant(&second[0]["next_attempt_at"]) - app.state.now();
    assert!(
        gap2 >= Duration::seconds(7) && gap2 <= Duration::seconds(12),
        "second retry after 10 s ± 20 %: {gap2}"
    );
    assert!(gap2 > gap1, "the backoff grows");

    app.clock.advance(Duration::seconds(13));
    pass(&app).await;
    let third = deliveries(&app, &global, &hook).await;
    assert_eq!(third[0]["status"], "delivered", "{third:?}");
    assert_eq!(third[0]["attempts"], 3);
    assert_eq!(third[0]["last_status"], 200);
    assert!(third[0]["delivered_at"].is_string());

    let got = receiver.requests();
    assert_eq!(got.len(), 3, "delivered on the third attempt");
    let id = &got[0].headers["webhook-id"];
    assert!(got.iter().all(|r| &r.headers["webhook-id"] == id));
    assert_eq!(third[0]["id"].as_str().unwrap(), id, "the idempotency key");
    assert!(got.iter().all(|r| r.body == got[0].body));
    // Delivered: never sent again.
    app.clock.advance(Duration::hours(2));
    pass(&app).await;
    assert_eq!(receiver.requests().len(), 3);
    // Deliveries are not audited (they would feed themselves).
    assert!(
        !app.audit_actions()
            .await
            .iter()
            .any(|a| a.starts_with("webhook.deliver"))
    );
}

async fn dead_letters_are_for_superusers_who_replay_them(backend: Backend) {
    let app = app_for(backend).await;
    orgs(&app, &["Org A"]).await;
    let receiver = Receiver::start(&[], 503).await;
    let a_key = key(&app, &["webhooks:write", "clients:write"], Some("Org A")).await;
    let global = key(&app, &["webhooks:write"], None).await;
    let created = subscribe(&app, &a_key, &receiver.url, &["client.*"]).await;
    let hook = created["id"].as_str().unwrap().to_owned();
    client_created(&app, &a_key, "svc-dead").await;

    for attempt in 1..=8 {
        pass(&app).await;
        assert_eq!(receiver.requests().len(), attempt);
        app.clock.advance(Duration::hours(2));
    }
    let after = deliveries(&app, &a_key, &hook).await;
    assert_eq!(after[0]["status"], "dead", "{after:?}");
    assert_eq!(after[0]["attempts"], 8);
    pass(&app).await;
    assert_eq!(receiver.requests().len(), 8, "a dead letter is not retried");
    let dead_id = after[0]["id"].as_str().unwrap().to_owned();

    // The organization's own caller may not inspect or replay (403).
    let theirs = call(&app, "GET", "/webhook-deliveries?status=dead", &a_key, None).await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{}", theirs.text);
    let replay = format!("/webhook-deliveries/{dead_id}/replay");
    let theirs = call(&app, "POST", &replay, &a_key, None).await;
    assert_eq!(theirs.status, StatusCode::FORBIDDEN, "{}", theirs.text);
    assert!(!app.audited("webhook.replayed").await);

    let listed = call(
        &app,
        "GET",
        "/webhook-deliveries?status=dead",
        &global,
        None,
    )
    .await;
    let listed = expect(&listed, StatusCode::OK);
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], dead_id.as_str());
    assert_eq!(items[0]["webhook_id"], hook.as_str());
    assert!(items[0].get("payload").is_none());
    assert_eq!(
        field(
            &call(
                &app,
                "GET",
                "/webhook-deliveries?status=lost",
                &global,
                None
            )
            .await,
            StatusCode::BAD_REQUEST
        ),
        "status"
    );

    receiver.answer_from_now(204);
    let replayed = expect(
        &call(&app, "POST", &replay, &global, None).await,
        StatusCode::OK,
    );
    assert_eq!(replayed["status"], "pending");
    assert_eq!(replayed["attempts"], 0);
    // SR-150: the replay is audited with its actor.
    let rows = app.audit_rows("webhook.replayed").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_type, "api_key");
    assert_eq!(rows[0].target_id.as_deref(), Some(dead_id.as_str()));
    // Only a dead letter is replayed.
    assert_eq!(
        call(&app, "POST", &replay, &global, None).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call(
            &app,
            "POST",
            "/webhook-deliveries/nope/replay",
            &global,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    pass(&app).await;
    let got = receiver.requests();
    assert_eq!(got.len(), 9);
    assert_eq!(got[8].headers["webhook-id"], dead_id, "the same id again");
    let now = deliveries(&app, &a_key, &hook).await;
    assert_eq!(now[0]["status"], "delivered");
    assert_eq!(now[0]["attempts"], 1);
    let dead = call(&app, "GET", "/webhook-deliveries", &global, None).await;
    assert!(
        expect(&dead, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

async fn private_targets_and_bad_values_are_refused(backend: Backend) {
    // S3: without oidc.allow_private_targets, loopback and private targets
    // are refused at creation, naming the field; bad values change nothing.
    let app = TestApp::spawn_with(backend, |c| c.webhooks.worker_period_ms = 0).await;
    let global = key(&app, &["webhooks:write"], None).await;
    let reader = key(&app, &["webhooks:read"], None).await;
    let post = |body: Value| {
        let (app, global) = (&app, global.clone());
        async move { call(app, "POST", "/webhooks", &global, Some(body)).await }
    };
    for url in [
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest",
    ] {
        let answer = post(json!({"name": "x", "url": url, "events": ["*"]})).await;
        assert_eq!(
            field(&answer, StatusCode::UNPROCESSABLE_ENTITY),
            "url",
            "{url}"
        );
    }
    // Text within the document's bounds that a rule refuses: 422; beyond
    // the bounds (length, count): 400.
    for url in [
        "http://hooks.example.com/",
        "not a url",
        "https://u:p@hooks.example.com/",
    ] {
        let answer = post(json!({"name": "x", "url": url, "events": ["*"]})).await;
        assert_eq!(
            field(&answer, StatusCode::UNPROCESSABLE_ENTITY),
            "url",
            "{url}"
        );
    }
    let long = format!("https://hooks.example.com/{}", "a".repeat(2048));
    let answer = post(json!({"name": "x", "url": long, "events": ["*"]})).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer =
        post(json!({"name": "x", "url": "https://hooks.example.com/", "events": []})).await;
    assert_eq!(field(&answer, StatusCode::BAD_REQUEST), "events");
    for events in [json!(["nope.*"]), json!(["user.creat"])] {
        let answer =
            post(json!({"name": "x", "url": "https://hooks.example.com/", "events": events})).await;
        assert_eq!(field(&answer, StatusCode::UNPROCESSABLE_ENTITY), "events");
    }
    let many: Vec<String> = (0..51).map(|_| "user.*".to_owned()).collect();
    let answer =
        post(json!({"name": "x", "url": "https://hooks.example.com/", "events": many})).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let answer = post(
        json!({"name": "n".repeat(101), "url": "https://hooks.example.com/", "events": ["*"]}),
    )
    .await;
    assert_eq!(field(&answer, StatusCode::BAD_REQUEST), "name");
    let answer = post(json!({"name": "x", "url": "https://hooks.example.com/", "events": ["*"], "organization_id": "no-such-org"})).await;
    assert_eq!(
        field(&answer, StatusCode::UNPROCESSABLE_ENTITY),
        "organization_id"
    );
    let answer = post(
        json!({"name": "x", "url": "https://hooks.example.com/", "events": ["*"], "extra": 1}),
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    // A reader may not write.
    let answer = call(
        &app,
        "POST",
        "/webhooks",
        &reader,
        Some(json!({"name": "x", "url": "https://hooks.example.com/", "events": ["*"]})),
    )
    .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Nothing was made, nothing audited.
    let list = call(&app, "GET", "/webhooks", &reader, None).await;
    assert!(
        expect(&list, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(!app.audited("webhook.created").await);

    // A public https target is fine; a PATCH is validated the same way.
    let ok = post(json!({"name": "Ops", "url": "https://hooks.example.com/in?t=1", "events": ["user.*", "client.created"]})).await;
    let ok = expect(&ok, StatusCode::CREATED);
    let id = ok["id"].as_str().unwrap();
    assert!(ok["organization_id"].is_null(), "a global subscription");
    let patch = call(
        &app,
        "PATCH",
        &format!("/webhooks/{id}"),
        &global,
        Some(json!({"url": "https://192.168.1.1/x"})),
    )
    .await;
    assert_eq!(field(&patch, StatusCode::UNPROCESSABLE_ENTITY), "url");
    let patch = call(
        &app,
        "PATCH",
        &format!("/webhooks/{id}"),
        &global,
        Some(json!({"events": ["mfa.*"], "enabled": false})),
    )
    .await;
    let patched = expect(&patch, StatusCode::OK);
    assert_eq!(patched["events"], json!(["mfa.*"]));
    assert_eq!(patched["enabled"], false);
    assert_eq!(patched["url"], "https://hooks.example.com/in?t=1");
    // The audit log keeps the URL without its query (it may hold a token).
    let rows = app.audit_rows("webhook.created").await;
    assert!(!rows[0].details.contains("t=1"));
    assert!(app.audited("webhook.updated").await);
}

async fn organizations_reach_only_their_webhooks_and_events(backend: Backend) {
    // SR-100: an organization's key sees and changes its own webhooks only;
    // its webhook gets its organization's events only; a global one all.
    let app = app_for(backend).await;
    orgs(&app, &["Org A", "Org B"]).await;
    let (recv_a, recv_b, recv_all) = (
        Receiver::start(&[], 200).await,
        Receiver::start(&[], 200).await,
        Receiver::start(&[], 200).await,
    );
    let a_key = key(&app, &["webhooks:write", "clients:write"], Some("Org A")).await;
    let b_key = key(&app, &["webhooks:write", "clients:write"], Some("Org B")).await;
    let global = key(&app, &["webhooks:write"], None).await;
    let hook_a = subscribe(&app, &a_key, &recv_a.url, &["client.*"]).await;
    let hook_b = subscribe(&app, &b_key, &recv_b.url, &["client.*"]).await;
    subscribe(&app, &global, &recv_all.url, &["client.created"]).await;
    let a_id = hook_a["id"].as_str().unwrap();
    assert!(hook_a["organization_id"].is_string());
    assert_ne!(hook_a["organization_id"], hook_b["organization_id"]);

    // B does not reach A's webhook: 404 everywhere, and it is unchanged.
    for (method, path, body) in [
        ("GET", format!("/webhooks/{a_id}"), None),
        (
            "PATCH",
            format!("/webhooks/{a_id}"),
            Some(json!({"enabled": false})),
        ),
        ("DELETE", format!("/webhooks/{a_id}"), None),
        ("POST", format!("/webhooks/{a_id}/rotate-secret"), None),
        ("GET", format!("/webhooks/{a_id}/deliveries"), None),
    ] {
        let answer = call(&app, method, &path, &b_key, body).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
    }
    let b_list = call(&app, "GET", "/webhooks", &b_key, None).await;
    let b_list = expect(&b_list, StatusCode::OK);
    let ids: Vec<&str> = b_list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![hook_b["id"].as_str().unwrap()]);
    let all = call(&app, "GET", "/webhooks", &global, None).await;
    assert_eq!(
        expect(&all, StatusCode::OK)["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // B may not place a webhook in A.
    let answer = call(
        &app,
        "POST",
        "/webhooks",
        &b_key,
        Some(json!({"name": "x", "url": recv_b.url, "events": ["*"], "organization_id": hook_a["organization_id"]})),
    )
    .await;
    assert_eq!(
        field(&answer, StatusCode::UNPROCESSABLE_ENTITY),
        "organization_id"
    );

    client_created(&app, &a_key, "svc-of-a").await;
    client_created(&app, &b_key, "svc-of-b").await;
    pass(&app).await;
    let targets = |r: &Receiver| -> Vec<String> {
        r.requests()
            .iter()
            .map(|q| {
                let v: Value = serde_json::from_slice(&q.body).unwrap();
                v["data"]["target_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(targets(&recv_a), vec!["svc-of-a"]);
    assert_eq!(targets(&recv_b), vec!["svc-of-b"]);
    let mut everything = targets(&recv_all);
    everything.sort();
    assert_eq!(everything, vec!["svc-of-a", "svc-of-b"]);

    // A deletes its own; its later events go nowhere.
    let gone = call(&app, "DELETE", &format!("/webhooks/{a_id}"), &a_key, None).await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{}", gone.text);
    assert_eq!(
        call(&app, "GET", &format!("/webhooks/{a_id}"), &a_key, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    client_created(&app, &a_key, "svc-of-a-2").await;
    pass(&app).await;
    assert_eq!(recv_a.requests().len(), 1);
    assert!(app.audited("webhook.deleted").await);
}

async fn two_instances_enqueue_each_delivery_once(backend: Backend) {
    let app = app_for(backend).await;
    let second = app.second_instance().await;
    let global = key(&app, &["webhooks:write", "clients:write"], None).await;
    let receiver = Receiver::start(&[], 200).await;
    let created = subscribe(&app, &global, &receiver.url, &["client.created"]).await;
    let hook = created["id"].as_str().unwrap().to_owned();
    for round in 0..3 {
        for i in 0..4 {
            client_created(&app, &global, &format!("svc-{round}-{i}")).await;
        }
        let (a, b) = tokio::join!(
            ostiary::webhooks::enqueue::run_once(&app.state),
            ostiary::webhooks::enqueue::run_once(&second.state),
        );
        assert_eq!(
            a.unwrap() + b.unwrap(),
            4,
            "round {round}: four deliveries in all"
        );
    }
    let found = deliveries(&app, &global, &hook).await;
    assert_eq!(found.len(), 12);
    let mut events: Vec<&str> = found
        .iter()
        .map(|d| d["audit_event_id"].as_str().unwrap())
        .collect();
    events.sort_unstable();
    events.dedup();
    assert_eq!(events.len(), 12, "each event once");
    // Both instances send at once: each delivery is sent once (leases).
    let (a, b) = tokio::join!(
        ostiary::webhooks::worker::run_once(&app.state),
        ostiary::webhooks::worker::run_once(&second.state),
    );
    assert_eq!(a.unwrap().1 + b.unwrap().1, 12);
    assert_eq!(receiver.requests().len(), 12);
}

/// Pages through `path` (which takes `limit=2`): the ids in order, after
/// checking every page but the last is full and carries a cursor.
async fn walk(app: &TestApp, key: &str, path: &str) -> Vec<String> {
    let (mut ids, mut cursor) = (Vec::new(), None::<String>);
    let sep = if path.contains('?') { '&' } else { '?' };
    loop {
        let url = match &cursor {
            None => format!("{path}{sep}limit=2"),
            Some(c) => format!("{path}{sep}limit=2&cursor={c}"),
        };
        let page = expect(&call(app, "GET", &url, key, None).await, StatusCode::OK);
        let items = page["items"].as_array().unwrap();
        ids.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => {
                assert_eq!(items.len(), 2, "a page before the last is full: {page}");
                cursor = Some(next.to_owned());
            }
            None => break,
        }
        assert!(ids.len() < 50, "the cursor does not advance on {path}");
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "an item came twice: {ids:?}");
    ids
}

/// `ids` with only those in `mine`, in their order (the app's own events
/// may add deliveries or firings of their own).
fn only(ids: Vec<String>, mine: &[String]) -> Vec<String> {
    ids.into_iter().filter(|id| mine.contains(id)).collect()
}

async fn webhook_and_alert_lists_page_by_cursor(backend: Backend) {
    // S8: every list that grows pages by `limit` and `cursor` and answers
    // `next_cursor`: webhooks (oldest first), a webhook's deliveries, the
    // dead-letter queue and alert firings (newest first). Rows sharing a
    // timestamp are ordered by id, so none is skipped or repeated.
    let app = app_for(backend).await;
    let global = key(&app, &["*"], None).await;
    let mut hooks = Vec::new();
    for name in ["one", "two", "three"] {
        let made = call(
            &app,
            "POST",
            "/webhooks",
            &global,
            Some(json!({"name": name, "url": "http://127.0.0.1:9/hook", "events": ["*"]})),
        )
        .await;
        hooks.push(
            expect(&made, StatusCode::CREATED)["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(walk(&app, &global, "/webhooks").await, hooks);

    // Five dead deliveries of the first subscription, two sharing a time.
    // The app's clock: microseconds, as everything the app stores.
    let (hook, base) = (hooks[0].clone(), app.state.now().naive_utc());
    let made: Vec<String> = (0..5)
        .map(|i| format!("0000000{i}-dead-delivery"))
        .collect();
    let rows = made.clone();
    app.db_run(move |conn| {
        for (i, id) in rows.iter().enumerate() {
            let at = base - Duration::seconds([5, 4, 3, 3, 1][i]);
            ostiary::store::webhooks::insert_delivery(
                conn,
                &ostiary::store::webhooks::Delivery {
                    id: id.clone(),
                    subscription_id: hook.clone(),
                    audit_event_id: format!("event-{i}"),
                    event_type: "user.created".into(),
                    payload: "{}".into(),
                    status: ostiary::store::webhooks::DEAD.into(),
                    attempts: 8,
                    next_attempt_at: at,
                    locked_until: None,
                    last_status: Some(500),
                    last_error: None,
                    created_at: at,
                    delivered_at: None,
                },
            )?;
        }
        Ok(())
    })
    .await;
    // Newest first; of the two at the same time, the greater id first.
    let newest_first: Vec<String> = [4, 3, 2, 1, 0].iter().map(|i| made[*i].clone()).collect();
    let of_hook = walk(&app, &global, &format!("/webhooks/{}/deliveries", hooks[0])).await;
    assert_eq!(only(of_hook, &made), newest_first);
    let dead = walk(&app, &global, "/webhook-deliveries?status=dead").await;
    assert_eq!(only(dead, &made), newest_first);

    // Three firings.
    let fired: Vec<String> = (0..3).map(|i| format!("0000000{i}-firing")).collect();
    let rows = fired.clone();
    app.db_run(move |conn| {
        for (i, id) in rows.iter().enumerate() {
            let at = base - Duration::seconds(10 - i as i64);
            ostiary::store::alerts::insert_firing(
                conn,
                &ostiary::store::alerts::Firing {
                    id: id.clone(),
                    rule_id: "new_admin".into(),
                    subject: format!("user-{i}"),
                    audit_event_id: format!("event-{i}"),
                    event_at: at,
                    details: "{}".into(),
                    fired_at: at,
                },
            )?;
        }
        Ok(())
    })
    .await;
    let newest_first: Vec<String> = fired.iter().rev().cloned().collect();
    let firings = walk(&app, &global, "/alert-firings").await;
    assert_eq!(only(firings, &fired), newest_first);

    // Bad paging is a 400 naming the field, on each of them.
    for path in [
        "/webhooks".to_owned(),
        format!("/webhooks/{}/deliveries", hooks[0]),
        "/webhook-deliveries?status=dead".to_owned(),
        "/alert-firings".to_owned(),
    ] {
        let sep = if path.contains('?') { '&' } else { '?' };
        for (bad, field) in [
            ("limit=0", "limit"),
            ("limit=101", "limit"),
            ("cursor=nope", "cursor"),
            ("q=x", "q"),
        ] {
            let answer = call(&app, "GET", &format!("{path}{sep}{bad}"), &global, None).await;
            assert_eq!(
                answer.status,
                StatusCode::BAD_REQUEST,
                "{path} {bad}: {}",
                answer.text
            );
            assert_eq!(answer.json["errors"][0]["field"], field, "{path} {bad}");
        }
    }
}
