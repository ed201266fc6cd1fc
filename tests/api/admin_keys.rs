//! API keys managed over the admin API (S8, SR-56, SR-100): made, listed,
//! rotated and revoked with the same service as `ostiary api-key`; a key
//! never makes or rotates a key stronger than itself, an organization's
//! caller reaches only its organization's keys, and the key is shown once.

use crate::console_support::{reauthenticate, second_factor_admin};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::admin_api::{call, json, key, problem, send, users};
use crate::helpers::{Backend, PASSWORD, Page, TestApp};

crate::on_all_backends!(
    keys_are_made_rotated_and_revoked_over_the_api,
    keys_never_beget_stronger_keys_or_cross_organizations,
    signing_keys_list_and_rotate_with_global_reach,
);

async fn post(app: &TestApp, path: &str, key: &str, body: Value) -> Page {
    app.browser()
        .send_json(
            "POST".parse().unwrap(),
            path,
            &[("authorization", &format!("Bearer {key}"))],
            &body,
        )
        .await
}

async fn keys_are_made_rotated_and_revoked_over_the_api(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    users(&app, &["a@example.com".into()], None).await;
    let (admin_id, admin) = key(&app, |s| {
        s.scopes = vec!["api-keys:write".into(), "users:read".into()];
    })
    .await;
    let made = post(
        &app,
        "/api/v1/api-keys",
        &admin,
        json!({"name": "reporting", "scopes": ["users:read"], "expires_in": "30d",
               "allowed_ips": ["127.0.0.1/8"], "rate_limit_per_min": 100}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = json(&made);
    let (id, secret) = (
        made["id"].as_str().unwrap().to_owned(),
        made["key"].as_str().unwrap().to_owned(),
    );
    assert!(secret.starts_with("ost_"));
    assert_eq!(made["allowed_ips"][0], "127.0.0.0/8");
    assert_eq!(
        call(&app, "/api/v1/users", &secret).await.status,
        StatusCode::OK
    );
    // Shown once: never in a list or a view.
    let listed = call(&app, "/api/v1/api-keys", &admin).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    assert!(!listed.body.contains(&secret) && listed.body.contains(&id));
    let shown = call(&app, &format!("/api/v1/api-keys/{id}"), &admin).await;
    assert!(!shown.body.contains(&secret) && !shown.body.contains("hash"));
    let row = &app.audit_rows("api_key.created").await[0];
    assert!(!row.details.contains(&secret[4..]), "no key in the audit");
    assert_eq!(row.actor_id.as_deref(), Some(admin_id.as_str()));

    // Invalid settings name the field.
    for (bad, field) in [
        (json!({"name": "x", "scopes": ["root:all"]}), "scopes"),
        (
            json!({"name": "x", "scopes": ["users:read"], "allowed_ips": ["example.com"]}),
            "allowed_ips",
        ),
        (
            json!({"name": "x", "scopes": ["users:read"], "expires_in": "5w"}),
            "expires_in",
        ),
        (json!({"name": "  ", "scopes": ["users:read"]}), "name"),
    ] {
        let p = problem(
            &post(&app, "/api/v1/api-keys", &admin, bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }

    // Rotation: the new key works, the old one until the overlap ends.
    let rotated = send(
        &app,
        "POST",
        &format!("/api/v1/api-keys/{id}/rotate?overlap=0s"),
        &admin,
    )
    .await;
    assert_eq!(rotated.status, StatusCode::CREATED, "{}", rotated.body);
    let rotated = json(&rotated);
    let (new_id, new_secret) = (
        rotated["id"].as_str().unwrap().to_owned(),
        rotated["key"].as_str().unwrap().to_owned(),
    );
    assert_eq!(
        call(&app, "/api/v1/users", &new_secret).await.status,
        StatusCode::OK
    );
    problem(
        &call(&app, "/api/v1/users", &secret).await,
        StatusCode::UNAUTHORIZED,
    );
    problem(
        &send(
            &app,
            "POST",
            &format!("/api/v1/api-keys/{id}/rotate?overlap=0s"),
            &admin,
        )
        .await,
        StatusCode::CONFLICT,
    );
    // Revocation: at once.
    let revoked = send(
        &app,
        "POST",
        &format!("/api/v1/api-keys/{new_id}/revoke"),
        &admin,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert!(json(&revoked)["revoked_at"].is_string());
    problem(
        &call(&app, "/api/v1/users", &new_secret).await,
        StatusCode::UNAUTHORIZED,
    );
    problem(
        &send(
            &app,
            "POST",
            &format!("/api/v1/api-keys/{new_id}/revoke"),
            &admin,
        )
        .await,
        StatusCode::CONFLICT,
    );
    assert!(app.audited("api_key.revoked").await && app.audited("api_key.rotated").await);
}

async fn keys_never_beget_stronger_keys_or_cross_organizations(backend: Backend) {
    // SR-100: scope escalation and cross-organization attempts.
    let app = TestApp::spawn(backend).await;
    users(&app, &["a@a.test".into()], Some("Org A")).await;
    users(&app, &["b@b.test".into()], Some("Org B")).await;
    let (_, weak) = key(&app, |s| s.scopes = vec!["api-keys:write".into()]).await;
    for scopes in [
        json!(["users:write"]),
        json!(["*"]),
        json!(["api-keys:write", "audit:read"]),
    ] {
        let p = problem(
            &post(
                &app,
                "/api/v1/api-keys",
                &weak,
                json!({"name": "more", "scopes": scopes}),
            )
            .await,
            StatusCode::FORBIDDEN,
        );
        assert_eq!(p["errors"][0]["field"], "scopes", "{p}");
    }
    // A stronger key is neither rotated (its secret would be ours) nor revoked.
    let (strong_id, _) = key(&app, |s| s.scopes = vec!["*".into()]).await;
    problem(
        &send(
            &app,
            "POST",
            &format!("/api/v1/api-keys/{strong_id}/rotate"),
            &weak,
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &send(
            &app,
            "POST",
            &format!("/api/v1/api-keys/{strong_id}/revoke"),
            &weak,
        )
        .await,
        StatusCode::FORBIDDEN,
    );

    // Nor does a confined key beget a freer one: a vendor key's duty to
    // name user and ticket, its networks, expiry and rate carry over.
    let (_, vendor) = key(&app, |s| {
        s.vendor = true;
        s.scopes = vec!["api-keys:write".into(), "users:read".into()];
        s.allowed_ips = vec!["127.0.0.0/8".into()];
        s.expires_in = Some(chrono::Duration::days(1));
        s.rate_limit_per_min = Some(50);
    })
    .await;
    let a_user = app
        .db_run(|conn| ostiary::store::users::find_by_email(conn, "a@a.test"))
        .await
        .unwrap()
        .id
        .to_string();
    let as_vendor = |body: Value| {
        let (app, vendor, a_user) = (&app, vendor.clone(), a_user.clone());
        async move {
            app.browser()
                .send_json(
                    "POST".parse().unwrap(),
                    "/api/v1/api-keys",
                    &[
                        ("authorization", &format!("Bearer {vendor}")),
                        ("x-actor-user-id", &a_user),
                        ("x-ticket-reference", "T-1"),
                    ],
                    &body,
                )
                .await
        }
    };
    let child = as_vendor(json!({"name": "child", "scopes": ["users:read"]})).await;
    assert_eq!(child.status, StatusCode::CREATED, "{}", child.body);
    let child = json(&child);
    assert_eq!(child["vendor"], true, "inherits the vendor duty: {child}");
    assert_eq!(child["allowed_ips"][0], "127.0.0.0/8");
    assert_eq!(child["rate_limit_per_min"], 50);
    assert!(child["expires_at"].is_string());
    for (body, field) in [
        (
            json!({"name": "x", "scopes": ["users:read"], "vendor": false}),
            "",
        ),
        (
            json!({"name": "x", "scopes": ["users:read"], "allowed_ips": ["0.0.0.0/0"]}),
            "allowed_ips",
        ),
        (
            json!({"name": "x", "scopes": ["users:read"], "expires_in": "30d"}),
            "expires_in",
        ),
        (
            json!({"name": "x", "scopes": ["users:read"], "rate_limit_per_min": 5000}),
            "rate_limit_per_min",
        ),
    ] {
        let page = as_vendor(body).await;
        if field.is_empty() {
            // `vendor: false` is overridden, never honoured.
            assert_eq!(json(&page)["vendor"], true, "{}", page.body);
        } else {
            let p = problem(&page, StatusCode::FORBIDDEN);
            assert_eq!(p["errors"][0]["field"], field, "{p}");
        }
    }
    // A free key with the same scopes is stronger: not the vendor key's to
    // rotate (its new secret would be free of the duty).
    let (free_id, _) = key(&app, |s| s.scopes = vec!["users:read".into()]).await;
    let rotate_free = app
        .browser()
        .send(
            "POST".parse().unwrap(),
            &format!("/api/v1/api-keys/{free_id}/rotate"),
            &[
                ("authorization", &format!("Bearer {vendor}")),
                ("x-actor-user-id", &a_user),
                ("x-ticket-reference", "T-1"),
            ],
        )
        .await;
    problem(&rotate_free, StatusCode::FORBIDDEN);

    // An organization's key: keys of its organization only.
    let (own_id, org_key) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["api-keys:write".into(), "users:read".into()];
    })
    .await;
    let (b_id, _) = key(&app, |s| s.organization = Some("Org B".into())).await;
    let made = post(
        &app,
        "/api/v1/api-keys",
        &org_key,
        json!({"name": "a-reader", "scopes": ["users:read"]}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = json(&made);
    assert_eq!(made["organization"], "Org A", "bound to its organization");
    let users_seen = json(&call(&app, "/api/v1/users", made["key"].as_str().unwrap()).await);
    assert!(!users_seen.to_string().contains("b@b.test"), "{users_seen}");
    let b_org = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Org B"))
        .await
        .unwrap()
        .id
        .to_string();
    let p = problem(
        &post(
            &app,
            "/api/v1/api-keys",
            &org_key,
            json!({"name": "x", "scopes": ["users:read"], "organization_id": b_org}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(p["errors"][0]["field"], "organization_id");
    let listed = json(&call(&app, "/api/v1/api-keys", &org_key).await);
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&own_id.as_str()) && !ids.contains(&b_id.as_str()),
        "{listed}"
    );
    for path in [
        format!("/api/v1/api-keys/{b_id}/revoke"),
        format!("/api/v1/api-keys/{b_id}/rotate"),
        format!("/api/v1/api-keys/{strong_id}/revoke"),
    ] {
        problem(
            &send(&app, "POST", &path, &org_key).await,
            StatusCode::NOT_FOUND,
        );
    }
    problem(
        &call(&app, &format!("/api/v1/api-keys/{b_id}"), &org_key).await,
        StatusCode::NOT_FOUND,
    );
}

async fn signing_keys_list_and_rotate_with_global_reach(backend: Backend) {
    // S3, SR-101: the deployment's signing keys; rotation is audited, needs
    // global reach, and a session that signed in recently.
    let app = TestApp::spawn(backend).await;
    users(&app, &["a@a.test".into()], Some("Org A")).await;
    let (_, global) = key(&app, |s| s.scopes = vec!["keys:write".into()]).await;
    let listed = json(&call(&app, "/api/v1/signing-keys", &global).await);
    let current = |list: &Value| -> String {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["state"] == "current" && k["alg"] == "RS256")
            .map(|k| k["kid"].as_str().unwrap().to_owned())
            .unwrap()
    };
    let before = current(&listed);
    assert!(!listed.to_string().contains("private"), "{listed}");
    let rotated = post(
        &app,
        "/api/v1/signing-keys/rotate",
        &global,
        json!({"alg": "RS256"}),
    )
    .await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    assert_eq!(json(&rotated)["retired"][0], before.as_str());
    let after = json(&call(&app, "/api/v1/signing-keys", &global).await);
    assert_ne!(current(&after), before);
    assert!(app.audited("key.rotated").await);

    let (_, org_key) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["keys:write".into()];
    })
    .await;
    problem(
        &call(&app, "/api/v1/signing-keys", &org_key).await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &post(&app, "/api/v1/signing-keys/rotate", &org_key, json!({})).await,
        StatusCode::FORBIDDEN,
    );
    let (_, reader) = key(&app, |s| s.scopes = vec!["keys:read".into()]).await;
    problem(
        &post(&app, "/api/v1/signing-keys/rotate", &reader, json!({})).await,
        StatusCode::FORBIDDEN,
    );

    // A superuser's session: only with a recent sign-in.
    app.create_user_with("root@example.com", PASSWORD, |s| s.superuser = true)
        .await;
    let (mut root, root_admin) = second_factor_admin(&app, "root@example.com").await;
    let csrf = json(&root.get("/api/v1/session").await)["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let headers = [("x-csrf-token", csrf.as_str())];
    app.clock.advance(chrono::Duration::hours(2));
    let stale = root
        .send_json(
            "POST".parse().unwrap(),
            "/api/v1/signing-keys/rotate",
            &headers,
            &json!({}),
        )
        .await;
    let p = problem(&stale, StatusCode::FORBIDDEN);
    assert!(
        p["detail"].as_str().unwrap().contains("sign in again"),
        "{p}"
    );
    reauthenticate(&app, &mut root, &root_admin).await;
    let fresh = root
        .send_json(
            "POST".parse().unwrap(),
            "/api/v1/signing-keys/rotate",
            &headers,
            &json!({}),
        )
        .await;
    assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.body);
}
