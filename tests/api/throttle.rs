//! Failed-login throttling in the database (SR-84): growing delay, then a
//! temporary lock; a refused attempt looks like any failed login (SR-85).

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    repeated_failures_lock_the_account_temporarily,
    delay_grows_after_failures,
    saturated_hashing_answers_503_with_retry_after,
    counters_and_sessions_are_shared_across_instances,
);

async fn counters_and_sessions_are_shared_across_instances(backend: Backend) {
    // S1: any instance can serve any request; throttling is global.
    let a = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 4;
    })
    .await;
    let b = a.second_instance().await;
    a.create_user("alice@example.com", PASSWORD).await;
    for app in [&a, &b, &a, &b] {
        let (_, res) = app.login("alice@example.com", "wrong guess again").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // Four failures spread over two instances lock the account on both.
    for app in [&a, &b] {
        let (_, res) = app.login("alice@example.com", PASSWORD).await;
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    }
    // A session made on one instance works on the other, and so do its CSRF
    // tokens (the key is shared through the database).
    app_login_on_other(&a, &b).await;
}

async fn app_login_on_other(a: &TestApp, b: &TestApp) {
    a.create_user("bob@example.com", PASSWORD).await;
    let (mut on_a, res) = a.login("bob@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let mut on_b = b.browser();
    on_b.cookies = on_a.cookies.clone();
    assert!(on_b.is_signed_in().await);
    let page = on_a.get("/account").await;
    let res = on_b
        .post_form(
            "/account/sessions/revoke-all",
            &[("csrf_token", &page.csrf())],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!on_a.is_signed_in().await);
}

async fn repeated_failures_lock_the_account_temporarily(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 4;
        c.throttle.lock_secs = 600;
    })
    .await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let mut failed_body = String::new();
    for _ in 0..4 {
        let res = b.login("alice@example.com", "guess guess guess").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        failed_body = res.body;
    }
    assert!(failed_body.contains("Incorrect email or password."));
    // Paused: even the right password is refused, and the page says for how
    // long and what else works (issue 9: a person is told what to do).
    let locked = b.login("alice@example.com", PASSWORD).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(locked.header("retry-after"), "600");
    assert!(
        locked
            .body
            .contains("Too many sign-in attempts for this address. Try again in 10 min"),
        "{}",
        locked.body
    );
    assert!(
        locked.body.contains("href=\"/login/email")
            && locked.body.contains("href=\"/password/reset\"")
    );
    assert!(!b.is_signed_in().await);
    // SR-85: an address without an account, after as many failures, gets
    // the very same page, so the message reveals nothing.
    let mut other = app.browser();
    for _ in 0..4 {
        other.login("nobody@example.com", "guess guess guess").await;
    }
    let ghost = other.login("nobody@example.com", PASSWORD).await;
    assert_eq!(ghost.status, locked.status);
    assert_eq!(ghost.header("retry-after"), locked.header("retry-after"));
    assert_eq!(
        ghost
            .body
            .replace(&ghost.csrf(), "CSRF")
            .replace("nobody@example.com", "EMAIL"),
        locked
            .body
            .replace(&locked.csrf(), "CSRF")
            .replace("alice@example.com", "EMAIL")
    );
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "login.locked").count(),
        2,
        "{actions:?}"
    );
    // Other accounts are not affected by alice's lock.
    app.create_user("bob@example.com", PASSWORD).await;
    let (_, bob) = app.login("bob@example.com", PASSWORD).await;
    assert_eq!(bob.status, StatusCode::SEE_OTHER);
    // The lock is temporary.
    app.clock.advance(Duration::seconds(601));
    let res = b.login("alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn delay_grows_after_failures(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 2;
        c.throttle.base_delay_ms = 60_000;
        c.throttle.max_delay_ms = 600_000;
    })
    .await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    b.login("alice@example.com", "wrong one here!").await;
    b.login("alice@example.com", "wrong two here!").await;
    // Second failure imposed a 60 s wait: the right password is refused now,
    // and the page says how long to wait...
    let waiting = b.login("alice@example.com", PASSWORD).await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(waiting.header("retry-after"), "60");
    assert!(
        waiting.body.contains("Try again in 1 min"),
        "{}",
        waiting.body
    );
    // ...and accepted once the wait is over.
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        b.login("alice@example.com", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // Success resets the account counter.
    let counters = app
        .state
        .db
        .run(|conn| ostiary::store::throttle::get(conn, "account:alice@example.com"))
        .await
        .unwrap();
    assert!(counters.is_none());
}

async fn saturated_hashing_answers_503_with_retry_after(backend: Backend) {
    // S12 / SR-83: bounded hashing, no unbounded queue.
    let app = TestApp::spawn_with(backend, |c| {
        c.password.max_concurrent_hashes = 1;
        c.password.queue_timeout_ms = 50;
    })
    .await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let csrf = b.get("/login").await.csrf();
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("email", "alice@example.com"),
        ("password", PASSWORD),
    ];
    // Another request holds the only hashing slot.
    let held = app.state.hasher.slot().await.unwrap();
    let busy = b.post_form("/login", &fields).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.header("retry-after"), "1");
    assert!(busy.body.contains("try again"));
    assert!(b.session_cookie().is_none());
    drop(held);
    let res = b.post_form("/login", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}
