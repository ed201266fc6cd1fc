//! The audit log in the admin console and the API (S9, SR-100): filters,
//! pages newest first, a refused filter named on the page, drill-down to
//! an event and the events of its request and session, verifying the chain
//! (superusers, audited), and organization reach — an organization's admin
//! never sees another organization's events, by list, filter or address.

use ostiary::audit::{self, Action, Actor, Event, Outcome};
use ostiary::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::admin_api::{call, json as body_json, key};
use crate::console_support::{in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, TestApp, browser_peer};

crate::on_all_backends!(
    the_log_filters_pages_and_drills_down,
    verifying_the_chain_is_for_superusers_and_audited,
    organization_admins_read_only_their_organizations_events,
);

/// Record `action` on `target` (in organization `org`) as the system.
async fn record(app: &TestApp, action: Action, target: &str, org: Option<&str>) {
    let mut event = Event::new(action, Outcome::Success).target("user", target);
    if let Some(org) = org {
        event = event.organization(org);
    }
    audit::record_alone(&app.state.db, Actor::system("test"), event, app.state.now())
        .await
        .unwrap();
}

/// The first `/admin/audit/{id}` link of a list page.
fn first_event_link(body: &str) -> String {
    body.match_indices("href=\"/admin/audit/")
        .map(|(at, _)| {
            let start = at + "href=\"".len();
            let end = start + body[start..].find('"').unwrap();
            body[start..end].to_owned()
        })
        .find(|link| !link.starts_with("/admin/audit/export"))
        .unwrap_or_else(|| panic!("no event link:\n{body}"))
}

async fn org_id(app: &TestApp, name: &'static str) -> String {
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, name))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn the_log_filters_pages_and_drills_down(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    // A failed sign-in of somebody else, from this machine.
    let (_, failed) = app.login("root@example.com", "wrong password").await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED, "{}", failed.body);
    let mut b = signed_in(&app, &root).await;
    for i in 0..55 {
        record(&app, Action::UserUpdated, &format!("target-{i:02}"), None).await;
    }

    // Newest first: the 55 updates, then the sign-ins.
    let list = page(&mut b, "/admin/audit", StatusCode::OK).await;
    assert!(list.body.contains("Audit log"), "{}", list.body);
    assert!(list.body.contains("target-54"), "newest first");
    assert!(!list.body.contains("target-04"), "50 per page");
    assert!(list.body.contains("Older events"), "{}", list.body);

    // Filters: action and outcome.
    let failures = page(
        &mut b,
        "/admin/audit?action=login.failure&outcome=failure",
        StatusCode::OK,
    )
    .await;
    assert!(failures.body.contains("login.failure"), "{}", failures.body);
    assert!(!failures.body.contains("user.updated"), "{}", failures.body);
    assert!(
        !failures.body.contains("login.success"),
        "{}",
        failures.body
    );

    // Paging within a filter: 50, then the 5 oldest; back to the newest.
    let first = page(&mut b, "/admin/audit?action=user.updated", StatusCode::OK).await;
    assert_eq!(first.body.matches("<code>user.updated</code>").count(), 50);
    let older = first
        .body
        .split("rel=\"next\"")
        .next()
        .and_then(|s| s.rsplit("href=\"").next())
        .map(|s| {
            s.split('"')
                .next()
                .unwrap()
                .replace("&#38;", "&")
                .replace("&amp;", "&")
        })
        .unwrap();
    assert!(older.contains("action=user.updated"), "{older}");
    let second = page(&mut b, &older, StatusCode::OK).await;
    assert_eq!(second.body.matches("<code>user.updated</code>").count(), 5);
    assert!(second.body.contains("target-00") && !second.body.contains("target-05"));
    assert!(second.body.contains("Newest events"), "{}", second.body);

    // Time range: nothing before the epoch of this test, everything after.
    let none = page(
        &mut b,
        "/admin/audit?until=2000-01-01T00:00",
        StatusCode::OK,
    )
    .await;
    assert!(none.body.contains("Nothing found"), "{}", none.body);

    // A refused filter is named, nothing is listed (400).
    for (query, named) in [
        ("outcome=maybe", "outcome: must be success or failure"),
        ("since=yesterday", "since: must be an RFC 3339 time"),
    ] {
        let bad = page(
            &mut b,
            &format!("/admin/audit?{query}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
        assert!(bad.body.contains(named), "{query}: {}", bad.body);
        assert!(
            !bad.body.contains("<code>user.updated</code>"),
            "{}",
            bad.body
        );
    }

    // Drill-down: the admin's own sign-in, with the events of its session.
    let signed = page(&mut b, "/admin/audit?action=login.success", StatusCode::OK).await;
    let link = first_event_link(&signed.body);
    let event = page(&mut b, &link, StatusCode::OK).await;
    for text in [
        "<code>login.success</code>",
        "In the same session",
        "Everything from this address",
        "127.0.0.1",
        "Number in the chain",
    ] {
        assert!(event.body.contains(text), "{text}: {}", event.body);
    }
    assert!(
        event.body.contains("mfa.verified"),
        "the second step is in the same request: {}",
        event.body
    );
    // An address that is no event is not found.
    page(&mut b, "/admin/audit/nope", StatusCode::NOT_FOUND).await;

    // The API reads the same event, and the same filters.
    let (_, api_key) = key(&app, |s| s.scopes = vec!["audit:read".into()]).await;
    let id = link.trim_start_matches("/admin/audit/");
    let shown = call(&app, &format!("/api/v1/audit-events/{id}"), &api_key).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert_eq!(body_json(&shown)["action"], "login.success");
    let session = body_json(&shown)["details"].clone();
    assert!(session.is_object(), "{session}");
    let missing = call(&app, "/api/v1/audit-events/nope", &api_key).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let by_ip = call(
        &app,
        "/api/v1/audit-events?ip=127.0.0.1&action=login.failure",
        &api_key,
    )
    .await;
    let items = body_json(&by_ip)["items"].as_array().unwrap().clone();
    assert!(!items.is_empty(), "{}", by_ip.body);
    assert!(items.iter().all(|e| e["ip"] == "127.0.0.1"));
}

async fn verifying_the_chain_is_for_superusers_and_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &root).await;
    let list = page(&mut b, "/admin/audit", StatusCode::OK).await;
    assert!(list.body.contains("Verify chain"), "{}", list.body);
    let done = b.post_from(&list, "/admin/audit/verify", &[]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("The audit chain is intact"),
        "{}",
        done.body
    );
    let verified = app.audit_rows("audit.verified").await;
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].outcome, "success");
    assert_eq!(verified[0].actor_type, "user");

    // Without the form's CSRF token nothing runs (SR-70).
    let forged = b
        .post_form("/admin/audit/verify", &[("csrf_token", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
    assert_eq!(app.audit_rows("audit.verified").await.len(), 1);

    // An organization's admin has no button and is refused.
    let boss = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    let mut b = signed_in(&app, &boss).await;
    let list = page(&mut b, "/admin/audit", StatusCode::OK).await;
    assert!(!list.body.contains("Verify chain"), "{}", list.body);
    let refused = b.post_from(&list, "/admin/audit/verify", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(app.audit_rows("audit.verified").await.len(), 1);
}

async fn organization_admins_read_only_their_organizations_events(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let boss = org_admin(&app, "boss@acme.test", "Acme", Role::Admin).await;
    let auditor = org_admin(&app, "audit@acme.test", "Acme", Role::Auditor).await;
    org_admin(&app, "boss@globex.test", "Globex", Role::Admin).await;
    let (acme, globex) = (org_id(&app, "Acme").await, org_id(&app, "Globex").await);
    record(&app, Action::UserUpdated, "acme-member", Some(&acme)).await;
    record(&app, Action::UserUpdated, "globex-member", Some(&globex)).await;
    record(&app, Action::UserUpdated, "nobodys-member", None).await;
    // Untagged events of members (a sign-in) are theirs to read; an event
    // about a member tagged with another organization is not.
    let user_id = |email: &'static str| {
        let app = &app;
        async move {
            app.db_run(move |conn| ostiary::store::users::find_by_email(conn, email))
                .await
                .unwrap()
                .id
                .to_string()
        }
    };
    let (acme_boss, globex_boss) = (
        user_id("boss@acme.test").await,
        user_id("boss@globex.test").await,
    );
    let failed = |target: String, org: Option<String>| {
        let app = &app;
        async move {
            let mut event = Event::new(Action::LoginFailed, Outcome::Failure)
                .target("user", target)
                .details(json!({ "marker": "failed-sign-in" }));
            if let Some(org) = org {
                event = event.organization(org);
            }
            audit::record_alone(&app.state.db, Actor::system("test"), event, app.state.now())
                .await
                .unwrap();
        }
    };
    failed(acme_boss.clone(), None).await;
    failed(globex_boss.clone(), None).await;
    failed(acme_boss.clone(), Some(globex.clone())).await;
    // A member's untagged action on someone outside (as a superuser who is
    // also a member could) stays out; on themself it is in.
    let by_member = |target: String, marker: &'static str| {
        let (app, actor) = (&app, Actor::system("test").as_user(&acme_boss, None));
        async move {
            let event = Event::new(Action::UserDisabled, Outcome::Success)
                .target("user", target)
                .details(json!({ "marker": marker }));
            audit::record_alone(&app.state.db, actor, event, app.state.now())
                .await
                .unwrap();
        }
    };
    by_member(globex_boss.clone(), "member-on-outsider").await;
    by_member(acme_boss.clone(), "member-on-self").await;
    let theirs = app
        .audit_rows("user.updated")
        .await
        .into_iter()
        .find(|r| r.target_id.as_deref() == Some("globex-member"))
        .unwrap()
        .id;

    // SR-100: the list, a filter naming the other organization, and the
    // other organization's event by address.
    for admin in [&boss, &auditor] {
        let mut b = signed_in(&app, admin).await;
        let list = page(&mut b, "/admin/audit", StatusCode::OK).await;
        assert!(list.body.contains("acme-member"), "{}", list.body);
        assert!(!list.body.contains("globex-member"), "{}", list.body);
        assert!(!list.body.contains("nobodys-member"), "{}", list.body);
        let filtered = page(
            &mut b,
            &format!("/admin/audit?organization_id={globex}"),
            StatusCode::OK,
        )
        .await;
        assert!(
            !filtered.body.contains("globex-member"),
            "{}",
            filtered.body
        );
        let search = page(&mut b, "/admin/audit?q=globex", StatusCode::OK).await;
        assert!(!search.body.contains("globex-member"), "{}", search.body);
        page(
            &mut b,
            &format!("/admin/audit/{theirs}"),
            StatusCode::NOT_FOUND,
        )
        .await;
        let failures = page(&mut b, "/admin/audit?action=login.failure", StatusCode::OK).await;
        assert_eq!(
            failures.body.matches("<code>login.failure</code>").count(),
            1,
            "{}",
            failures.body
        );
        assert!(failures.body.contains(&acme_boss), "{}", failures.body);
        assert!(!failures.body.contains(&globex_boss), "{}", failures.body);
        let disabled = page(&mut b, "/admin/audit?action=user.disabled", StatusCode::OK).await;
        assert_eq!(
            disabled.body.matches("<code>user.disabled</code>").count(),
            1,
            "{}",
            disabled.body
        );
        assert!(!disabled.body.contains(&globex_boss), "{}", disabled.body);
    }
    // An organization's API key likewise.
    let (_, acme_key) = key(&app, |s| {
        s.scopes = vec!["audit:read".into()];
        s.organization = Some("Acme".into());
    })
    .await;
    let shown = call(&app, &format!("/api/v1/audit-events/{theirs}"), &acme_key).await;
    assert_eq!(shown.status, StatusCode::NOT_FOUND, "{}", shown.body);
    let listed = call(&app, "/api/v1/audit-events?q=-member", &acme_key).await;
    let targets: Vec<String> = body_json(&listed)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target_id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(targets, ["acme-member"], "{}", listed.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    let seen = in_chromium(&app, "console_audit.mjs", &admin, json!({})).await;
    for variant in ["en-desktop", "de-phone"] {
        let v = &seen[variant];
        assert_eq!(v["filtered_only_failures"], json!(true), "{seen}");
        assert_eq!(v["event_opened"], json!(true), "{seen}");
        assert_eq!(v["verified"], json!(true), "{seen}");
        assert_eq!(v["exported"], json!(true), "{seen}");
        assert_eq!(v["checkpoint"], json!(true), "{seen}");
    }
    assert_eq!(app.audit_rows("audit.verified").await.len(), 2);
    assert_eq!(app.audit_rows("audit.exported").await.len(), 2);
    assert_eq!(app.audit_rows("audit.checkpointed").await.len(), 2);
}
