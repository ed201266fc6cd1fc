//! Alert rules (S9, issue 16 item 3), black-box over HTTP: failed
//! sign-ins per account and per address fire once per burst (the window
//! is the cool-down), mail reaches a real SMTP server (aiosmtpd) and the
//! `alert.fired` audit event (SR-150) reaches webhook subscriptions; two
//! instances evaluating the same events at once fire once; every built-in
//! kind fires; a disabled rule does not; changes are validated (422,
//! nothing changed), audited, and for superusers only — API and console
//! (CSRF, SR-100). The evaluator is driven by hand
//! (`alerts.worker_period_ms = 0`, see `helpers::test_config`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::domain::Role;

use crate::console_support::{org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::mail_sink::MailSink;

crate::on_all_backends!(
    failed_sign_ins_fire_once_per_burst_with_mail_and_webhook,
    two_instances_evaluating_at_once_fire_once,
    every_kind_fires,
    a_disabled_rule_does_not_fire,
    changes_are_validated_and_for_superusers_only,
    the_console_page_lists_and_saves_rules,
    alert_mail_speaks_the_configured_language,
);

/// An app whose sign-in throttle stays out of the way, private webhook
/// targets allowed, and mail going to `sink` when given.
async fn app_for(backend: Backend, sink: Option<&MailSink>) -> TestApp {
    let smtp = sink.map(MailSink::url);
    TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 1000;
        c.throttle.account_lock_after = 1000;
        c.throttle.ip_lock_after = 1000;
        c.oidc.allow_private_targets = true;
        c.webhooks.worker_period_ms = 0;
        if let Some(url) = smtp {
            c.smtp_url = Some(url.into());
            c.mail.tls = Some("none".into());
        }
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

async fn call(
    app: &TestApp,
    method: &str,
    path: &str,
    key: &str,
    body: Option<Value>,
    from: Option<&str>,
) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new()
        .request(
            method.parse().unwrap(),
            format!("{}/api/v1{path}", app.base),
        )
        .header("authorization", format!("Bearer {key}"));
    if let Some(ip) = from {
        req = req.header("x-forwarded-for", ip);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn patch(app: &TestApp, key: &str, rule: &str, body: Value) -> (StatusCode, Value) {
    call(
        app,
        "PATCH",
        &format!("/alert-rules/{rule}"),
        key,
        Some(body),
        None,
    )
    .await
}

async fn evaluate(app: &TestApp) -> usize {
    ostiary::alerts::evaluate::run_once(&app.state)
        .await
        .unwrap()
}

/// Every firing (newest first) as stored.
async fn firings(app: &TestApp) -> Vec<ostiary::store::alerts::Firing> {
    app.db_run(|conn| ostiary::store::alerts::recent_firings(conn, None, 1000))
        .await
}

async fn firings_of(app: &TestApp, rule: &str) -> Vec<ostiary::store::alerts::Firing> {
    firings(app)
        .await
        .into_iter()
        .filter(|f| f.rule_id == rule)
        .collect()
}

async fn fail_sign_ins(app: &TestApp, email: &str, n: usize) {
    for _ in 0..n {
        let (_, res) = app.login(email, "not the password at all").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    }
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.db_run(move |conn| ostiary::store::users::find_by_email(conn, &email))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn failed_sign_ins_fire_once_per_burst_with_mail_and_webhook(backend: Backend) {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_for(backend, Some(&sink)).await;
    let global = key(&app, &["alerts:write", "webhooks:write"], None).await;
    // The webhook notification is the `alert.fired` event.
    let (status, hook) = call(
        &app,
        "POST",
        "/webhooks",
        &global,
        Some(
            json!({ "name": "SIEM", "url": "http://127.0.0.1:9/hook", "events": ["alert.fired"] }),
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    let (status, rule) = patch(
        &app,
        &global,
        "failed_signins_account",
        json!({ "threshold": 3, "window_minutes": 10, "recipients": ["SOC@Example.com"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    assert_eq!(rule["recipients"], json!(["soc@example.com"]));
    app.create_user("alice@example.com", PASSWORD).await;
    let alice = user_id(&app, "alice@example.com").await;

    // Two failures: below the threshold.
    fail_sign_ins(&app, "alice@example.com", 2).await;
    evaluate(&app).await;
    assert!(firings_of(&app, "failed_signins_account").await.is_empty());
    // The third fires; two more in the same burst do not fire again.
    fail_sign_ins(&app, "alice@example.com", 1).await;
    evaluate(&app).await;
    fail_sign_ins(&app, "alice@example.com", 2).await;
    evaluate(&app).await;
    let fired = firings_of(&app, "failed_signins_account").await;
    assert_eq!(fired.len(), 1, "{fired:?}");
    assert_eq!(fired[0].subject, alice);
    let details: Value = serde_json::from_str(&fired[0].details).unwrap();
    assert_eq!(details["count"], 3);
    // Mailed once to the rule's recipient.
    let mail = sink.wait_for("soc@example.com", 1).await;
    assert!(mail.subject.contains("failed sign-ins"), "{}", mail.subject);
    assert!(mail.text.contains(&alice) && mail.text.contains("/admin/alerts"));
    // Audited (SR-150), by the system, naming the rule and the subject.
    let audited = app.audit_rows("alert.fired").await;
    let ours: Vec<_> = audited
        .iter()
        .filter(|r| r.target_id.as_deref() == Some("failed_signins_account"))
        .collect();
    assert_eq!(ours.len(), 1);
    assert_eq!(ours[0].actor_type, "system");
    assert!(ours[0].details.contains(&alice));
    // The webhook subscription gets exactly that event.
    ostiary::webhooks::enqueue::run_once(&app.state)
        .await
        .unwrap();
    let id = hook["id"].as_str().unwrap();
    let (status, list) = call(
        &app,
        "GET",
        &format!("/webhooks/{id}/deliveries"),
        &global,
        None,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["event_type"], "alert.fired");
    // The API lists it.
    let (_, listed) = call(&app, "GET", "/alert-firings", &global, None, None).await;
    assert_eq!(listed["items"][0]["rule_id"], "failed_signins_account");
    assert_eq!(listed["items"][0]["subject"], alice.as_str());

    // A new burst after the window fires again.
    app.clock.advance(Duration::minutes(11));
    fail_sign_ins(&app, "alice@example.com", 3).await;
    evaluate(&app).await;
    assert_eq!(firings_of(&app, "failed_signins_account").await.len(), 2);
    sink.wait_for("soc@example.com", 2).await;
    // The per-address rule (20 in 10 minutes) stayed quiet at 8.
    assert!(firings_of(&app, "failed_signins_ip").await.is_empty());
}

async fn two_instances_evaluating_at_once_fire_once(backend: Backend) {
    let app = app_for(backend, None).await;
    // The second instance runs the background sealer (as served): under
    // contention PostgreSQL aborts and re-runs write transactions, and a
    // number a rolled-back one took is sealed as a gap only by a sealer
    // that saw the hole earlier (docs/audit.md).
    let second = app
        .second_instance_with(|c| c.audit.seal_interval_ms = 20)
        .await;
    let global = key(&app, &["alerts:write"], None).await;
    let (status, _) = patch(
        &app,
        &global,
        "failed_signins_account",
        json!({ "threshold": 3 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = patch(
        &app,
        &global,
        "failed_signins_ip",
        json!({ "threshold": 10 }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let emails = ["a@example.com", "b@example.com", "c@example.com"];
    for email in emails {
        app.create_user(email, PASSWORD).await;
    }
    // Failures arrive on both instances while both evaluate, in a loop.
    let done = Arc::new(AtomicBool::new(false));
    let evaluator = |instance: &TestApp| {
        let (state, done) = (instance.state.clone(), done.clone());
        async move {
            let mut made = 0;
            loop {
                let finished = done.load(Ordering::SeqCst);
                made += ostiary::alerts::evaluate::run_once(&state).await.unwrap();
                if finished {
                    return made;
                }
            }
        }
    };
    let failures = async {
        for round in 0..4 {
            for (i, email) in emails.iter().enumerate() {
                let on = if (round + i) % 2 == 0 { &app } else { &second };
                let (a, b) = tokio::join!(
                    on.login(email, "wrong password one"),
                    second.login(email, "wrong password two")
                );
                assert_eq!(a.1.status, StatusCode::UNAUTHORIZED);
                assert_eq!(b.1.status, StatusCode::UNAUTHORIZED);
            }
        }
        // Every failure committed is sealed before the last passes.
        for _ in 0..600 {
            let report = app.db_run(ostiary::audit::verify).await;
            if report.unsealed_rows == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        done.store(true, Ordering::SeqCst);
    };
    let ((), a, b) = tokio::join!(failures, evaluator(&app), evaluator(&second));
    // Eight failures per account (one firing each), 24 from 127.0.0.1
    // (one firing): four in all, each made by exactly one instance.
    assert_eq!(a + b, 4, "instance a made {a}, b made {b}");
    let fired = firings(&app).await;
    assert_eq!(fired.len(), 4, "{fired:?}");
    for email in emails {
        let id = user_id(&app, email).await;
        assert_eq!(
            fired.iter().filter(|f| f.subject == id).count(),
            1,
            "{email}"
        );
    }
    assert_eq!(
        fired
            .iter()
            .filter(|f| f.rule_id == "failed_signins_ip")
            .count(),
        1
    );
    assert_eq!(app.audit_rows("alert.fired").await.len(), 4);
}

async fn every_kind_fires(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let global = key(&app, &["*"], None).await;
    // A new superuser.
    app.create_user_with("root@example.com", PASSWORD, |s| s.superuser = true)
        .await;
    let root = user_id(&app, "root@example.com").await;
    // A new organization admin (a member made admin over the API).
    app.create_user_with("olga@example.com", PASSWORD, |s| {
        s.organization = Some(("Acme".into(), Role::Member));
    })
    .await;
    let olga = user_id(&app, "olga@example.com").await;
    let acme = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Acme"))
        .await
        .unwrap()
        .id
        .to_string();
    let (status, body) = call(
        &app,
        "PUT",
        &format!("/organizations/{acme}/members/{olga}"),
        &global,
        Some(json!({ "role": "admin" })),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // MFA reset by an admin.
    let (status, body) = call(
        &app,
        "POST",
        &format!("/users/{olga}/reset-mfa"),
        &global,
        None,
        None,
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    // The key from a second address (its first, 127.0.0.1, is no news).
    let (status, _) = call(
        &app,
        "GET",
        "/alert-rules",
        &global,
        None,
        Some("203.0.113.7"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(
        &app,
        "GET",
        "/alert-rules",
        &global,
        None,
        Some("203.0.113.7"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // A signing key rotation.
    let (status, body) = call(
        &app,
        "POST",
        "/signing-keys/rotate",
        &global,
        Some(json!({})),
        None,
    )
    .await;
    assert!(status.is_success(), "{status} {body}");
    // A failed verification of the audit chain, as the console and the CLI
    // record it.
    ostiary::audit::record_alone(
        &app.state.db,
        ostiary::audit::Actor::system("cli"),
        ostiary::audit::Event::new(
            ostiary::audit::Action::AuditVerified,
            ostiary::audit::Outcome::Failure,
        ),
        app.state.now(),
    )
    .await
    .unwrap();
    evaluate(&app).await;

    let subjects = |rule: &'static str| {
        let app = &app;
        async move {
            firings_of(app, rule)
                .await
                .into_iter()
                .map(|f| f.subject)
                .collect::<Vec<_>>()
        }
    };
    let admins = subjects("new_admin").await;
    assert!(
        admins.contains(&root) && admins.contains(&olga),
        "{admins:?}"
    );
    assert_eq!(admins.len(), 2, "{admins:?}");
    assert_eq!(subjects("mfa_removed").await, vec![olga.clone()]);
    let keys = subjects("api_key_new_ip").await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].ends_with(" 203.0.113.7"), "{keys:?}");
    assert!(app.audited("api_key.new_ip").await);
    assert_eq!(subjects("signing_key_rotated").await.len(), 1);
    assert_eq!(
        subjects("audit_verify_failed").await,
        vec!["audit-log".to_owned()]
    );
    // Nothing new: nothing fires again (its own alert.fired events match
    // no rule).
    assert_eq!(evaluate(&app).await, 0);
}

async fn a_disabled_rule_does_not_fire(backend: Backend) {
    let app = app_for(backend, None).await;
    let global = key(&app, &["alerts:write", "keys:write"], None).await;
    let (status, rule) = patch(
        &app,
        &global,
        "signing_key_rotated",
        json!({ "enabled": false }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rule["enabled"], false);
    let (status, _) = call(
        &app,
        "POST",
        "/signing-keys/rotate",
        &global,
        Some(json!({})),
        None,
    )
    .await;
    assert!(status.is_success());
    evaluate(&app).await;
    assert!(firings_of(&app, "signing_key_rotated").await.is_empty());
    // On again: the next rotation fires (the earlier one stays unalerted).
    patch(
        &app,
        &global,
        "signing_key_rotated",
        json!({ "enabled": true }),
    )
    .await;
    call(
        &app,
        "POST",
        "/signing-keys/rotate",
        &global,
        Some(json!({})),
        None,
    )
    .await;
    evaluate(&app).await;
    assert_eq!(firings_of(&app, "signing_key_rotated").await.len(), 1);
    // Each change is audited with before and after.
    let changes = app.audit_rows("alert_rule.updated").await;
    assert_eq!(changes.len(), 2);
    assert!(
        changes[1].details.contains("\"enabled\":false"),
        "{}",
        changes[1].details
    );
}

async fn changes_are_validated_and_for_superusers_only(backend: Backend) {
    let app = app_for(backend, None).await;
    let global = key(&app, &["alerts:write"], None).await;
    let refusals = [
        (
            "failed_signins_account",
            json!({ "threshold": 0 }),
            "threshold",
        ),
        (
            "failed_signins_account",
            json!({ "threshold": 10001 }),
            "threshold",
        ),
        (
            "failed_signins_ip",
            json!({ "window_minutes": 5000 }),
            "window_minutes",
        ),
        ("new_admin", json!({ "threshold": 2 }), "threshold"),
        (
            "mfa_removed",
            json!({ "recipients": ["not an address"] }),
            "recipients",
        ),
        (
            "mfa_removed",
            json!({ "recipients": (0..21).map(|i| format!("a{i}@example.com")).collect::<Vec<_>>() }),
            "recipients",
        ),
    ];
    for (rule, body, field) in refusals {
        let (status, problem) = patch(&app, &global, rule, body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{rule} {body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Nothing changed, nothing audited.
    let (_, list) = call(&app, "GET", "/alert-rules", &global, None, None).await;
    let rules = list["items"].as_array().unwrap();
    assert_eq!(rules.len(), 7);
    let account = rules
        .iter()
        .find(|r| r["id"] == "failed_signins_account")
        .unwrap();
    assert_eq!(
        (
            account["threshold"].as_i64(),
            account["window_minutes"].as_i64()
        ),
        (Some(5), Some(10))
    );
    assert!(account["enabled"].as_bool().unwrap() && account["counts"].as_bool().unwrap());
    let ip = rules
        .iter()
        .find(|r| r["id"] == "failed_signins_ip")
        .unwrap();
    assert_eq!(ip["threshold"], 20);
    assert!(
        rules.iter().all(|r| r["enabled"] == true),
        "built-ins are on"
    );
    assert!(!app.audited("alert_rule.updated").await);
    // Malformed: 400; unknown rule: 404.
    let (status, _) = patch(&app, &global, "new_admin", json!({ "colour": "red" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = patch(&app, &global, "no_such_rule", json!({ "enabled": false })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(&app, "GET", "/alert-firings?limit=0", &global, None, None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // SR-100: a key of one organization, even with the scope, and a key
    // without the scope are refused.
    app.create_user_with("m@acme.test", PASSWORD, |s| {
        s.organization = Some(("Acme".into(), Role::Member));
    })
    .await;
    let org_key = key(&app, &["alerts:write"], Some("Acme")).await;
    let (status, _) = call(&app, "GET", "/alert-rules", &org_key, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = patch(&app, &org_key, "new_admin", json!({ "enabled": false })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let reader = key(&app, &["audit:read", "users:write"], None).await;
    let (status, _) = call(&app, "GET", "/alert-firings", &reader, None, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let read_only = key(&app, &["alerts:read"], None).await;
    let (status, _) = patch(&app, &read_only, "new_admin", json!({ "enabled": false })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!app.audited("alert_rule.updated").await);
}

async fn the_console_page_lists_and_saves_rules(backend: Backend) {
    let app = app_for(backend, None).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let dashboard = page(&mut b, "/admin", StatusCode::OK).await;
    assert!(dashboard.body.contains("href=\"/admin/alerts\""));
    evaluate(&app).await;
    let shown = page(&mut b, "/admin/alerts", StatusCode::OK).await;
    assert!(shown.body.contains("Failed sign-ins for one account"));
    assert!(shown.body.contains("New superuser or organization admin"));
    // Its own creation fired `new_admin`: listed among the firings.
    assert!(
        shown.body.contains("<code>new_admin</code>"),
        "{}",
        shown.body
    );
    // Without the form's token: refused, nothing changed (CSRF).
    let forged = b
        .post_form(
            "/admin/alerts/failed_signins_account",
            &[("threshold", "2")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let saved = b
        .post_from(
            &shown,
            "/admin/alerts/failed_signins_account",
            &[
                ("enabled", "on"),
                ("threshold", "7"),
                ("window_minutes", "15"),
                ("recipients", "soc@example.com\r\nops@example.com"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(saved.location(), "/admin/alerts?notice=alert_rule_saved");
    let rule = app
        .db_run(|conn| ostiary::store::alerts::find_rule(conn, "failed_signins_account"))
        .await
        .unwrap();
    assert_eq!((rule.threshold, rule.window_minutes), (7, 15));
    assert_eq!(
        rule.recipient_list(),
        vec!["soc@example.com", "ops@example.com"]
    );
    assert!(!rule.notify_webhook, "an unticked box turns it off");
    let bad = b
        .post_from(
            &shown,
            "/admin/alerts/failed_signins_account",
            &[
                ("enabled", "on"),
                ("threshold", "0"),
                ("window_minutes", "15"),
            ],
        )
        .await;
    assert_eq!(bad.location(), "/admin/alerts?error=alert_number");
    let bad = b
        .post_from(
            &shown,
            "/admin/alerts/failed_signins_account",
            &[("threshold", "7"), ("recipients", "nope")],
        )
        .await;
    assert_eq!(bad.location(), "/admin/alerts?error=alert_recipients");
    let again = page(
        &mut b,
        "/admin/alerts?notice=alert_rule_saved",
        StatusCode::OK,
    )
    .await;
    assert!(again.body.contains("The alert rule is saved."));
    // German.
    let de = b
        .get_with("/admin/alerts", &[("accept-language", "de-DE,de;q=0.9")])
        .await;
    assert!(de.body.contains("Warnungen"), "{}", de.body);
    // An organization's admin sees neither the entry nor the page.
    let olga = org_admin(&app, "olga@example.com", "Acme", Role::Admin).await;
    let mut ob = signed_in(&app, &olga).await;
    let dashboard = page(&mut ob, "/admin", StatusCode::OK).await;
    assert!(!dashboard.body.contains("href=\"/admin/alerts\""));
    page(&mut ob, "/admin/alerts", StatusCode::FORBIDDEN).await;
}

async fn alert_mail_speaks_the_configured_language(backend: Backend) {
    // Alert mail goes to operators, not to a request: its language is
    // `alerts.mail_locale` (German here), not always English.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let smtp = sink.url();
    let app = TestApp::spawn_with(backend, |c| {
        c.alerts.mail_locale = "de".into();
        c.webhooks.worker_period_ms = 0;
        c.smtp_url = Some(smtp.into());
        c.mail.tls = Some("none".into());
    })
    .await;
    let global = key(&app, &["alerts:write"], None).await;
    let (status, rule) = patch(
        &app,
        &global,
        "failed_signins_account",
        json!({ "threshold": 1, "window_minutes": 10, "recipients": ["soc@example.com"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{rule}");
    app.create_user("alice@example.com", PASSWORD).await;
    fail_sign_ins(&app, "alice@example.com", 1).await;
    evaluate(&app).await;
    let mail = sink.wait_for("soc@example.com", 1).await;
    assert!(
        mail.subject
            .contains("Wiederholt fehlgeschlagene Anmeldungen"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("/admin/alerts"), "{}", mail.text);
}
