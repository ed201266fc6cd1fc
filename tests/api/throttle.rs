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
    parallel_guesses_are_not_all_evaluated,
    a_stranger_cannot_lock_the_owner_out,
    parallel_sign_ins_of_different_accounts_all_succeed,
    a_success_clears_the_account_and_gives_the_source_its_reservation_back,
);

mod postgres_only {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reservations_on_one_counter_wait_for_each_other() {
        if let Some(backend) = crate::helpers::Backend::postgres() {
            super::reservations_on_one_counter_wait_for_each_other(backend).await
        }
    }
}

async fn reservations_on_one_counter_wait_for_each_other(backend: Backend) {
    // Regression (issue 18, docs/performance.md): sign-ins behind one
    // address share its counter; SERIALIZABLE aborted all but one of the
    // parallel reservations and ran them again. Now the second waits for
    // the first's lock, runs once, and counts on top of it.
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use ostiary::audit::Actor;
    use ostiary::auth::throttle::{self, Gate, Keys};
    use ostiary::store::{locked_tx, throttle as counters};

    let app = TestApp::spawn(backend).await;
    let cfg = app.state.config.throttle.clone();
    let now = app.state.now();
    let (held_tx, held_rx) = std::sync::mpsc::channel::<()>();
    let first = {
        let cfg = cfg.clone();
        app.state.db.run(move |conn| {
            locked_tx(conn, |conn| {
                let keys = Keys::new("one@example.com", "192.0.2.7");
                let gate = throttle::reserve(conn, &Actor::system("test"), &keys, now, &cfg)?;
                let _ = held_tx.send(());
                // Hold the locks while the other reservation starts.
                std::thread::sleep(std::time::Duration::from_millis(400));
                Ok(gate)
            })
        })
    };
    let runs = Arc::new(AtomicU32::new(0));
    let second = {
        let runs = runs.clone();
        app.state.db.run(move |conn| {
            held_rx
                .recv()
                .map_err(|_| ostiary::error::AppError::Internal("first never held".into()))?;
            locked_tx(conn, |conn| {
                runs.fetch_add(1, Ordering::SeqCst);
                let keys = Keys::new("two@example.com", "192.0.2.7");
                throttle::reserve(conn, &Actor::system("test"), &keys, now, &cfg)
            })
        })
    };
    let (first, second) = tokio::join!(first, second);
    assert!(matches!(first.unwrap(), Gate::Reserved { .. }));
    assert!(matches!(second.unwrap(), Gate::Reserved { .. }));
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "the second reservation ran again"
    );
    let ip = app
        .state
        .db
        .run(|conn| counters::get(conn, &throttle::ip_key("192.0.2.7")))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ip.failures, 2, "one reservation's count was lost");
}

async fn a_success_clears_the_account_and_gives_the_source_its_reservation_back(backend: Backend) {
    // SR-84: two reservations from one address, then a success: the
    // account's counters start over, the address keeps one failure (the
    // other attempt's), and a further success never takes it below zero.
    use ostiary::audit::Actor;
    use ostiary::auth::throttle::{self, Gate, Keys};
    use ostiary::store::{locked_tx, throttle as counters};

    let app = TestApp::spawn(backend).await;
    let cfg = app.state.config.throttle.clone();
    let now = app.state.now();
    let keys = Keys::new("ann@example.com", "192.0.2.9");
    let other = Keys::new("bob@example.com", "192.0.2.9");
    let (k, o, c) = (keys.clone(), other.clone(), cfg.clone());
    app.state
        .db
        .run(move |conn| {
            locked_tx(conn, |conn| {
                for keys in [&k, &k, &o] {
                    let gate = throttle::reserve(conn, &Actor::system("test"), keys, now, &c)?;
                    assert!(matches!(gate, Gate::Reserved { .. }));
                }
                Ok(())
            })
        })
        .await
        .unwrap();
    let read = |keys: Keys| {
        app.state.db.run(move |conn| {
            let rows = counters::get_many(conn, &[&keys.account, &keys.account_source, &keys.ip])?;
            Ok::<_, ostiary::error::AppError>(
                rows.into_iter()
                    .map(|r| r.map(|r| r.failures))
                    .collect::<Vec<_>>(),
            )
        })
    };
    assert_eq!(
        read(keys.clone()).await.unwrap(),
        [Some(2), Some(2), Some(3)]
    );
    let settle = |keys: Keys| {
        app.state
            .db
            .run(move |conn| locked_tx(conn, |conn| throttle::settle_success(conn, &keys)))
    };
    settle(keys.clone()).await.unwrap();
    assert_eq!(read(keys.clone()).await.unwrap(), [None, None, Some(2)]);
    assert_eq!(
        read(other.clone()).await.unwrap()[0],
        Some(1),
        "bob's count stays"
    );
    for _ in 0..3 {
        settle(keys.clone()).await.unwrap();
    }
    assert_eq!(read(keys).await.unwrap(), [None, None, Some(0)]);
}

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
        .db_run(|conn| ostiary::store::throttle::get(conn, "account:alice@example.com"))
        .await;
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
    // Other requests fill admission to the only hashing slot (two callers
    // per slot: one hashing, one preparing).
    let held = [
        app.state.hasher.slot().await.unwrap(),
        app.state.hasher.slot().await.unwrap(),
    ];
    let busy = b.post_form("/login", &fields).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.header("retry-after"), "1");
    assert!(busy.body.contains("try again"));
    assert!(b.session_cookie().is_none());
    drop(held);
    let res = b.post_form("/login", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
}

/// Sign in from the client address `ip` (behind the trusted proxy).
async fn login_from(
    b: &mut crate::helpers::Browser,
    ip: &str,
    email: &str,
    password: &str,
) -> crate::helpers::Page {
    let form = b.get("/login").await;
    b.post_form_with(
        "/login",
        &[
            ("csrf_token", &form.csrf()),
            ("email", email),
            ("password", password),
        ],
        &[("x-forwarded-for", ip)],
    )
    .await
}

async fn parallel_guesses_are_not_all_evaluated(backend: Backend) {
    // SR-83, SR-84 (issue 10 item 2): the attempt is reserved before the
    // password is hashed, so 40 simultaneous wrong passwords cannot all be
    // checked; with account_delay_after = 3 at most 3 get through.
    let app = TestApp::spawn_with(backend, |c| {
        c.throttle.account_delay_after = 3;
        c.throttle.base_delay_ms = 60_000;
        c.throttle.max_delay_ms = 600_000;
        c.password.max_concurrent_hashes = 40;
        c.password.queue_timeout_ms = 60_000;
    })
    .await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut handles = Vec::new();
    for _ in 0..40 {
        let mut b = app.browser();
        let form = b.get("/login").await;
        handles.push(tokio::spawn(async move {
            b.post_form(
                "/login",
                &[
                    ("csrf_token", &form.csrf()),
                    ("email", "alice@example.com"),
                    ("password", "a parallel wrong guess"),
                ],
            )
            .await
            .status
        }));
    }
    let mut evaluated = 0;
    let mut refused = 0;
    for h in handles {
        match h.await.unwrap() {
            StatusCode::UNAUTHORIZED => evaluated += 1,
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(evaluated, 3, "evaluated {evaluated}, refused {refused}");
    assert_eq!(refused, 37);
    // Positive control: once the delay is over the right password works.
    app.clock.advance(Duration::seconds(61));
    assert_eq!(
        app.login("alice@example.com", PASSWORD).await.1.status,
        StatusCode::SEE_OTHER
    );
}

async fn a_stranger_cannot_lock_the_owner_out(backend: Backend) {
    // SR-84 (issue 10 item 3): failures lock the stranger's source out of
    // the account, not the owner; the account as a whole only slows down,
    // and then a right password still gets in through a second factor.
    let app = TestApp::spawn_with(backend, |c| {
        // A network (CIDR) of proxies: the loopback network.
        c.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 5;
        c.throttle.base_delay_ms = 60_000;
        c.throttle.max_delay_ms = 600_000;
    })
    .await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut stranger = app.browser();
    for _ in 0..5 {
        let res = login_from(
            &mut stranger,
            "203.0.113.7",
            "alice@example.com",
            "guess guess guess",
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    // The stranger's source is locked out of alice's account, even with the
    // right password.
    let res = login_from(&mut stranger, "203.0.113.7", "alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    // The account as a whole is paused: alice without a second factor is
    // told to wait (or use an emailed code), the same answer a wrong
    // password gets, so the pause is no oracle.
    let mut owner = app.browser();
    let right = login_from(&mut owner, "198.51.100.20", "alice@example.com", PASSWORD).await;
    let wrong = login_from(
        &mut app.browser(),
        "198.51.100.21",
        "alice@example.com",
        "not it at all!",
    )
    .await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(wrong.status, right.status);
    // The pause is short and ends; the owner gets in from her own network.
    app.clock.advance(Duration::seconds(61));
    let res = login_from(&mut owner, "198.51.100.20", "alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(owner.is_signed_in().await);
    // The stranger's source is still locked.
    let res = login_from(&mut stranger, "203.0.113.7", "alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);

    // An owner with a second factor gets through a pause at once: the right
    // password leads to the second step, which signs her in.
    let (secret, _) = crate::mfa_support::user_with_totp(&app, "bob@example.com").await;
    for i in 0..5 {
        let ip = format!("203.0.113.{}", 100 + i);
        login_from(
            &mut app.browser(),
            &ip,
            "bob@example.com",
            "guess guess guess",
        )
        .await;
    }
    let mut bob = app.browser();
    let res = login_from(&mut bob, "198.51.100.30", "bob@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        res.location().starts_with("/login/mfa?"),
        "{}",
        res.location()
    );
    let page = bob.get(res.location()).await;
    let done = crate::mfa_support::submit(
        &mut bob,
        &page,
        "/login/mfa/totp",
        &crate::mfa_support::code(&app, &secret, 0),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(bob.is_signed_in().await);
}

async fn parallel_sign_ins_of_different_accounts_all_succeed(backend: Backend) {
    // Reservations of different accounts from one network do not hold each
    // other up (the clock-skew regression itself is the unit test
    // `a_failure_without_delay_does_not_move_the_next_attempt`).
    let app = TestApp::spawn_with(backend, |c| c.password.max_concurrent_hashes = 8).await;
    let mut handles = Vec::new();
    for i in 0..8 {
        let email = format!("user{i}@example.com");
        app.create_user(&email, PASSWORD).await;
        let mut b = app.browser();
        let form = b.get("/login").await;
        handles.push(tokio::spawn(async move {
            b.post_form(
                "/login",
                &[
                    ("csrf_token", &form.csrf()),
                    ("email", &email),
                    ("password", PASSWORD),
                ],
            )
            .await
            .status
        }));
    }
    for h in handles {
        assert_eq!(h.await.unwrap(), StatusCode::SEE_OTHER);
    }
}
