//! Password sign-in through the hosted form: success, failure, identical
//! answers for unknown email and wrong password (SR-85), CSRF (SR-70),
//! session id regeneration (SR-60), cookie attributes (SR-62).

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    login_success_sets_a_host_session_cookie,
    login_failure_shows_the_form_again,
    unknown_email_and_wrong_password_look_identical,
    login_without_csrf_token_is_forbidden,
    login_from_another_origin_is_forbidden,
    browser_form_post_with_null_origin_is_accepted,
    login_regenerates_the_session_id,
    logout_ends_the_session,
    return_to_only_follows_local_paths,
    locked_account_cannot_sign_in_and_loses_its_sessions,
    signing_in_as_someone_else_ends_the_previous_session,
    deleted_user_is_signed_out_and_the_email_is_free_again,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_form_gets_a_generic_page() {
    // Issue 10 item 15: the form parser's words stay in the log.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = reqwest::Client::new()
        .post(format!("{}/login", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf_token=x&email=a&email=b")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let body = res.text().await.unwrap();
    assert!(body.contains("The form could not be read."), "{body}");
    for leak in ["duplicate", "field", "`email`", "serde"] {
        assert!(!body.contains(leak), "{leak} in {body}");
    }
}

async fn deleted_user_is_signed_out_and_the_email_is_free_again(backend: Backend) {
    // S2 soft delete; SR-65 sessions end on delete; SR-86 setup stays closed.
    let app = TestApp::spawn(backend).await;
    let mut admin = app.setup_admin("root@example.com", PASSWORD).await;
    let alice = app.create_user("alice@example.com", PASSWORD).await;
    let (mut b, _) = app.login("alice@example.com", PASSWORD).await;
    app.delete_user(&alice).await;
    assert!(!b.is_signed_in().await);
    let (_, res) = app.login("alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // The row stays for the audit trail; a new account may use the address.
    let again = app.create_user("alice@example.com", PASSWORD).await;
    assert_ne!(again, alice);
    assert!(app.audited("user.deleted").await);
    // Deleting the first admin does not reopen setup.
    let root = app
        .db_run(|conn| {
            Ok(
                ostiary::store::users::find_by_email(conn, "root@example.com")?
                    .unwrap()
                    .id,
            )
        })
        .await;
    app.delete_user(&root).await;
    assert!(!admin.is_signed_in().await);
    let page = admin.get("/setup").await;
    assert!(page.body.contains("already set up"));
}

async fn signing_in_as_someone_else_ends_the_previous_session(backend: Backend) {
    // Regression (SR-60): the replaced session was only revoked when it
    // belonged to the user signing in, leaving another user's session alive.
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.create_user("bob@example.com", PASSWORD).await;
    let (mut b, _) = app.login("alice@example.com", PASSWORD).await;
    let alice_cookie = b.session_cookie().unwrap().clone();
    let res = b.reauthenticate("bob@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(b.get("/account").await.body.contains("bob@example.com"));
    assert!(
        !app.browser_with_session(&alice_cookie).is_signed_in().await,
        "the previous session must end"
    );
    assert_eq!(app.live_session_count().await, 1);
}

async fn locked_account_cannot_sign_in_and_loses_its_sessions(backend: Backend) {
    // S2: login requires an unlocked account; SR-65: a disabled account's
    // sessions stop working.
    let app = TestApp::spawn(backend).await;
    let mut before = app.signed_in_user("alice@example.com").await;
    let (_, wrong) = app.login("alice@example.com", "not the password!").await;
    app.sql("UPDATE users SET locked = TRUE WHERE email = 'alice@example.com'")
        .await
        .unwrap();
    assert!(!before.is_signed_in().await);
    // A wrong password on the disabled account looks like any other.
    let (_, res) = app.login("alice@example.com", "not the password!").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.body, wrong.body.replace(&wrong.csrf(), &res.csrf()));
    // The right one is refused and the owner is told why (only someone who
    // knows the password learns that the account is disabled).
    let (mut b, res) = app.login("alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(
        res.body.contains("This account is disabled."),
        "{}",
        res.body
    );
    assert!(!b.is_signed_in().await);
}

async fn login_success_sets_a_host_session_cookie(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let form = b.get("/login").await;
    assert!(form.body.contains(r#"name="email""#) && form.body.contains(r#"name="password""#));
    let res = b
        .post_from(
            &form,
            "/login",
            &[("email", " Alice@Example.com "), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account");
    // SR-62: __Host- prefix, HttpOnly, Secure, SameSite=Lax, Path=/; SR-61: ≥128-bit id.
    let set_cookie = res
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("__Host-ostiary_session="))
        .expect("session cookie");
    for attr in ["HttpOnly", "Secure", "SameSite=Lax", "Path=/"] {
        assert!(set_cookie.contains(attr), "{attr} missing in {set_cookie}");
    }
    assert!(!set_cookie.to_ascii_lowercase().contains("domain="));
    assert!(b.session_cookie().unwrap().len() >= 43);
    let account = b.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("alice@example.com"));
    assert!(account.body.contains("Firefox on Linux"));
    app.assert_audited(&["login.success"]).await;
}

async fn login_failure_shows_the_form_again(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let (mut b, res) = app
        .login("alice@example.com", "wrong password, sorry")
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("Incorrect email or password."));
    assert!(res.body.contains(r#"name="password""#));
    assert!(b.session_cookie().is_none());
    assert!(!b.is_signed_in().await);
    assert_eq!(app.live_session_count().await, 0);
    assert!(app.audited("login.failure").await);
}

async fn unknown_email_and_wrong_password_look_identical(backend: Backend) {
    // SR-85: same status, body, headers and cookies.
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let form = b.get("/login").await;
    let mut attempt = async |email| {
        b.post_from(
            &form,
            "/login",
            &[("email", email), ("password", "not the password!")],
        )
        .await
    };
    let wrong = attempt("alice@example.com").await;
    let unknown = attempt("nobody@example.com").await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(
        wrong.body.replace("alice@example.com", "EMAIL"),
        unknown.body.replace("nobody@example.com", "EMAIL")
    );
    let names = |p: &crate::helpers::Page| {
        let mut n: Vec<String> = p
            .headers
            .keys()
            .map(|k| k.to_string())
            .filter(|k| k != "x-request-id" && k != "date")
            .collect();
        n.sort();
        n
    };
    assert_eq!(names(&wrong), names(&unknown));
    assert_eq!(wrong.header("set-cookie"), unknown.header("set-cookie"));
}

async fn login_without_csrf_token_is_forbidden(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    b.get("/login").await;
    let before = app.audit_actions().await.len();
    for token in ["", "forged-token"] {
        let res = b
            .post_form(
                "/login",
                &[
                    ("csrf_token", token),
                    ("email", "alice@example.com"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        assert!(res.body.contains("Request ID"));
    }
    // Nothing changed: no session, no audit record, no throttle counter.
    assert_eq!(app.live_session_count().await, 0);
    assert_eq!(app.audit_actions().await.len(), before);
    assert!(b.session_cookie().is_none());
}

/// Post alice's right password from one login form, once per case with
/// the case's request headers, expecting the case's status.
async fn login_posts_with_headers(backend: Backend, cases: &[(&[(&str, &str)], StatusCode)]) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let form = b.get("/login").await;
    let fields = [("email", "alice@example.com"), ("password", PASSWORD)];
    for (headers, status) in cases {
        let res = b.post_from_with(&form, "/login", &fields, headers).await;
        assert_eq!(res.status, *status, "{headers:?}: {}", res.body);
    }
}

async fn login_from_another_origin_is_forbidden(backend: Backend) {
    // SR-70: Origin / Sec-Fetch-Site checked besides the token.
    login_posts_with_headers(
        backend,
        &[
            (&[("origin", "https://evil.example")], StatusCode::FORBIDDEN),
            (&[("sec-fetch-site", "cross-site")], StatusCode::FORBIDDEN),
            (
                &[
                    ("origin", "http://localhost:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                StatusCode::SEE_OTHER,
            ),
        ],
    )
    .await;
}

async fn browser_form_post_with_null_origin_is_accepted(backend: Backend) {
    // Regression: Chromium sends `Origin: null` for form posts from pages
    // served with `Referrer-Policy: no-referrer`; a same-origin post with a
    // valid token must work, a cross-site one must not.
    login_posts_with_headers(
        backend,
        &[
            (
                &[("origin", "null"), ("sec-fetch-site", "cross-site")],
                StatusCode::FORBIDDEN,
            ),
            (
                &[("origin", "null"), ("sec-fetch-site", "same-origin")],
                StatusCode::SEE_OTHER,
            ),
        ],
    )
    .await;
}

async fn login_regenerates_the_session_id(backend: Backend) {
    // SR-60: a new id at every sign-in; the old one stops working.
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("alice@example.com").await;
    let first = b.session_cookie().unwrap().clone();
    let form = b.get("/login?return_to=/account").await;
    assert_eq!(
        form.status,
        StatusCode::SEE_OTHER,
        "signed-in users skip the form"
    );
    // Sign in again (re-authentication) by posting the form with the session's token.
    let res = b.reauthenticate("alice@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let second = b.session_cookie().unwrap().clone();
    assert_ne!(first, second);
    assert!(!app.browser_with_session(&first).is_signed_in().await);
    assert!(b.is_signed_in().await);
}

async fn logout_ends_the_session(backend: Backend) {
    // SR-64: logout kills the server-side session; the old cookie is useless.
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("alice@example.com").await;
    let cookie = b.session_cookie().unwrap().clone();
    let confirm = b.get("/logout").await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        app.live_session_count().await == 1,
        "GET /logout changes nothing"
    );
    // Without the token nothing happens.
    let refused = b.post_form("/logout", &[("csrf_token", "nope")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(app.live_session_count().await, 1);
    let done = b
        .post_form("/logout", &[("csrf_token", &confirm.csrf())])
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("signed out"));
    assert!(b.session_cookie().is_none());
    assert!(!app.browser_with_session(&cookie).is_signed_in().await);
    assert!(app.audited("session.logout").await);
}

async fn return_to_only_follows_local_paths(backend: Backend) {
    // SR-04: no open redirect after login.
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    for (return_to, expected) in [
        ("/account?x=1", "/account?x=1"),
        ("https://evil.example/", "/account"),
        ("//evil.example", "/account"),
    ] {
        let res = app
            .browser()
            .submit(
                "/login",
                "/login",
                &[
                    ("email", "alice@example.com"),
                    ("password", PASSWORD),
                    ("return_to", return_to),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);
        assert_eq!(res.location(), expected);
    }
}
