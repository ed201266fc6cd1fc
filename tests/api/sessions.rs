//! Sessions: tampered cookies are anonymous, revocation is immediate,
//! "sign out all devices", idle and absolute timeouts (SR-61…SR-66).

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    tampered_or_unknown_cookie_is_anonymous,
    revoked_session_is_dead_on_next_request,
    sign_out_all_devices_ends_every_session,
    users_cannot_revoke_other_users_sessions,
    idle_timeout_ends_the_session,
    absolute_lifetime_ends_an_active_session,
    account_page_lists_sessions_with_device_ip_and_last_seen,
    sign_out_other_devices_keeps_this_one,
    signing_out_everywhere_disconnects_apps_unless_kept,
);

async fn sign_out_other_devices_keeps_this_one(backend: Backend) {
    // SR-65: after changing how they sign in, users can end every other
    // session while keeping the one they are using.
    let app = TestApp::spawn(backend).await;
    let mut here = app.signed_in_user("alice@example.com").await;
    let (mut there, _) = app.login("alice@example.com", PASSWORD).await;
    let page = here.get("/account/security").await;
    assert!(
        page.body.contains("Sign out other devices"),
        "{}",
        page.body
    );
    let refused = here.post_form("/account/sessions/revoke-others", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "CSRF required");
    assert!(there.is_signed_in().await);
    let res = here
        .post_from(&page, "/account/sessions/revoke-others", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/account/security?notice=others-signed-out");
    assert!(here.is_signed_in().await);
    assert!(!there.is_signed_in().await);
    let page = here.get(res.location()).await;
    assert!(page.body.contains("Your other devices were signed out."));
    assert!(
        !page.body.contains("Sign out other devices"),
        "only one session left"
    );
    let rows = app.audit_rows("session.revoke_all").await;
    assert!(
        rows[0].details.contains("\"kept_current\":true"),
        "{}",
        rows[0].details
    );
}

async fn tampered_or_unknown_cookie_is_anonymous(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let b = app.signed_in_user("alice@example.com").await;
    let good = b.session_cookie().unwrap().clone();
    let mut flipped = good.clone().into_bytes();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(flipped).unwrap();
    for bad in [
        tampered.as_str(),
        "x",
        "",
        &"A".repeat(500),
        &format!("{good}x"),
    ] {
        assert!(
            !app.browser_with_session(bad).is_signed_in().await,
            "cookie {bad:?} must be anonymous"
        );
    }
}

async fn revoked_session_is_dead_on_next_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut laptop = app.signed_in_user("alice@example.com").await;
    let (mut phone, _) = app.login("alice@example.com", PASSWORD).await;
    assert!(phone.is_signed_in().await);

    let page = laptop.get("/account").await;
    // The phone's session is the only one with a revoke form.
    let ids = session_ids(&page.body);
    assert_eq!(ids.len(), 1);
    let other_id = &ids[0];
    let res = laptop
        .post_from(&page, &format!("/account/sessions/{other_id}/revoke"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account?notice=session-revoked");
    assert!(
        !phone.is_signed_in().await,
        "revoked session must be dead at once"
    );
    assert!(laptop.is_signed_in().await);
    assert!(app.audited("session.revoked").await);
}

/// Session ids that have a revoke form on the account page.
fn session_ids(html: &str) -> Vec<String> {
    html.match_indices("/account/sessions/")
        .filter_map(|(i, _)| {
            let rest = &html[i + "/account/sessions/".len()..];
            let id = rest.split('/').next()?;
            (rest[id.len()..].starts_with("/revoke") && id.len() == 36).then(|| id.to_owned())
        })
        .collect()
}

async fn sign_out_all_devices_ends_every_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut laptop = app.signed_in_user("alice@example.com").await;
    let (mut phone, _) = app.login("alice@example.com", PASSWORD).await;
    let page = laptop.get("/account").await;
    assert!(page.body.contains("Sign out all devices"));
    // Without a token: 403, both still signed in.
    let refused = laptop.post_form("/account/sessions/revoke-all", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(phone.is_signed_in().await);
    let res = laptop
        .post_from(&page, "/account/sessions/revoke-all", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!laptop.is_signed_in().await);
    assert!(!phone.is_signed_in().await);
    assert_eq!(app.live_session_count().await, 0);
    assert!(app.audited("session.revoke_all").await);
}

async fn users_cannot_revoke_other_users_sessions(backend: Backend) {
    // SR-66: only one's own sessions.
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.create_user("bob@example.com", PASSWORD).await;
    let (mut alice, _) = app.login("alice@example.com", PASSWORD).await;
    let (mut bob, _) = app.login("bob@example.com", PASSWORD).await;
    let bob_page = bob.get("/account").await;
    // Bob's own session id appears only as "This device"; read it from the database.
    let bob_session = app
        .db_run(|conn| {
            use diesel::prelude::*;
            use ostiary::db::schema::{auth_sessions, users};
            Ok(auth_sessions::table
                .inner_join(users::table)
                .filter(users::email.eq("bob@example.com"))
                .select(auth_sessions::id)
                .first::<String>(conn)?)
        })
        .await;
    assert!(bob_page.body.contains("This device"));
    let res = alice
        .submit(
            "/account",
            &format!("/account/sessions/{bob_session}/revoke"),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(bob.is_signed_in().await);
}

async fn idle_timeout_ends_the_session(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("alice@example.com").await;
    app.clock
        .advance(Duration::hours(7) + Duration::minutes(59));
    assert!(
        b.is_signed_in().await,
        "activity within 8 h keeps the session"
    );
    app.clock.advance(Duration::hours(8) + Duration::seconds(1));
    assert!(!b.is_signed_in().await, "8 h idle ends it");
}

async fn absolute_lifetime_ends_an_active_session(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.session.idle_timeout_secs = 3600;
        c.session.absolute_lifetime_secs = 4 * 3600;
    })
    .await;
    let mut b = app.signed_in_user("alice@example.com").await;
    for _ in 0..4 {
        app.clock.advance(Duration::minutes(59));
        assert!(b.is_signed_in().await);
    }
    // 3 h 56 min in: still fine; past 4 h the session ends although active.
    app.clock.advance(Duration::minutes(5));
    assert!(!b.is_signed_in().await);
}

async fn account_page_lists_sessions_with_device_ip_and_last_seen(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("alice@example.com").await;
    let mut phone = app.browser();
    phone.user_agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36".into();
    phone.login("alice@example.com", PASSWORD).await;
    let page = b.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Firefox on Linux"));
    assert!(page.body.contains("Chrome on Android"));
    assert!(page.body.contains("127.0.0.1"));
    assert!(page.body.contains("This device"));
    assert!(page.body.contains(" UTC"));
    assert_eq!(
        session_ids(&page.body).len(),
        1,
        "one other session can be revoked"
    );
    assert_eq!(page.header("cache-control"), "no-store");
}

async fn signing_out_everywhere_disconnects_apps_unless_kept(backend: Backend) {
    // SR-65, SR-42 (issue 10 item 5): offline refresh tokens do not outlive
    // "sign out all devices" / "other devices" unless the user keeps them.
    use crate::oauth_support::{
        SignedIn, refresh, sign_in, sign_in_existing, tokens_for, web_client,
    };
    let app = TestApp::spawn(backend).await;
    let rp = web_client(&app, "notes").await;
    let mut ann = sign_in(&app, "ann@example.com").await;
    let rt = tokens_for(&app, &rp, &ann, "openid offline_access")
        .await
        .str("refresh_token");
    // Positive control: the refresh token works.
    let rt = {
        let res = refresh(&app, &rp, &rt, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.json);
        res.str("refresh_token")
    };
    // The box unticked: sessions end, the application keeps its access.
    let page = ann.browser.get("/account").await;
    assert!(
        page.body
            .contains(r#"name="disconnect_apps" type="checkbox" value="yes" checked"#)
    );
    ann.browser
        .post_from(
            &page,
            "/account/sessions/revoke-all",
            &[("apps_choice", "1")],
        )
        .await;
    assert!(!ann.browser.is_signed_in().await);
    let kept = refresh(&app, &rp, &rt, None).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.json);
    // The default (box ticked, or a client that never saw it): revoked.
    let mut ann = SignedIn {
        browser: app.login("ann@example.com", PASSWORD).await.0,
        ..ann
    };
    ann.browser
        .submit(
            "/account",
            "/account/sessions/revoke-all",
            &[("apps_choice", "1"), ("disconnect_apps", "yes")],
        )
        .await;
    assert_eq!(
        refresh(&app, &rp, &kept.str("refresh_token"), None)
            .await
            .error(),
        "invalid_grant"
    );
    // "Sign out other devices" keeps this session's grants but ends the
    // offline access given in another one.
    let mut here = sign_in_existing(&app, "ann@example.com").await;
    let there = sign_in_existing(&app, "ann@example.com").await;
    let elsewhere = tokens_for(&app, &rp, &there, "openid offline_access")
        .await
        .str("refresh_token");
    let mine = tokens_for(&app, &rp, &here, "openid offline_access")
        .await
        .str("refresh_token");
    here.browser
        .submit("/account/security", "/account/sessions/revoke-others", &[])
        .await;
    assert!(here.browser.is_signed_in().await);
    assert_eq!(
        refresh(&app, &rp, &elsewhere, None).await.error(),
        "invalid_grant"
    );
    assert_eq!(refresh(&app, &rp, &mine, None).await.status, StatusCode::OK);
}
