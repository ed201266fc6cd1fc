//! First run: `/` leads to `/setup`; exactly one of many concurrent setups
//! wins; afterwards the form is gone (SR-86).

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    empty_store_redirects_to_setup,
    concurrent_setup_creates_exactly_one_admin,
    setup_validates_input_and_changes_nothing,
    setup_signs_in_the_first_admin_as_owner,
    configured_setup_token_is_required,
    an_exposed_instance_needs_the_printed_setup_token,
);

/// The setup form for root@example.com with the setup token `token` (the
/// last field, to change between posts).
pub fn root_setup_form<'a>(csrf: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf_token", csrf),
        ("email", "root@example.com"),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
        ("setup_token", token),
    ]
}

async fn an_exposed_instance_needs_the_printed_setup_token(backend: Backend) {
    // SR-86 (issue 10 item 9): a public issuer without a configured
    // setup_token: the first visitor does not become superuser; the token
    // from the link printed at start (the same on every instance) does.
    let app = TestApp::spawn_with(backend, |c| c.issuer = "https://id.example.com".into()).await;
    let token =
        ostiary::users::setup::setup_token(&app.state).expect("a token for an exposed issuer");
    assert_eq!(token.len(), 32);
    let other = app.second_instance().await;
    assert_eq!(
        ostiary::users::setup::setup_token(&other.state),
        Some(token.clone())
    );
    let mut b = app.browser();
    let page = b.get("/setup").await;
    assert!(page.body.contains(r#"name="setup_token""#), "{}", page.body);
    let csrf = page.csrf();
    let mut fields = root_setup_form(&csrf, "");
    for wrong in ["", "0123456789abcdef0123456789abcdef"] {
        fields[4].1 = wrong;
        let refused = b.post_form("/setup", &fields).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{wrong:?}");
    }
    assert_eq!(app.user_count().await, 0);
    // The printed link prefills the token.
    let linked = b.get(&format!("/setup?token={token}")).await;
    assert!(linked.body.contains(&format!("value=\"{token}\"")));
    fields[4].1 = &token;
    assert_eq!(
        b.post_form("/setup", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.user_count().await, 1);
    // A loopback issuer (the local default) needs none.
    let local = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(ostiary::users::setup::setup_token(&local.state), None);
}

async fn configured_setup_token_is_required(backend: Backend) {
    // SR-86: the bootstrap admin can be bound to a one-time secret.
    let app = TestApp::spawn_with(backend, |c| {
        c.setup_token = Some("a-long-one-time-setup-secret".into())
    })
    .await;
    let mut b = app.browser();
    let page = b.get("/setup").await;
    assert!(page.body.contains(r#"name="setup_token""#));
    let csrf = page.csrf();
    let mut fields = root_setup_form(&csrf, "wrong");
    let refused = b.post_form("/setup", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body.contains("setup token is not correct"));
    assert_eq!(app.user_count().await, 0);
    fields[4].1 = "a-long-one-time-setup-secret";
    assert_eq!(
        b.post_form("/setup", &fields).await.status,
        StatusCode::SEE_OTHER
    );
}

async fn setup_signs_in_the_first_admin_as_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut admin = app.setup_admin("Root@Example.com", PASSWORD).await;
    let page = admin.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("root@example.com"));
    assert!(page.body.contains("Administrator"));
    assert!(page.body.contains("Default") && page.body.contains("owner"));
    // The admin can sign in again with the password chosen at setup.
    let (_, res) = app.login("root@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let actions = app.audit_actions().await;
    assert_eq!(
        actions[..3],
        ["organization.created", "user.created", "setup.completed"]
    );
}

async fn empty_store_redirects_to_setup(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/setup");
    let page = b.get("/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Create the first administrator"));
    assert!(page.body.contains(r#"name="password""#));
}

async fn concurrent_setup_creates_exactly_one_admin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    // Twelve browsers load the form, then all submit at once.
    let mut submissions = Vec::new();
    for i in 0..12 {
        let mut b = app.browser();
        let csrf = b.get("/setup").await.csrf();
        submissions.push(async move {
            let email = format!("admin{i}@example.com");
            b.post_form(
                "/setup",
                &[
                    ("csrf_token", csrf.as_str()),
                    ("email", email.as_str()),
                    ("display_name", "Admin"),
                    ("password", PASSWORD),
                    ("password_confirm", PASSWORD),
                ],
            )
            .await
        });
    }
    let handles: Vec<_> = submissions.into_iter().map(tokio::spawn).collect();
    let mut won = 0;
    for handle in handles {
        let page = handle.await.unwrap();
        match page.status {
            StatusCode::SEE_OTHER => {
                assert_eq!(page.location(), "/account");
                won += 1;
            }
            // Never "busy, try again" (it was on PostgreSQL, when the
            // database aborted a loser as not serializable).
            StatusCode::CONFLICT => assert!(page.body.contains("already set up"), "{}", page.body),
            other => panic!("unexpected {other}: {}", page.body),
        }
    }
    assert_eq!(won, 1, "exactly one setup must succeed");
    let users = app.user_count().await;
    assert_eq!(users, 1);
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "setup.completed").count(),
        1
    );

    // Afterwards /setup no longer offers the form, and / goes to login.
    let mut b = app.browser();
    let page = b.get("/setup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("already set up"));
    assert!(!page.body.contains(r#"name="password""#));
    assert_eq!(b.get("/").await.location(), "/login");
}

async fn setup_validates_input_and_changes_nothing(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    let csrf = b.get("/setup").await.csrf();
    let cases: [(&str, &str, &str, &str); 3] = [
        ("not-an-email", PASSWORD, PASSWORD, "email address"),
        ("a@example.com", "short", "short", "at least 15 characters"),
        (
            "a@example.com",
            PASSWORD,
            "something else entirely",
            "do not match",
        ),
    ];
    for (email, password, confirm, message) in cases {
        let page = b
            .post_form(
                "/setup",
                &[
                    ("csrf_token", &csrf),
                    ("email", email),
                    ("password", password),
                    ("password_confirm", confirm),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(
            page.body.contains(message),
            "expected {message:?} in:\n{}",
            page.body
        );
    }
    // Without a CSRF token: 403 and nothing created (SR-70).
    let page = b
        .post_form(
            "/setup",
            &[
                ("email", "a@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(app.user_count().await, 0);
    assert!(app.audit_actions().await.is_empty());
}
