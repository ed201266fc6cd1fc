//! The admin API's user operations beyond disable/enable (S8, SR-100,
//! SR-102): create, update, soft delete and restore, unlock, verify the
//! address, reset MFA, sessions — per role (global key, organization key,
//! organization admin and auditor sessions), with cross-organization
//! attempts answered 404 and privilege-bearing fields kept to global reach.

use crate::console_support::{org_admin, page, signed_in, superuser, with_second_factor};
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::domain::Role;
use ostiary::users::accounts::UserSpec;

use crate::admin_api::{call, json, key, problem, send, users};
use crate::helpers::{Backend, PASSWORD, Page, TestApp};
use crate::mfa_support;

crate::on_all_backends!(
    users_are_created_updated_deleted_and_restored,
    organization_callers_keep_to_their_own,
    organization_callers_see_only_their_part_of_a_shared_account,
    unlock_verify_reset_mfa_and_sessions,
    auditors_read_and_change_nothing,
);

const STRONG: &str = "a long and unusual passphrase 42";

async fn body(app: &TestApp, method: &str, path: &str, key: &str, body: Value) -> Page {
    app.browser()
        .send_json(
            method.parse().unwrap(),
            path,
            &[("authorization", &format!("Bearer {key}"))],
            &body,
        )
        .await
}

fn field(problem: &Value) -> &str {
    problem["errors"][0]["field"].as_str().unwrap_or_default()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.db_run(move |conn| ostiary::store::users::find_by_email(conn, &email))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn users_are_created_updated_deleted_and_restored(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, global) = key(&app, |s| s.scopes = vec!["users:write".into()]).await;

    // Create with a password: the new account signs in with it.
    let made = body(
        &app,
        "POST",
        "/api/v1/users",
        &global,
        json!({"email": " Cara@Example.COM ", "name": "Cara", "password": STRONG}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let cara = json(&made);
    assert_eq!(cara["email"], "cara@example.com");
    assert_eq!(cara["email_verified"], true);
    assert!(!made.body.contains("argon2"), "no hash in the answer");
    let id = cara["id"].as_str().unwrap().to_owned();
    assert_eq!(
        app.login("cara@example.com", STRONG).await.1.status,
        StatusCode::SEE_OTHER
    );
    let row = app.audit_rows("user.created").await;
    assert!(!row[0].details.contains(STRONG), "no password in the audit");

    // Bad input names the field and changes nothing.
    let before = app.user_count().await;
    for (bad, expect) in [
        (json!({"email": "not-an-address"}), "email"),
        (
            json!({"email": "d@example.com", "password": "short"}),
            "password",
        ),
        (
            json!({"email": "d@example.com", "organization_id": "nope"}),
            "organization_id",
        ),
    ] {
        // Well-formed but refused by a rule: 422 naming the field.
        let p = problem(
            &body(&app, "POST", "/api/v1/users", &global, bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(field(&p), expect, "{p}");
    }
    problem(
        &body(
            &app,
            "POST",
            "/api/v1/users",
            &global,
            json!({"email": "d@example.com", "surprise": 1}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    problem(
        &body(
            &app,
            "POST",
            "/api/v1/users",
            &global,
            json!({"email": "cara@example.com"}),
        )
        .await,
        StatusCode::CONFLICT,
    );
    assert_eq!(app.user_count().await, before);

    // Update: a new address starts unverified; the change is audited as a
    // before/after diff.
    let path = format!("/api/v1/users/{id}");
    let changed = body(
        &app,
        "PATCH",
        &path,
        &global,
        json!({"name": "Cara Doe", "email": "cara@new.example"}),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let changed = json(&changed);
    assert_eq!(changed["name"], "Cara Doe");
    assert_eq!(changed["email"], "cara@new.example");
    assert_eq!(changed["email_verified"], false);
    let diff: Value =
        serde_json::from_str(&app.audit_rows("user.updated").await[0].details).unwrap();
    assert_eq!(diff["before"]["email"], "cara@example.com");
    assert_eq!(diff["after"]["email"], "cara@new.example");
    assert_eq!(diff["before"]["display_name"], "Cara");
    app.create_user("taken@example.com", PASSWORD).await;
    problem(
        &body(
            &app,
            "PATCH",
            &path,
            &global,
            json!({"email": "taken@example.com", "name": "Never"}),
        )
        .await,
        StatusCode::CONFLICT,
    );
    let unchanged = json(&call(&app, &path, &global).await);
    assert_eq!(
        unchanged["name"], "Cara Doe",
        "a refused update changes nothing"
    );

    // Soft delete and restore (S8): 404 until restored; only global
    // callers see deleted accounts.
    assert_eq!(
        send(&app, "DELETE", &path, &global).await.status,
        StatusCode::NO_CONTENT
    );
    problem(&call(&app, &path, &global).await, StatusCode::NOT_FOUND);
    let deleted = json(&call(&app, &format!("{path}?include_deleted=true"), &global).await);
    assert_eq!(deleted["deleted"], true);
    let listed = json(&call(&app, "/api/v1/users?include_deleted=true&q=cara", &global).await);
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    problem(
        &call(&app, "/api/v1/users?include_deleted=maybe", &global).await,
        StatusCode::BAD_REQUEST,
    );
    let restored = send(&app, "POST", &format!("{path}/restore"), &global).await;
    assert_eq!(restored.status, StatusCode::OK, "{}", restored.body);
    assert_eq!(json(&restored)["deleted"], false);
    assert!(app.audited("user.restored").await);
    assert_eq!(
        app.login("cara@new.example", STRONG).await.1.status,
        StatusCode::SEE_OTHER
    );
    // Restoring an account whose address was taken meanwhile: 409.
    send(&app, "DELETE", &path, &global).await;
    app.create_user("cara@new.example", PASSWORD).await;
    problem(
        &send(&app, "POST", &format!("{path}/restore"), &global).await,
        StatusCode::CONFLICT,
    );

    // The superuser flag: global reach only, and never the last one away.
    let taken = format!("/api/v1/users/{}", user_id(&app, "taken@example.com").await);
    let promoted = body(&app, "PATCH", &taken, &global, json!({"superuser": true})).await;
    assert_eq!(json(&promoted)["superuser"], true, "{}", promoted.body);
    let demoted = body(&app, "PATCH", &taken, &global, json!({"superuser": false})).await;
    problem(&demoted, StatusCode::CONFLICT);
}

async fn organization_callers_keep_to_their_own(backend: Backend) {
    // SR-100: an organization's key creates only into its organization,
    // never a superuser or an owner; changes only accounts that belong to
    // its organizations alone.
    let app = TestApp::spawn(backend).await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    users(&app, &["amy@a.test".into()], Some("Org A")).await;
    let org_b = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Org B"))
        .await
        .unwrap()
        .id
        .to_string();
    let (_, org_key) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["users:write".into(), "sessions:read".into()];
    })
    .await;
    let made = body(
        &app,
        "POST",
        "/api/v1/users",
        &org_key,
        json!({"email": "new@a.test", "role": "admin"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(json(&made)["roles"][0]["organization"], "Org A");
    assert_eq!(json(&made)["roles"][0]["role"], "admin");
    for (bad, status, name) in [
        (
            json!({"email": "x@a.test", "superuser": true}),
            StatusCode::FORBIDDEN,
            "superuser",
        ),
        (
            json!({"email": "x@a.test", "role": "owner"}),
            StatusCode::FORBIDDEN,
            "role",
        ),
        (
            json!({"email": "x@a.test", "organization_id": org_b}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "organization_id",
        ),
    ] {
        let p = problem(
            &body(&app, "POST", "/api/v1/users", &org_key, bad).await,
            status,
        );
        assert_eq!(field(&p), name, "{p}");
    }
    assert!(
        app.db_run(|conn| ostiary::store::users::find_by_email(conn, "x@a.test"))
            .await
            .is_none()
    );

    // IDOR: another organization's user answers 404 to every operation.
    let bob = user_id(&app, "bob@b.test").await;
    for (method, op) in [
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "/unlock"),
        ("POST", "/verify-email"),
        ("POST", "/reset-mfa"),
        ("GET", "/sessions"),
    ] {
        let path = format!("/api/v1/users/{bob}{op}");
        let page = if method == "PATCH" {
            body(&app, method, &path, &org_key, json!({"name": "Pwned"})).await
        } else {
            send(&app, method, &path, &org_key).await
        };
        problem(&page, StatusCode::NOT_FOUND);
    }
    problem(
        &send(
            &app,
            "POST",
            &format!("/api/v1/users/{bob}/restore"),
            &org_key,
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &call(&app, "/api/v1/users?include_deleted=true", &org_key).await,
        StatusCode::FORBIDDEN,
    );

    // A member of both organizations is not Org A's alone to change: the
    // account is global (taking over its address would reach into Org B).
    let both = app
        .create_user_with("both@a.test", PASSWORD, |s: &mut UserSpec| {
            s.organization = Some(("Org A".into(), Role::Member));
        })
        .await;
    let (ob, both_id) = (org_b.clone(), both.clone());
    app.db_run(move |conn| {
        ostiary::store::orgs::add_member(
            conn,
            &both_id.as_str().into(),
            &ob.as_str().into(),
            "member",
            chrono::Utc::now().naive_utc(),
        )
    })
    .await;
    let path = format!("/api/v1/users/{both}");
    problem(
        &body(
            &app,
            "PATCH",
            &path,
            &org_key,
            json!({"email": "mine@evil.test"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &send(&app, "POST", &format!("{path}/disable"), &org_key).await,
        StatusCode::FORBIDDEN,
    );
    let still = json(&call(&app, &path, &org_key).await);
    assert_eq!(still["email"], "both@a.test");
    // The superuser flag is not an organization's to give.
    let amy = user_id(&app, "amy@a.test").await;
    problem(
        &body(
            &app,
            "PATCH",
            &format!("/api/v1/users/{amy}"),
            &org_key,
            json!({"superuser": true}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
}

async fn unlock_verify_reset_mfa_and_sessions(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 3;
        c.throttle.lock_secs = 600;
    })
    .await;
    let (_, global) = key(&app, |s| s.scopes = vec!["*".into()]).await;

    // Unlock: the throttle forgets the account.
    app.create_user("lou@example.com", PASSWORD).await;
    let lou = user_id(&app, "lou@example.com").await;
    for _ in 0..3 {
        app.login("lou@example.com", "a wrong guess").await;
    }
    assert_eq!(
        app.login("lou@example.com", PASSWORD).await.1.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    let unlocked = send(
        &app,
        "POST",
        &format!("/api/v1/users/{lou}/unlock"),
        &global,
    )
    .await;
    assert_eq!(unlocked.status, StatusCode::OK, "{}", unlocked.body);
    let (mut lou_b, res) = app.login("lou@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(app.audited("user.unlocked").await);

    // Sessions: listed without anything usable; ending one signs it out.
    let listed = json(&call(&app, &format!("/api/v1/users/{lou}/sessions"), &global).await);
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{listed}");
    let sid = items[0]["id"].as_str().unwrap().to_owned();
    let token = lou_b.session_cookie().unwrap();
    assert!(
        !listed.to_string().contains(token.as_str()),
        "no session token"
    );
    // Another user's path with this session: not found, nothing ended.
    app.create_user("other@example.com", PASSWORD).await;
    let other = user_id(&app, "other@example.com").await;
    problem(
        &send(
            &app,
            "DELETE",
            &format!("/api/v1/users/{other}/sessions/{sid}"),
            &global,
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    assert!(lou_b.is_signed_in().await);
    let (_, reader) = key(&app, |s| s.scopes = vec!["sessions:read".into()]).await;
    problem(
        &send(
            &app,
            "DELETE",
            &format!("/api/v1/users/{lou}/sessions/{sid}"),
            &reader,
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let ended = send(
        &app,
        "DELETE",
        &format!("/api/v1/users/{lou}/sessions/{sid}"),
        &global,
    )
    .await;
    assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.body);
    assert!(!lou_b.is_signed_in().await);
    assert!(app.audited("session.revoked").await);

    // Verify the address.
    let id = app
        .create_user_with("unv@example.com", PASSWORD, |s: &mut UserSpec| {
            s.email_verified = false;
        })
        .await;
    let verified = send(
        &app,
        "POST",
        &format!("/api/v1/users/{id}/verify-email"),
        &global,
    )
    .await;
    assert_eq!(json(&verified)["email_verified"], true, "{}", verified.body);

    // Reset MFA: the authenticator is gone, the sessions end, the next
    // sign-in needs only the password.
    mfa_support::user_with_totp(&app, "tina@example.com").await;
    let tina = user_id(&app, "tina@example.com").await;
    let (_, page) = mfa_support::password_step(&app, "tina@example.com").await;
    assert!(page.body.contains("code"));
    let reset = send(
        &app,
        "POST",
        &format!("/api/v1/users/{tina}/reset-mfa"),
        &global,
    )
    .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let details = &app.audit_rows("user.mfa_reset").await[0].details;
    assert!(details.contains("\"totp_removed\":true"), "{details}");
    let (_, res) = app.login("tina@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        !res.location().starts_with("/login/mfa"),
        "{}",
        res.location()
    );
}

async fn auditors_read_and_change_nothing(backend: Backend) {
    // An organization's auditor reads its users and audit log through the
    // API and changes nothing; other organizations stay invisible.
    let app = TestApp::spawn(backend).await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    let amy = app
        .create_user_with("amy@a.test", PASSWORD, |s: &mut UserSpec| {
            s.organization = Some(("Org A".into(), Role::Member));
        })
        .await;
    app.create_user_with("eve@a.test", PASSWORD, |s: &mut UserSpec| {
        s.organization = Some(("Org A".into(), Role::Auditor));
    })
    .await;
    let mut eve = with_second_factor(&app, "eve@a.test").await;
    let session = json(&eve.get("/api/v1/session").await);
    let scopes = session["scopes"].to_string();
    assert!(
        scopes.contains("audit:read") && !scopes.contains("write"),
        "{session}"
    );
    let csrf = session["csrf_token"].as_str().unwrap().to_owned();
    let listed = json(&eve.get("/api/v1/users").await);
    let emails = listed.to_string();
    assert!(
        emails.contains("amy@a.test") && !emails.contains("bob@b.test"),
        "{emails}"
    );
    assert_eq!(eve.get("/api/v1/audit-events").await.status, StatusCode::OK);
    let refused = eve
        .send(
            "POST".parse().unwrap(),
            &format!("/api/v1/users/{amy}/disable"),
            &[("x-csrf-token", &csrf)],
        )
        .await;
    problem(&refused, StatusCode::FORBIDDEN);
    // A plain member has no API at all.
    let (mut amy_b, _) = app.login("amy@a.test", PASSWORD).await;
    problem(&amy_b.get("/api/v1/users").await, StatusCode::FORBIDDEN);
}

/// The view of user `path` an API key and a console session get: roles,
/// identities and (console) consents, as one text each.
async fn seen(
    app: &TestApp,
    key: &str,
    b: &mut crate::helpers::Browser,
    id: &str,
) -> (String, String) {
    let api = json(&call(app, &format!("/api/v1/users/{id}"), key).await);
    let listed = json(&call(app, "/api/v1/users?q=shared", key).await);
    assert_eq!(
        listed["items"][0]["roles"], api["roles"],
        "list and show agree"
    );
    assert_eq!(listed["items"][0]["identities"], api["identities"]);
    let console = page(b, &format!("/admin/users/{id}"), StatusCode::OK).await;
    (
        format!("{} {}", api["roles"], api["identities"]),
        console.body,
    )
}

async fn organization_callers_see_only_their_part_of_a_shared_account(backend: Backend) {
    // S8 "users see only their organizations": an account in Org A and
    // Org B, seen by Org A's key and admin, shows its Org A membership,
    // its identities at instance-wide providers and its consents to
    // instance-wide clients — never Org B's membership, provider or
    // application. A global caller sees it all.
    let app = TestApp::spawn(backend).await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    let boss = org_admin(&app, "boss@a.test", "Org A", Role::Admin).await;
    let root = superuser(&app, "root@ostiary.test").await;
    let org_b = app
        .db_run(|conn| ostiary::store::orgs::find_by_name(conn, "Org B"))
        .await
        .unwrap()
        .id;
    let shared = app
        .create_user_with("shared@a.test", PASSWORD, |s: &mut UserSpec| {
            s.organization = Some(("Org A".into(), Role::Member));
        })
        .await;
    let (ob, uid) = (org_b.clone(), shared.clone());
    app.db_run(move |conn| {
        ostiary::store::orgs::add_member(
            conn,
            &uid.as_str().into(),
            &ob,
            "admin",
            chrono::Utc::now().naive_utc(),
        )
    })
    .await;
    let (_, global) = key(&app, |s| s.scopes = vec!["*".into()]).await;
    // A provider and an application of Org B's, and instance-wide ones.
    let mut made = Vec::new();
    for (path, spec) in [
        (
            "/api/v1/providers",
            json!({"kind": "google", "name": "Bravo SSO", "client_id": "b",
                   "client_secret": "upstream-client-secret-0123456789",
                   "organization_id": org_b.to_string()}),
        ),
        (
            "/api/v1/providers",
            json!({"kind": "google", "name": "Everyone SSO", "client_id": "e",
                   "client_secret": "upstream-client-secret-0123456789"}),
        ),
        (
            "/api/v1/clients",
            json!({"name": "Bravo Portal", "redirect_uris": ["https://b.example/cb"],
                   "organization_id": org_b.to_string()}),
        ),
        (
            "/api/v1/clients",
            json!({"name": "Everyone Portal", "redirect_uris": ["https://e.example/cb"]}),
        ),
    ] {
        let page = body(&app, "POST", path, &global, spec).await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.body);
        let v = json(&page);
        made.push(
            v["id"]
                .as_str()
                .or(v["client_id"].as_str())
                .unwrap()
                .to_owned(),
        );
    }
    let uid = shared.clone();
    app.db_run(move |conn| {
        let now = chrono::Utc::now().naive_utc();
        for (provider, subject) in [(&made[0], "bravo-subject"), (&made[1], "everyone-subject")] {
            ostiary::store::identities::insert(
                conn,
                &ostiary::store::identities::IdentityRow {
                    provider_id: provider.clone(),
                    subject: subject.into(),
                    user_id: uid.as_str().into(),
                    email: None,
                    created_at: now,
                    last_login_at: None,
                    tokens: None,
                    groups: "[]".into(),
                },
            )?;
        }
        for client in [&made[2], &made[3]] {
            ostiary::store::consents::merge(
                conn,
                &uid.as_str().into(),
                &client.as_str().into(),
                &["openid".into()],
                now,
            )?;
        }
        Ok(())
    })
    .await;

    let (_, org_key) = key(&app, |s| s.organization = Some("Org A".into())).await;
    let mut b = signed_in(&app, &boss).await;
    let (api, console) = seen(&app, &org_key, &mut b, &shared).await;
    assert!(
        api.contains("Org A") && api.contains("everyone-subject"),
        "{api}"
    );
    for theirs in ["Org B", "bravo-subject"] {
        assert!(!api.contains(theirs), "{theirs} shown: {api}");
    }
    assert!(console.contains("Everyone SSO") && console.contains("Everyone Portal"));
    for theirs in ["Org B", "Bravo SSO", "Bravo Portal", "bravo-subject"] {
        assert!(
            !console.contains(theirs),
            "{theirs} shown on the console page"
        );
    }

    let mut b = signed_in(&app, &root).await;
    let (api, console) = seen(&app, &global, &mut b, &shared).await;
    for all in ["Org A", "Org B", "everyone-subject", "bravo-subject"] {
        assert!(api.contains(all), "{all} missing: {api}");
    }
    for all in ["Org B", "Bravo SSO", "Bravo Portal", "Everyone Portal"] {
        assert!(console.contains(all), "{all} missing on the console page");
    }
}
