//! Organizations and members through the admin API and the CLI (S2, S8,
//! SR-100): create (global reach), rename, members' roles, invitations —
//! per role, with other organizations' objects answering 404 and the owner
//! role kept to global callers.

use crate::console_support::with_second_factor;
use reqwest::StatusCode;
use serde_json::{Value, json};

use ostiary::domain::Role;
use ostiary::users::accounts::UserSpec;

use crate::admin_api::{call, json, key, problem, send, users};
use crate::cli::{fails, succeeds};
use crate::helpers::{Backend, PASSWORD, Page, TestApp, TestDatabase};

crate::on_all_backends!(
    organizations_are_created_and_renamed,
    members_roles_and_invitations_keep_to_reach,
    organizations_from_the_cli,
);

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

async fn org_id(app: &TestApp, name: &str) -> String {
    let name = name.to_owned();
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, &name))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn user_id(app: &TestApp, email: &str) -> String {
    let email = email.to_owned();
    app.db_run(move |conn| ostiary::store::users::find_by_email(conn, &email))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn organizations_are_created_and_renamed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    users(&app, &["amy@a.test".into()], Some("Org A")).await;
    let (_, global) = key(&app, |s| s.scopes = vec!["organizations:write".into()]).await;
    let made = body(
        &app,
        "POST",
        "/api/v1/organizations",
        &global,
        json!({"name": " Acme "}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    assert_eq!(json(&made)["name"], "Acme");
    let acme = json(&made)["id"].as_str().unwrap().to_owned();
    problem(
        &body(
            &app,
            "POST",
            "/api/v1/organizations",
            &global,
            json!({"name": "Acme"}),
        )
        .await,
        StatusCode::CONFLICT,
    );
    let blank = problem(
        &body(
            &app,
            "POST",
            "/api/v1/organizations",
            &global,
            json!({"name": "   "}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(blank["errors"][0]["field"], "name");
    let renamed = body(
        &app,
        "PATCH",
        &format!("/api/v1/organizations/{acme}"),
        &global,
        json!({"name": "Acme Corp"}),
    )
    .await;
    assert_eq!(json(&renamed)["name"], "Acme Corp", "{}", renamed.body);
    let row = &app.audit_rows("organization.updated").await[0];
    assert!(
        row.details.contains("\"before\":{\"name\":\"Acme\"}")
            && row.details.contains("\"after\":{\"name\":\"Acme Corp\"}"),
        "{}",
        row.details
    );
    problem(
        &body(
            &app,
            "PATCH",
            &format!("/api/v1/organizations/{acme}"),
            &global,
            json!({"name": "Org B"}),
        )
        .await,
        StatusCode::CONFLICT,
    );

    // An organization's key: its own organization only, never a new one.
    let (_, org_key) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["organizations:write".into()];
    })
    .await;
    problem(
        &body(
            &app,
            "POST",
            "/api/v1/organizations",
            &org_key,
            json!({"name": "Mine"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let a = org_id(&app, "Org A").await;
    let b = org_id(&app, "Org B").await;
    let own = body(
        &app,
        "PATCH",
        &format!("/api/v1/organizations/{a}"),
        &org_key,
        json!({"name": "Org A2"}),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    problem(
        &body(
            &app,
            "PATCH",
            &format!("/api/v1/organizations/{b}"),
            &org_key,
            json!({"name": "Pwned"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    let (_, reader) = key(&app, |s| {
        s.organization = Some("Org A2".into());
        s.scopes = vec!["organizations:read".into()];
    })
    .await;
    problem(
        &body(
            &app,
            "PATCH",
            &format!("/api/v1/organizations/{a}"),
            &reader,
            json!({"name": "Nope"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
}

async fn members_roles_and_invitations_keep_to_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    users(&app, &["bob@b.test".into()], Some("Org B")).await;
    users(
        &app,
        &["amy@a.test".into(), "al@a.test".into()],
        Some("Org A"),
    )
    .await;
    let boss = app
        .create_user_with("boss@a.test", PASSWORD, |s: &mut UserSpec| {
            s.organization = Some(("Org A".into(), Role::Admin));
        })
        .await;
    let (a, b) = (org_id(&app, "Org A").await, org_id(&app, "Org B").await);
    let (amy, bob) = (
        user_id(&app, "amy@a.test").await,
        user_id(&app, "bob@b.test").await,
    );
    let (_, org_key) = key(&app, |s| {
        s.organization = Some("Org A".into());
        s.scopes = vec!["organizations:write".into(), "users:write".into()];
    })
    .await;
    let member = |org: &str, user: &str| format!("/api/v1/organizations/{org}/members/{user}");

    // A member's role changes; audited before/after with the organization.
    let set = body(
        &app,
        "PUT",
        &member(&a, &amy),
        &org_key,
        json!({"role": "auditor"}),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(json(&set)["role"], "auditor");
    let row = &app.audit_rows("membership.changed").await[0];
    assert!(
        row.details.contains("\"before\":{\"role\":\"member\"}"),
        "{}",
        row.details
    );
    assert_eq!(row.organization_id.as_deref(), Some(a.as_str()));
    let members = json(
        &call(
            &app,
            &format!("/api/v1/organizations/{a}/members"),
            &org_key,
        )
        .await,
    );
    assert!(members.to_string().contains("\"auditor\""), "{members}");

    // SR-100: the owner role is not an organization's to give; a
    // non-member is not added directly (it is invited); another
    // organization's members and the organization itself are not found.
    problem(
        &body(
            &app,
            "PUT",
            &member(&a, &amy),
            &org_key,
            json!({"role": "owner"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    problem(
        &body(
            &app,
            "PUT",
            &member(&a, &bob),
            &org_key,
            json!({"role": "admin"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &body(
            &app,
            "PUT",
            &member(&b, &bob),
            &org_key,
            json!({"role": "admin"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &send(&app, "DELETE", &member(&b, &bob), &org_key).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &body(
            &app,
            "PUT",
            &member(&a, &amy),
            &org_key,
            json!({"role": "king"}),
        )
        .await,
        StatusCode::BAD_REQUEST,
    );
    assert!(!app.audited("membership.added").await);

    // Removing a member; a global key adds anyone.
    let al = user_id(&app, "al@a.test").await;
    assert_eq!(
        send(&app, "DELETE", &member(&a, &al), &org_key)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert!(app.audited("membership.removed").await);
    let (_, global) = key(&app, |s| s.scopes = vec!["organizations:write".into()]).await;
    let added = body(
        &app,
        "PUT",
        &member(&a, &bob),
        &global,
        json!({"role": "owner"}),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(app.audited("membership.added").await);

    // Nobody changes their own role (an administrator's session).
    let mut bb = with_second_factor(&app, "boss@a.test").await;
    let csrf = json(&bb.get("/api/v1/session").await)["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = bb
        .send_json(
            "PUT".parse().unwrap(),
            &member(&a, &boss),
            &[("x-csrf-token", &csrf)],
            &json!({"role": "member"}),
        )
        .await;
    problem(&own, StatusCode::CONFLICT);

    // An invitation's link is a secret shown once: a session that signed
    // in long ago signs in again first, as in the console (SR-101).
    app.clock.advance(chrono::Duration::hours(2));
    let stale = bb
        .send_json(
            "POST".parse().unwrap(),
            &format!("/api/v1/organizations/{a}/invitations"),
            &[("x-csrf-token", &csrf)],
            &json!({"email": "late@a.test"}),
        )
        .await;
    let refused = problem(&stale, StatusCode::FORBIDDEN);
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("recent sign-in"),
        "{refused}"
    );
    assert!(!app.audited("invitation.created").await);

    // Invitations: into one's own organization only, owner by global only;
    // the link is in the answer once.
    let invite = |org: &str| format!("/api/v1/organizations/{org}/invitations");
    let made = body(
        &app,
        "POST",
        &invite(&a),
        &org_key,
        json!({"email": "new@a.test", "role": "admin"}),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = json(&made);
    assert!(
        made["accept_url"]
            .as_str()
            .unwrap()
            .contains("/invitation?token=")
    );
    assert_eq!(made["role"], "admin");
    problem(
        &body(
            &app,
            "POST",
            &invite(&b),
            &org_key,
            json!({"email": "x@a.test"}),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &body(
            &app,
            "POST",
            &invite(&a),
            &org_key,
            json!({"email": "x@a.test", "role": "owner"}),
        )
        .await,
        StatusCode::FORBIDDEN,
    );
    let bad = problem(
        &body(
            &app,
            "POST",
            &invite(&a),
            &org_key,
            json!({"email": "nope"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    assert_eq!(bad["errors"][0]["field"], "email");

    // Revoking: another organization's key finds nothing; ours revokes
    // once (audited), and the link stops working.
    let id = made["id"].as_str().unwrap();
    let revoke = format!("{}/{id}", invite(&a));
    let (_, b_key) = key(&app, |s| {
        s.organization = Some("Org B".into());
        s.scopes = vec!["users:write".into()];
    })
    .await;
    problem(
        &send(&app, "DELETE", &revoke, &b_key).await,
        StatusCode::NOT_FOUND,
    );
    problem(
        &send(&app, "DELETE", &format!("{}/{id}", invite(&b)), &b_key).await,
        StatusCode::NOT_FOUND,
    );
    let revoked = send(&app, "DELETE", &revoke, &org_key).await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let link = made["accept_url"].as_str().unwrap();
    let path = &link[link.find("/invitation?").unwrap()..];
    assert_eq!(
        app.browser().get(path).await.status,
        StatusCode::BAD_REQUEST
    );
    problem(
        &send(&app, "DELETE", &revoke, &org_key).await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(app.audit_rows("invitation.revoked").await.len(), 1);
}

async fn organizations_from_the_cli(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let made = succeeds(dir.path(), &["org", "create", "--name", "Globex"], &env);
    assert_eq!(made["name"], "Globex");
    let err = fails(dir.path(), &["org", "create", "--name", "Globex"], &env, 1);
    assert!(err.contains("another organization has this name"), "{err}");
    succeeds(
        dir.path(),
        &["user", "create", "--email", "hank@globex.test"],
        &env,
    );
    let set = succeeds(
        dir.path(),
        &[
            "org",
            "set-role",
            "--org",
            "Globex",
            "--user",
            "hank@globex.test",
            "--role",
            "auditor",
        ],
        &env,
    );
    assert_eq!(set["role"], "auditor");
    let listed = succeeds(dir.path(), &["org", "list"], &env);
    assert_eq!(listed[0]["name"], "Globex");
    let shown = succeeds(dir.path(), &["user", "show", "hank@globex.test"], &env);
    assert_eq!(shown["roles"][0]["role"], "auditor", "{shown}");
    let removed = succeeds(
        dir.path(),
        &[
            "org",
            "remove-member",
            "--org",
            "Globex",
            "--user",
            "hank@globex.test",
        ],
        &env,
    );
    assert_eq!(removed["removed"], true);
}
