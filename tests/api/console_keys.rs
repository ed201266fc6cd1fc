//! Signing keys and API keys in the admin console (S3, S8, SR-56, SR-100,
//! SR-101): rotation needs global reach and a recent sign-in; an API key
//! is shown once, works as a bearer key until revoked; organization admins
//! keep to their organization's keys; auditors only read. In Chromium at
//! both widths.

use ostiary::admin::api_keys::{self, KeySpec};
use ostiary::audit::Actor;
use ostiary::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::admin_api::call;
use crate::console_support::{in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, Browser, Page, TestApp, browser_peer};

crate::on_all_backends!(
    signing_keys_rotate_with_global_reach_and_a_recent_sign_in,
    api_keys_are_shown_once_work_and_are_revoked,
    api_key_forms_show_what_is_wrong,
    organization_admins_and_auditors_keep_to_their_keys,
);

/// The kid of the current RS256 key.
async fn current_rs256(app: &TestApp) -> String {
    app.db_run(ostiary::keys::signing::listing)
        .await
        .into_iter()
        .find(|k| k.alg == "RS256" && k.state == "current")
        .map(|k| k.kid)
        .unwrap()
}

/// The number of API keys stored.
async fn key_count(app: &TestApp) -> usize {
    api_keys::list(&app.state).await.unwrap().len()
}

/// The key shown once on a page (`<code id="new-key" …>ost_…</code>`).
fn shown_key(page: &Page) -> String {
    let at = page
        .body
        .find("id=\"new-key\"")
        .unwrap_or_else(|| panic!("no key shown:\n{}", page.body));
    let start = at + page.body[at..].find('>').unwrap() + 1;
    let end = start + page.body[start..].find('<').unwrap();
    let key = page.body[start..end].to_owned();
    assert!(key.starts_with("ost_"), "{key}");
    key
}

/// Post the new-key form with `fields` (scopes as repeated `scope`).
async fn make_key(b: &mut Browser, fields: &[(&str, &str)]) -> Page {
    let form = page(b, "/admin/api-keys/new", StatusCode::OK).await;
    b.post_from(&form, "/admin/api-keys", fields).await
}

async fn signing_keys_rotate_with_global_reach_and_a_recent_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let list = page(&mut b, "/admin/signing-keys", StatusCode::OK).await;
    let before = current_rs256(&app).await;
    assert!(list.body.contains(&before), "{}", list.body);
    for text in ["RS256", "ES256", "EdDSA", "Current", "Next"] {
        assert!(list.body.contains(text), "{text}: {}", list.body);
    }
    assert!(!list.body.contains("private"), "{}", list.body);

    let done = b
        .post_from(&list, "/admin/signing-keys/rotate", &[("alg", "RS256")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        done.location(),
        "/admin/signing-keys?notice=signing_key_rotated"
    );
    let after = current_rs256(&app).await;
    assert_ne!(after, before);
    let shown = page(&mut b, done.location(), StatusCode::OK).await;
    assert!(shown.body.contains("role=\"status\""), "{}", shown.body);
    assert!(shown.body.contains("Retired"), "{}", shown.body);
    assert_eq!(app.audit_rows("key.rotated").await.len(), 1);

    // An unknown algorithm is refused with a message, nothing rotated.
    let odd = b
        .post_from(&list, "/admin/signing-keys/rotate", &[("alg", "HS256")])
        .await;
    assert_eq!(odd.location(), "/admin/signing-keys?error=signing_key_alg");

    // SR-101: a sign-in older than the re-authentication window is sent
    // to sign in again and back; nothing rotates.
    app.clock.advance(chrono::Duration::minutes(20));
    let stale = b
        .post_from(&list, "/admin/signing-keys/rotate", &[("alg", "RS256")])
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stale.location(),
        "/login?force=1&return_to=%2Fadmin%2Fsigning-keys"
    );
    assert_eq!(current_rs256(&app).await, after);
    assert_eq!(app.audit_rows("key.rotated").await.len(), 1);

    // SR-100: signing keys belong to the deployment, not to an organization.
    let boss = org_admin(&app, "boss@example.com", "Acme", Role::Owner).await;
    let mut ob = signed_in(&app, &boss).await;
    page(&mut ob, "/admin/signing-keys", StatusCode::FORBIDDEN).await;
    let dash = page(&mut ob, "/admin", StatusCode::OK).await;
    let refused = ob
        .post_from(&dash, "/admin/signing-keys/rotate", &[("alg", "RS256")])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(current_rs256(&app).await, after);
}

async fn api_keys_are_shown_once_work_and_are_revoked(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let empty = page(&mut b, "/admin/api-keys", StatusCode::OK).await;
    assert!(empty.body.contains("No API keys yet"), "{}", empty.body);

    let made = make_key(
        &mut b,
        &[
            ("name", "Nightly sync"),
            ("scope", "users:read"),
            ("scope", "sessions:write"),
            ("organization_id", ""),
            ("expires_in", "30d"),
            ("allowed_ips", "127.0.0.1\n10.0.0.0/8"),
            ("rate_limit_per_min", "100"),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    assert_eq!(made.header("cache-control"), "no-store");
    let key = shown_key(&made);
    assert!(made.body.contains("data-copy=\"new-key\""), "{}", made.body);
    assert!(made.body.contains("10.0.0.0/8"), "{}", made.body);

    // The key works as a bearer key of the admin API …
    let session = call(&app, "/api/v1/session", &key).await;
    assert_eq!(session.status, StatusCode::OK, "{}", session.body);
    // … and is never shown again: the list has its prefix and its use.
    let list = page(&mut b, "/admin/api-keys", StatusCode::OK).await;
    assert!(!list.body.contains(&key), "{}", list.body);
    assert!(list.body.contains(&key[..10]), "{}", list.body);
    assert!(list.body.contains("Nightly sync") && list.body.contains("127.0.0.1"));
    assert!(list.body.contains("users:read") && list.body.contains("sessions:write"));
    let created = app.audit_rows("api_key.created").await;
    assert_eq!(created.len(), 1);
    assert!(
        !created[0].details.contains(&key[4..]),
        "no key in the audit"
    );

    // Its page shows it (never the key) and offers rotate and revoke.
    let id = api_keys::list(&app.state).await.unwrap()[0].id.clone();
    assert!(
        list.body
            .contains(&format!("href=\"/admin/api-keys/{id}\""))
    );
    let shown = page(&mut b, &format!("/admin/api-keys/{id}"), StatusCode::OK).await;
    assert!(!shown.body.contains(&key), "{}", shown.body);
    for text in [
        "127.0.0.1/32, 10.0.0.0/8",
        "100 requests per minute",
        "/rotate",
        "/revoke",
    ] {
        assert!(shown.body.contains(text), "{text}: {}", shown.body);
    }
    page(&mut b, "/admin/api-keys/no-such-key", StatusCode::NOT_FOUND).await;

    // Revoked: the key is refused at once.
    let revoked = b
        .post_from(&shown, &format!("/admin/api-keys/{id}/revoke"), &[])
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER, "{}", revoked.body);
    assert_eq!(revoked.location(), "/admin/api-keys?notice=api_key_revoked");
    assert_eq!(
        call(&app, "/api/v1/session", &key).await.status,
        StatusCode::UNAUTHORIZED
    );
    let list = page(&mut b, revoked.location(), StatusCode::OK).await;
    assert!(list.body.contains("Revoked"), "{}", list.body);
    let again = b
        .post_from(&list, &format!("/admin/api-keys/{id}/revoke"), &[])
        .await;
    assert_eq!(
        again.location(),
        "/admin/api-keys?error=api_key_revoked_already"
    );
    app.assert_audited(&["api_key.created", "api_key.revoked"])
        .await;

    // Rotation shows the new key once; with no overlap the old one stops.
    let old = shown_key(&make_key(&mut b, &[("name", "Deploy"), ("scope", "*")]).await);
    let old_id = api_keys::list(&app.state)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.name == "Deploy")
        .unwrap()
        .id;
    let list = page(&mut b, "/admin/api-keys", StatusCode::OK).await;
    let rotated = b
        .post_from(
            &list,
            &format!("/admin/api-keys/{old_id}/rotate"),
            &[("overlap", "0s")],
        )
        .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new = shown_key(&rotated);
    assert_ne!(new, old);
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(
        call(&app, "/api/v1/session", &old).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        call(&app, "/api/v1/session", &new).await.status,
        StatusCode::OK
    );
    assert!(app.audited("api_key.rotated").await);

    // SR-101: a stale sign-in makes no key; it is sent to sign in again.
    app.clock.advance(chrono::Duration::minutes(20));
    let count = key_count(&app).await;
    let form = page(&mut b, "/admin/api-keys", StatusCode::OK).await;
    let stale = b
        .post_from(
            &form,
            "/admin/api-keys",
            &[("name", "Late"), ("scope", "users:read")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::SEE_OTHER);
    assert_eq!(
        stale.location(),
        "/login?force=1&return_to=%2Fadmin%2Fapi-keys%2Fnew"
    );
    let stale_form = b.get("/admin/api-keys/new").await;
    assert_eq!(stale_form.status, StatusCode::SEE_OTHER);
    assert_eq!(key_count(&app).await, count);
}

async fn api_key_forms_show_what_is_wrong(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    for (fields, message) in [
        (vec![("name", "No scope")], "Choose at least one scope"),
        (vec![("name", ""), ("scope", "users:read")], "Enter a name"),
        (
            vec![
                ("name", "x"),
                ("scope", "users:read"),
                ("expires_in", "soon"),
            ],
            "Enter a number and s, m, h or d",
        ),
        (
            vec![
                ("name", "x"),
                ("scope", "users:read"),
                ("allowed_ips", "example.com"),
            ],
            "addresses or CIDR blocks",
        ),
        (
            vec![
                ("name", "x"),
                ("scope", "users:read"),
                ("rate_limit_per_min", "0"),
            ],
            "whole number from 1 to 100000",
        ),
        (
            vec![("name", "x"), ("scope", "root:all")],
            "Choose at least one scope",
        ),
        (
            vec![
                ("name", "x"),
                ("scope", "users:read"),
                ("organization_id", "nope"),
            ],
            "Choose an organization you administer",
        ),
    ] {
        let res = make_key(&mut b, &fields).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(res.body.contains(message), "{fields:?}: {}", res.body);
        assert!(res.body.contains("class=\"field-error\""), "{}", res.body);
        assert!(!res.body.contains("ost_"), "{}", res.body);
    }
    // What was typed is kept.
    let res = make_key(
        &mut b,
        &[
            ("name", "Keep <me>"),
            ("scope", "audit:read"),
            ("expires_in", "soon"),
        ],
    )
    .await;
    assert!(
        res.body.contains("value=\"Keep &#60;me&#62;\""),
        "{}",
        res.body
    );
    assert!(
        res.body.contains("value=\"audit:read\" checked"),
        "{}",
        res.body
    );
    assert_eq!(key_count(&app).await, 0);
}

async fn organization_admins_and_auditors_keep_to_their_keys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    let auditor = org_admin(&app, "audit@acme.test", "Acme", Role::Auditor).await;
    org_admin(&app, "boss@globex.test", "Globex", Role::Admin).await;
    let org_id = |name: &'static str| {
        let app = &app;
        async move {
            app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, name))
                .await
                .unwrap()
                .id
                .to_string()
        }
    };
    let (acme, globex) = (org_id("Acme").await, org_id("Globex").await);
    let spec = |name: &str, org: Option<&str>| KeySpec {
        name: name.into(),
        organization: org.map(str::to_owned),
        scopes: vec!["users:read".into()],
        ..KeySpec::default()
    };
    let actor = Actor::system("test");
    let theirs = api_keys::create(&app.state, &actor, spec("Globex sync", Some("Globex")))
        .await
        .unwrap();
    let global = api_keys::create(&app.state, &actor, spec("Global sync", None))
        .await
        .unwrap();
    let ours = api_keys::create(&app.state, &actor, spec("Acme sync", Some("Acme")))
        .await
        .unwrap();

    // SR-100: an organization admin sees only the organization's keys …
    let mut b = signed_in(&app, &boss).await;
    let list = page(&mut b, "/admin/api-keys", StatusCode::OK).await;
    assert!(list.body.contains("Acme sync"), "{}", list.body);
    assert!(!list.body.contains("Globex sync") && !list.body.contains("Global sync"));
    // … is offered no global key and no other organization …
    let form = page(&mut b, "/admin/api-keys/new", StatusCode::OK).await;
    assert!(!form.body.contains("global key"), "{}", form.body);
    assert!(!form.body.contains(&globex) && form.body.contains(&acme));
    // … makes keys only for it: none named is the organization's, another
    // organization is refused.
    let made = b
        .post_from(
            &form,
            "/admin/api-keys",
            &[
                ("name", "Mine"),
                ("scope", "users:read"),
                ("organization_id", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let mine = api_keys::list(&app.state)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.name == "Mine")
        .unwrap();
    assert_eq!(mine.organization_id.as_deref(), Some(acme.as_str()));
    let count = key_count(&app).await;
    let refused = b
        .post_from(
            &form,
            "/admin/api-keys",
            &[
                ("name", "Theirs"),
                ("scope", "users:read"),
                ("organization_id", &globex),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(key_count(&app).await, count);
    // … and cannot see, revoke or rotate another organization's or a
    // global key.
    for other in [&theirs.id, &global.id] {
        page(
            &mut b,
            &format!("/admin/api-keys/{other}"),
            StatusCode::NOT_FOUND,
        )
        .await;
        for action in ["revoke", "rotate"] {
            let res = b
                .post_from(
                    &list,
                    &format!("/admin/api-keys/{other}/{action}"),
                    &[("overlap", "1h")],
                )
                .await;
            assert_eq!(res.status, StatusCode::NOT_FOUND, "{action} {other}");
        }
    }
    for key in [&theirs.key, &global.key] {
        assert_eq!(
            call(&app, "/api/v1/session", key).await.status,
            StatusCode::OK
        );
    }

    // An auditor reads the list but changes nothing (403).
    let mut ab = signed_in(&app, &auditor).await;
    let list = page(&mut ab, "/admin/api-keys", StatusCode::OK).await;
    assert!(list.body.contains("Acme sync"), "{}", list.body);
    assert!(!list.body.contains("/admin/api-keys/new"), "{}", list.body);
    assert!(!list.body.contains("/revoke"), "{}", list.body);
    page(&mut ab, "/admin/api-keys/new", StatusCode::FORBIDDEN).await;
    let own = page(
        &mut ab,
        &format!("/admin/api-keys/{}", ours.id),
        StatusCode::OK,
    )
    .await;
    assert!(!own.body.contains("/revoke") && !own.body.contains("/rotate"));
    let count = key_count(&app).await;
    for (action, fields) in [
        (
            "/admin/api-keys".to_owned(),
            vec![("name", "Sneaky"), ("scope", "users:read")],
        ),
        (format!("/admin/api-keys/{}/revoke", ours.id), vec![]),
        (
            format!("/admin/api-keys/{}/rotate", ours.id),
            vec![("overlap", "1h")],
        ),
    ] {
        let res = ab.post_from(&list, &action, &fields).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(key_count(&app).await, count);
    assert_eq!(
        call(&app, "/api/v1/session", &ours.key).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_and_signing_keys_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    let seen = in_chromium(&app, "console_keys.mjs", &admin, json!({})).await;
    // Each variant made a key, saw it once, used it, rotated a signing key
    // and revoked the API key.
    for variant in ["en-desktop", "de-phone"] {
        let v = &seen[variant];
        let key = v["key"].as_str().unwrap();
        assert!(key.starts_with("ost_"), "{seen}");
        assert_eq!(v["listed_once"], json!(false), "{seen}");
        assert_eq!(v["copied"], json!(true), "{seen}");
        assert_eq!(v["rotated"], json!(true), "{seen}");
        assert_eq!(
            call(&app, "/api/v1/session", key).await.status,
            StatusCode::UNAUTHORIZED,
            "revoked in the browser"
        );
    }
    assert_eq!(app.audit_rows("key.rotated").await.len(), 2);
}
