//! Email (S6) against a real SMTP server (aiosmtpd): sign-in codes, their
//! limits and expiry, password reset, verification, delivery records and
//! an SMTP outage. Invitations are in `invitations.rs`.

use chrono::Duration;
use diesel::prelude::*;
use ostiary::crypto::token::sha256_hex;
use reqwest::StatusCode;

use crate::helpers::{Backend, Browser, PASSWORD, TestApp};
use crate::mail_sink::{MailSink, code_in, free_port, link_in, path_of};

/// An app sending mail to `sink`.
pub async fn app_with(backend: Backend, sink: &MailSink) -> TestApp {
    let url = sink.url();
    TestApp::spawn_with(backend, |c| {
        c.smtp_url = Some(url.into());
        c.mail.tls = Some("none".into());
    })
    .await
}

/// Ask for a sign-in code for `email` in `b`.
pub async fn request_code(b: &mut Browser, email: &str) -> crate::helpers::Page {
    b.submit("/login/email", "/login/email", &[("email", email)])
        .await
}

/// Enter `code` in `b`.
pub async fn enter_code(b: &mut Browser, code: &str) -> crate::helpers::Page {
    b.submit("/login/email/code", "/login/email/code", &[("code", code)])
        .await
}

async fn deliveries(app: &TestApp) -> Vec<ostiary::store::mail_deliveries::Delivery> {
    app.db_run(|conn| ostiary::store::mail_deliveries::recent(conn, 100))
        .await
}

async fn code_sign_in_end_to_end(backend: Backend) {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let mut b = app.browser();
    let login = b.get("/login?return_to=/account").await;
    assert!(
        login.body.contains("href=\"/login/email?return_to="),
        "{}",
        login.body
    );
    assert!(login.body.contains("href=\"/password/reset\""));
    let res = request_code(&mut b, "Ann@Example.com").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/login/email/code");
    assert!(b.cookies.contains_key("__Host-ostiary_email_code"));
    let mail = sink.wait_for("ann@example.com", 1).await;
    let code = code_in(&mail);
    assert!(mail.html.contains(&code) && mail.subject.contains("sign-in code"));

    // Stored hashed (keyed), never in plaintext.
    let rows: Vec<(String, String)> = app
        .db_run(|conn| {
            use ostiary::db::schema::email_codes::dsl::*;
            Ok(email_codes.select((code_hash, binding_hash)).load(conn)?)
        })
        .await;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].0.contains(&code) && rows[0].0.len() == 64);
    let binding = b.cookies["__Host-ostiary_email_code"].clone();
    assert_eq!(rows[0].1, sha256_hex(binding.as_bytes()));

    // Another browser cannot use the code (bound to the requester).
    let mut other = app.browser();
    let res = enter_code(&mut other, &code).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let res = enter_code(&mut b, wrong).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("2 attempts left"), "{}", res.body);

    let res = enter_code(&mut b, &code).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account");
    assert!(b.is_signed_in().await);
    assert!(!b.cookies.contains_key("__Host-ostiary_email_code"));
    let amr: String = app
        .db_run(|conn| {
            use ostiary::db::schema::auth_sessions::dsl::*;
            Ok(auth_sessions.select(amr).first(conn)?)
        })
        .await;
    assert!(amr.contains("otp"), "{amr}");

    // Single use: the same code again (with the binding restored) fails.
    let mut again = app.browser();
    again
        .cookies
        .insert("__Host-ostiary_email_code".into(), binding);
    let res = enter_code(&mut again, &code).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);

    let sent = deliveries(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].kind.as_str(), sent[0].status.as_str()),
        ("sign_in_code", "sent")
    );
    app.assert_audited(&[
        "email_code.issued",
        "mail.sent",
        "email_code.failed",
        "email_code.used",
        "login.success",
    ])
    .await;
}

crate::on_all_backends!(
    code_sign_in_end_to_end,
    password_reset_revokes_everything_and_is_single_use,
    paused_account_still_signs_in_with_an_emailed_code,
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_expire_and_allow_three_attempts() {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(Backend::Sqlite, &sink).await;
    app.create_user("bo@example.com", PASSWORD).await;

    // Expiry after 10 minutes.
    let mut b = app.browser();
    request_code(&mut b, "bo@example.com").await;
    let code = code_in(&sink.wait_for("bo@example.com", 1).await);
    app.clock.advance(Duration::seconds(601));
    let res = enter_code(&mut b, &code).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("expired"), "{}", res.body);

    // Three wrong attempts end the code, even for the right one after.
    let mut b = app.browser();
    request_code(&mut b, "bo@example.com").await;
    let code = code_in(&sink.wait_for("bo@example.com", 2).await);
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    assert_eq!(
        enter_code(&mut b, wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        enter_code(&mut b, wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        enter_code(&mut b, wrong).await.status,
        StatusCode::BAD_REQUEST
    );
    let res = enter_code(&mut b, &code).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(!b.is_signed_in().await);

    // Parallel guesses cannot exceed the limit either.
    app.clock.advance(Duration::minutes(20));
    let mut b = app.browser();
    request_code(&mut b, "bo@example.com").await;
    let code = code_in(&sink.wait_for("bo@example.com", 3).await);
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    let csrf = b.get("/login/email/code").await.csrf();
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let mut twin = app.browser();
        twin.cookies = b.cookies.clone();
        let csrf = csrf.clone();
        tasks.push(tokio::spawn(async move {
            twin.post_form(
                "/login/email/code",
                &[("csrf_token", &csrf), ("code", wrong)],
            )
            .await
            .status
        }));
    }
    let mut wrong_answers = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::UNAUTHORIZED => wrong_answers += 1,
            StatusCode::BAD_REQUEST => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(wrong_answers <= 2, "{wrong_answers}");
    let attempts: Vec<i32> = app
        .db_run(|conn| {
            use ostiary::db::schema::email_codes::dsl::*;
            Ok(email_codes
                .order(created_at.desc())
                .select(attempts)
                .load(conn)?)
        })
        .await;
    assert_eq!(attempts[0], 3);
    assert_eq!(
        enter_code(&mut b, &code).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hourly_limit_and_no_enumeration() {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(Backend::Sqlite, &sink).await;
    app.create_user("cy@example.com", PASSWORD).await;
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for _ in 0..4 {
        let mut b = app.browser();
        known.push(request_code(&mut b, "cy@example.com").await);
        let mut b = app.browser();
        unknown.push(request_code(&mut b, "nobody@example.com").await);
    }
    let shape = |p: &crate::helpers::Page| {
        let mut cookies: Vec<String> = p
            .headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().split('=').next().unwrap().to_owned())
            .collect();
        cookies.sort();
        (p.status, p.location().to_owned(), p.body.clone(), cookies)
    };
    for (k, u) in known.iter().zip(&unknown) {
        assert_eq!(shape(k), shape(u));
    }
    assert_eq!(known[2].status, StatusCode::SEE_OTHER);
    assert_eq!(known[3].status, StatusCode::TOO_MANY_REQUESTS);
    // The code page looks the same too.
    let mut b1 = app.browser();
    let mut b2 = app.browser();
    let p1 = b1.get("/login/email/code").await;
    let p2 = b2.get("/login/email/code").await;
    assert_eq!(
        p1.body.replace(&p1.csrf(), ""),
        p2.body.replace(&p2.csrf(), "")
    );
    // Only the three codes for the real account were mailed.
    sink.wait_for("cy@example.com", 3).await;
    assert_eq!(sink.to("cy@example.com").len(), 3);
    assert!(sink.to("nobody@example.com").is_empty());
    // An hour later, codes can be requested again.
    app.clock.advance(Duration::minutes(61));
    let mut b = app.browser();
    assert_eq!(
        request_code(&mut b, "cy@example.com").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smtp_outage_shows_a_clear_page_and_records_the_failure() {
    let port = free_port();
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.smtp_url = Some(format!("smtp://127.0.0.1:{port}").into());
        c.mail.tls = Some("none".into());
        c.mail.timeout_secs = 2;
    })
    .await;
    app.create_user("di@example.com", PASSWORD).await;
    for email in ["di@example.com", "nobody@example.com"] {
        let mut b = app.browser();
        let res = request_code(&mut b, email).await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
        assert!(
            res.body.contains("could not send the email"),
            "{}",
            res.body
        );
        assert!(
            !res.body.contains("127.0.0.1"),
            "no internals: {}",
            res.body
        );
    }
    let rows = deliveries(&app).await;
    assert_eq!(rows.len(), 1, "only the real message has a record");
    assert_eq!(rows[0].status, "failed");
    assert!(
        rows[0]
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("SMTP")
    );
    assert!(app.audited("mail.failed").await);
    let metrics = app.state.metrics.render();
    assert!(
        metrics.contains("ostiary_mail_total{kind=\"sign_in_code\",outcome=\"failed\"}"),
        "{metrics}"
    );
}

async fn request_reset(b: &mut Browser, email: &str) -> crate::helpers::Page {
    b.submit("/password/reset", "/password/reset", &[("email", email)])
        .await
}

async fn password_reset_revokes_everything_and_is_single_use(backend: Backend) {
    use crate::oauth_support::{refresh, sign_in, tokens_for, web_client};
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    // A signed-in browser with a refresh token.
    let mut who = sign_in(&app, "eve@example.com").await;
    let rp = web_client(&app, "rp").await;
    let tokens = tokens_for(&app, &rp, &who, "openid offline_access").await;
    let rt = tokens.str("refresh_token");

    // The same answer for an unknown address.
    let mut b = app.browser();
    let known = request_reset(&mut b, "eve@example.com").await;
    let unknown = request_reset(&mut app.browser(), "nobody@example.com").await;
    assert_eq!(known.status, StatusCode::OK);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));

    // A second request invalidates the first link.
    let first = link_in(&sink.wait_for("eve@example.com", 1).await);
    request_reset(&mut b, "eve@example.com").await;
    let link = link_in(&sink.wait_for("eve@example.com", 2).await);
    assert!(link.starts_with(&format!(
        "{}/password/reset/confirm?token=",
        app.config.issuer
    )));
    assert_eq!(
        b.get(&path_of(&first)).await.status,
        StatusCode::BAD_REQUEST
    );

    // Stored as SHA-256 only.
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let hashes: Vec<String> = app
        .db_run(|conn| {
            use ostiary::db::schema::email_tokens::dsl::*;
            Ok(email_tokens.select(token_hash).load(conn)?)
        })
        .await;
    assert!(hashes.contains(&sha256_hex(token.as_bytes())));
    assert!(!hashes.iter().any(|h| h.contains(&token)));

    let form = b.get(&path_of(&link)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let new_password = "a brand new password for eve";
    let fields = [
        ("csrf_token", form.csrf()),
        ("token", token.clone()),
        ("password", new_password.to_owned()),
        ("password_confirm", new_password.to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = b.post_form("/password/reset/confirm", &fields).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("Password changed"));
    // Not signed in by the reset; everything else ended.
    assert!(!b.is_signed_in().await);
    assert!(!who.browser.is_signed_in().await);
    assert_eq!(app.live_session_count().await, 0);
    let res = refresh(&app, &rp, &rt, None).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
    // Single use.
    let res = b.post_form("/password/reset/confirm", &fields).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    // The old password is gone, the new one works.
    let (_, res) = app.login("eve@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let (_, res) = app.login("eve@example.com", new_password).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    app.assert_audited(&["password_reset.requested", "password_reset.completed"])
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unverified_users_verify_before_signing_in() {
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(Backend::Sqlite, &sink).await;
    app.create_user_with("fay@example.com", PASSWORD, |u| {
        u.display_name = String::new();
        u.email_verified = false;
    })
    .await;
    let (mut b, res) = app.login("fay@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.location(), "/verify-email");
    assert!(b.session_cookie().is_none());
    assert_eq!(app.live_session_count().await, 0);
    let res = b.submit("/verify-email", "/verify-email/send", &[]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let link = link_in(&sink.wait_for("fay@example.com", 1).await);
    let page = b.get(&path_of(&link)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let res = b
        .post_from(&page, "/verify-email/confirm", &[("token", &token)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = b.login("fay@example.com", PASSWORD).await;
    assert_eq!(res.location(), "/account");
    assert!(b.is_signed_in().await);
    // German mail for a German browser.
    let mut de = app.browser();
    let form = de.get("/password/reset").await;
    de.post_from_with(
        &form,
        "/password/reset",
        &[("email", "fay@example.com")],
        &[("accept-language", "de-DE,de;q=0.9,en;q=0.5")],
    )
    .await;
    let mail = sink.wait_for("fay@example.com", 2).await;
    assert!(mail.subject.contains("Passwort"), "{}", mail.subject);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_is_logged_and_old_rows_are_purged() {
    // No smtp_url: development mode, the message goes to the log.
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert!(app.state.mailer.is_log_only());
    app.create_user("gus@example.com", PASSWORD).await;
    let mut b = app.browser();
    assert_eq!(
        request_code(&mut b, "gus@example.com").await.status,
        StatusCode::SEE_OTHER
    );
    let rows = deliveries(&app).await;
    assert_eq!(rows[0].status, "sent");

    let now = app.state.now();
    let purge = |at| {
        app.state
            .db
            .run(move |conn| ostiary::mail::purge::purge(conn, at))
    };
    assert_eq!(purge(now).await.unwrap(), Default::default());
    let later = now + Duration::days(2);
    let purged = purge(later).await.unwrap();
    assert_eq!((purged.email_codes, purged.mail_deliveries), (1, 0));
    let purged = purge(now + Duration::days(31)).await.unwrap();
    assert_eq!(purged.mail_deliveries, 1);
}

async fn paused_account_still_signs_in_with_an_emailed_code(backend: Backend) {
    // SR-84: a stranger's wrong passwords pause password sign-in for the
    // address, but the owner gets in with a code sent to the mailbox (and
    // that sign-in ends the pause).
    let Some(sink) = MailSink::start() else {
        return;
    };
    let url = sink.url();
    let app = TestApp::spawn_with(backend, |c| {
        c.smtp_url = Some(url.into());
        c.mail.tls = Some("none".into());
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 3;
    })
    .await;
    app.create_user("ann@example.com", PASSWORD).await;
    let mut stranger = app.browser();
    for _ in 0..3 {
        stranger.login("ann@example.com", "a wrong guess!!").await;
    }
    let mut owner = app.browser();
    let paused = owner.login("ann@example.com", PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    let res = request_code(&mut owner, "ann@example.com").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let code = code_in(&sink.wait_for("ann@example.com", 1).await);
    let res = enter_code(&mut owner, &code).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(owner.is_signed_in().await);
    // The pause is over for the password too.
    let (_, again) = app.login("ann@example.com", PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
}
