//! The admin console's frame (S8): who gets in (SR-100), the second factor
//! it needs (SR-101), anti-framing (SR-72), flash messages that only show
//! catalogue text, and the dashboard in Chromium at both widths.

use ostiary::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::console_support::{admin_with, in_chromium, org_admin, page, signed_in, superuser};
use crate::helpers::{Backend, PASSWORD, TestApp, browser_peer};

#[tokio::test]
async fn signed_out_browsers_go_to_sign_in_and_back() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut b = app.browser();
    let res = b.get("/admin?q=ada").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/login?return_to=%2Fadmin%3Fq%3Dada");
}

#[tokio::test]
async fn people_who_administer_nothing_are_refused() {
    // SR-100: a member of an organization is no administrator.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let member = admin_with(&app, "member@example.com", |s| {
        s.superuser = false;
        s.organization = Some(("Acme".into(), Role::Member));
    })
    .await;
    let mut b = signed_in(&app, &member).await;
    let res = page(&mut b, "/admin", StatusCode::FORBIDDEN).await;
    assert!(res.body.contains("administrators"), "{}", res.body);
    // A signed-in user with a password alone is refused too, before any
    // second step is asked for.
    app.create_user("plain@example.com", PASSWORD).await;
    let (mut plain, _) = app.login("plain@example.com", PASSWORD).await;
    page(&mut plain, "/admin", StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn the_console_needs_a_second_factor() {
    // SR-101: a superuser signed in with a password alone is sent to the
    // code step (factor enrolled) or to set one up (none yet).
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    let (b, res) = app.login(&admin.email, PASSWORD).await;
    assert!(
        res.location().starts_with("/login/mfa"),
        "{}",
        res.location()
    );
    assert!(b.session_cookie().is_none());

    app.create_user_with("fresh@example.com", PASSWORD, |s| s.superuser = true)
        .await;
    let (mut fresh, _) = app.login("fresh@example.com", PASSWORD).await;
    let res = fresh.get("/admin?x=1").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location()
            .starts_with("/login/mfa/enroll?return_to=%2Fadmin%3Fx%3D1"),
        "{}",
        res.location()
    );
    // The admin API refuses such a session outright (the same rule).
    assert_eq!(
        fresh.get("/api/v1/users").await.status,
        StatusCode::FORBIDDEN
    );
    // With the code step done, the console opens.
    let mut b2 = signed_in(&app, &admin).await;
    let dash = page(&mut b2, "/admin", StatusCode::OK).await;
    assert!(dash.body.contains("href=\"/admin/users\""), "{}", dash.body);
    drop(b);
}

#[tokio::test]
async fn console_pages_are_never_framed_and_flash_only_catalogue_text() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    let mut b = signed_in(&app, &admin).await;
    let res = page(
        &mut b,
        "/admin?notice=%3Cscript%3Ex&error=nope",
        StatusCode::OK,
    )
    .await;
    let csp = res.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(res.headers["x-frame-options"], "DENY");
    assert!(!res.body.contains("<script>x"), "{}", res.body);
    assert!(!res.body.contains("role=\"status\""), "{}", res.body);
}

#[tokio::test]
async fn auditors_read_and_organization_admins_see_their_navigation() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let auditor = org_admin(&app, "audit@example.com", "Acme", Role::Auditor).await;
    let mut b = signed_in(&app, &auditor).await;
    let res = page(&mut b, "/admin", StatusCode::OK).await;
    assert!(res.body.contains("read-only"), "{}", res.body);
    // Signing keys and MFA policies are global: not in an org's navigation.
    assert!(!res.body.contains("/admin/signing-keys"), "{}", res.body);
    let admin = org_admin(&app, "boss@example.com", "Acme", Role::Admin).await;
    let mut b = signed_in(&app, &admin).await;
    let res = page(&mut b, "/admin", StatusCode::OK).await;
    assert!(!res.body.contains("read-only"), "{}", res.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_in_chromium() {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(Backend::Sqlite).await;
    let admin = superuser(&app, "root@example.com").await;
    for i in 0..3 {
        let email = format!("user{i}@example.com");
        app.create_user(&email, PASSWORD).await;
        app.login(&email, PASSWORD).await;
        app.login(&email, "not the password").await;
    }
    let seen = in_chromium(&app, "console_dashboard.mjs", &admin, json!({})).await;
    assert_eq!(seen["charts"], json!(true), "{seen}");
}

/// The number in the dashboard tile labelled `label`.
fn tile(body: &str, label: &str) -> String {
    let end = body
        .find(&format!("<span class=\"stat-label\">{label}</span>"))
        .unwrap();
    let start = body[..end].rfind("<span class=\"stat-value\">").unwrap() + 25;
    body[start..end].split('<').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_dashboard_counts_what_the_caller_reaches() {
    // SR-100: an organization's admin sees numbers about its members only.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let root = superuser(&app, "root@example.com").await;
    let boss = org_admin(&app, "boss@example.com", "Acme", Role::Admin).await;
    app.create_user_with("member@example.com", PASSWORD, |s| {
        s.organization = Some(("Acme".into(), Role::Member));
    })
    .await;
    app.create_user("outsider@example.com", PASSWORD).await;
    // One failed and one successful sign-in of the outsider.
    app.login("outsider@example.com", "wrong password").await;
    app.login("outsider@example.com", PASSWORD).await;

    let mut b = signed_in(&app, &root).await;
    let global = page(&mut b, "/admin", StatusCode::OK).await;
    assert_eq!(tile(&global.body, "Users"), "4", "{}", global.body);
    assert_eq!(tile(&global.body, "Users with a second factor"), "50 %");
    assert!(global.body.contains("role=\"img\""), "{}", global.body);
    let failed = tile(&global.body, "Failed sign-ins, last 24 hours");
    assert_eq!(failed, "1");

    let mut b = signed_in(&app, &boss).await;
    let org = page(&mut b, "/admin", StatusCode::OK).await;
    assert_eq!(tile(&org.body, "Users"), "2", "{}", org.body);
    assert_eq!(tile(&org.body, "Failed sign-ins, last 24 hours"), "0");
    assert!(
        org.body.contains("The members of your organizations"),
        "{}",
        org.body
    );
}
