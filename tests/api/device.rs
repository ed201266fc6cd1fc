//! The device flow (RFC 8628) end to end: `/device_authorization`, the
//! `/device` page with a signed-in browser, polling answers, single use.

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, RegisteredClient, TestApp, hidden_input};
use crate::oauth_support::*;
use crate::on_all_backends;

const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn setup(backend: Backend) -> (TestApp, RegisteredClient, SignedIn) {
    let app = TestApp::spawn(backend).await;
    let rp = app
        .client("tv")
        .public()
        .grants(&[DEVICE, "refresh_token"])
        .no_redirect_uris()
        .register()
        .await;
    let who = sign_in(&app, "ada@example.com").await;
    (app, rp, who)
}

async fn start(app: &TestApp, rp: &RegisteredClient, scope: &str) -> Reply {
    let res = post_as(app, rp, "/device_authorization", &[("scope", scope)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.header("cache-control"), "no-store");
    res
}

async fn poll(app: &TestApp, rp: &RegisteredClient, device_code: &str) -> Reply {
    post_as(
        app,
        rp,
        "/token",
        &[("grant_type", DEVICE), ("device_code", device_code)],
    )
    .await
}

/// Enter the code at /device and press `decision`.
async fn decide(who: &mut SignedIn, complete_uri: &str, decision: &str) -> String {
    let path = &complete_uri[complete_uri.find("/device").unwrap()..];
    let page = who.browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let code = hidden_input(&page.body, "user_code").unwrap();
    let confirm = who
        .browser
        .post_from(&page, "/device", &[("user_code", &code)])
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.body.contains("App tv"), "client name shown");
    let code = hidden_input(&confirm.body, "user_code").unwrap();
    let done = who
        .browser
        .post_from(
            &confirm,
            "/device/confirm",
            &[("user_code", &code), ("decision", decision)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    done.body
}

async fn device_flow_end_to_end(backend: Backend) {
    let (app, rp, mut who) = setup(backend).await;
    let started = start(&app, &rp, "openid email offline_access").await;
    let user_code = started.str("user_code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(
        started.str("verification_uri"),
        format!("{}/device", app.state.config.public_base())
    );
    assert!(started.json["interval"].as_i64().unwrap() > 0);
    let device_code = started.str("device_code");

    // Not decided yet; polled too fast → slow_down.
    assert_eq!(
        poll(&app, &rp, &device_code).await.error(),
        "authorization_pending"
    );
    assert_eq!(poll(&app, &rp, &device_code).await.error(), "slow_down");
    app.clock.advance(Duration::seconds(11));
    assert_eq!(
        poll(&app, &rp, &device_code).await.error(),
        "authorization_pending"
    );

    // An anonymous visitor is sent to sign in first, keeping the code.
    let mut anon = app.browser();
    let page = anon.get(&format!("/device?user_code={user_code}")).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location()
            .starts_with("/login?return_to=%2Fdevice%3Fuser_code%3D"),
        "{}",
        page.location()
    );

    let body = decide(&mut who, &started.str("verification_uri_complete"), "allow").await;
    assert!(body.contains("approved"), "{body}");
    app.clock.advance(Duration::seconds(20));
    let tokens = poll(&app, &rp, &device_code).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert_eq!(tokens.header("cache-control"), "no-store");
    let id = claims(&tokens.str("id_token"));
    assert_eq!(id["sub"], who.user_id.as_str());
    assert_eq!(id["aud"], "tv");
    assert!(tokens.json["refresh_token"].is_string());
    assert_eq!(
        userinfo(&app, &tokens.str("access_token")).await.json["email"],
        "ada@example.com"
    );
    // Single use.
    app.clock.advance(Duration::seconds(20));
    assert_eq!(poll(&app, &rp, &device_code).await.error(), "invalid_grant");
    app.assert_audited(&["device_code.approved", "token.issued"])
        .await;
}

async fn device_flow_denied_and_expired(backend: Backend) {
    let (app, rp, mut who) = setup(backend).await;
    let denied = start(&app, &rp, "openid").await;
    let body = decide(&mut who, &denied.str("verification_uri_complete"), "deny").await;
    assert!(body.contains("denied"), "{body}");
    assert_eq!(
        poll(&app, &rp, &denied.str("device_code")).await.error(),
        "access_denied"
    );

    let late = start(&app, &rp, "openid").await;
    app.clock
        .advance(Duration::seconds(app.config.oidc.device_code_ttl_secs + 1));
    assert_eq!(
        poll(&app, &rp, &late.str("device_code")).await.error(),
        "expired_token"
    );
    // The page refuses the expired code too.
    let res = who
        .browser
        .submit(
            "/device",
            "/device",
            &[("user_code", &late.str("user_code"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("not valid"), "{}", res.body);
    // Another client cannot poll with it; scopes are checked (SR-37).
    let other = app
        .client("tv2")
        .public()
        .grants(&[DEVICE])
        .register()
        .await;
    let fresh = start(&app, &rp, "openid").await;
    assert_eq!(
        poll(&app, &other, &fresh.str("device_code")).await.error(),
        "invalid_grant"
    );
    let res = post_as(
        &app,
        &rp,
        "/device_authorization",
        &[("scope", "openid admin")],
    )
    .await;
    assert_eq!(res.error(), "invalid_scope");
}

async fn device_page_throttles_wrong_codes(backend: Backend) {
    let (app, _rp, mut who) = setup(backend).await;
    let page = who.browser.get("/device").await;
    let csrf = page.csrf();
    let mut last = String::new();
    for _ in 0..=app.config.throttle.ip_lock_after {
        let res = who
            .browser
            .post_form(
                "/device",
                &[("csrf_token", &csrf), ("user_code", "BCDF-GHJK")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        last = res.body;
    }
    assert!(last.contains("Too many attempts"), "{last}");
}

async fn approval_by_an_ended_session_yields_no_tokens(backend: Backend) {
    // SR-64 (issue 10 item 6): the approving session signed out (or was
    // revoked, or the password reset) before the device polled.
    let (app, rp, mut who) = setup(backend).await;
    // Positive control: an approval by a live session gives tokens.
    let started = start(&app, &rp, "openid").await;
    decide(&mut who, &started.str("verification_uri_complete"), "allow").await;
    app.clock.advance(Duration::seconds(20));
    let ok = poll(&app, &rp, &started.str("device_code")).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    // Approve, then sign out, then poll.
    let started = start(&app, &rp, "openid").await;
    decide(&mut who, &started.str("verification_uri_complete"), "allow").await;
    who.browser.logout().await;
    app.clock.advance(Duration::seconds(20));
    let res = poll(&app, &rp, &started.str("device_code")).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.error(), "invalid_grant");
}

on_all_backends!(
    device_flow_end_to_end,
    device_flow_denied_and_expired,
    device_page_throttles_wrong_codes,
    approval_by_an_ended_session_yields_no_tokens,
);
