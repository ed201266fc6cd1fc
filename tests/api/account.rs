//! The self-service account (issue 9 item 4, S2, SR-65, SR-82, SR-96):
//! password change, email change with verification and undo, display name,
//! deleting one's own account, and the security activity list, through
//! HTTP with a real SMTP capture.

use reqwest::StatusCode;

use crate::email::app_with;
use crate::helpers::{Backend, Browser, PASSWORD, TestApp};
use crate::mail_sink::{MailSink, link_in, path_of};
use crate::oauth_support::{refresh, sign_in, sign_in_existing, tokens_for, userinfo, web_client};

crate::on_all_backends!(
    password_change_needs_the_current_one_and_ends_other_sessions,
    email_changes_only_after_the_new_address_confirms,
    email_change_can_be_undone_from_the_old_address,
    email_change_to_a_taken_address_reveals_nothing,
    deleted_account_cannot_sign_in_and_its_tokens_stop_working,
    display_name_is_edited_and_audited,
    security_activity_reads_as_plain_words,
);

const NEW_PASSWORD: &str = "a brand new passphrase for ann";

async fn change_password(b: &mut Browser, current: &str, new: &str) -> crate::helpers::Page {
    b.submit(
        "/account/password",
        "/account/password",
        &[
            ("current_password", current),
            ("password", new),
            ("password_confirm", new),
        ],
    )
    .await
}

async fn password_change_needs_the_current_one_and_ends_other_sessions(backend: Backend) {
    // SR-82: the current password is required; SR-65: other sessions and
    // their tokens end (offline ones too); the owner is told by email.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    let rp = web_client(&app, "notes").await;
    let ann = sign_in(&app, "ann@example.com").await;
    let mut here = ann.browser;
    let other = sign_in_existing(&app, "ann@example.com").await;
    let offline = tokens_for(&app, &rp, &other, "openid offline_access").await;
    let rt = offline.str("refresh_token");
    // Positive control: the other session and its refresh token work.
    assert!(other.browser.clone().is_signed_in().await);
    let rotated = refresh(&app, &rp, &rt, None).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.json);
    let rt = rotated.str("refresh_token");

    // A wrong current password changes nothing.
    let wrong = change_password(&mut here, "not my password!!", NEW_PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("The current password is not correct."));
    assert!(other.browser.clone().is_signed_in().await);
    assert!(app.audited("password.confirm_failed").await);
    // A new password that breaks the rules is refused.
    let short = change_password(&mut here, PASSWORD, "short").await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    // A CSRF-less post is refused.
    let forged = here
        .post_form(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_confirm", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    let done = change_password(&mut here, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account/security?notice=password-changed");
    assert!(here.is_signed_in().await, "this session stays");
    assert!(
        !other.browser.clone().is_signed_in().await,
        "the other session ends"
    );
    assert_eq!(refresh(&app, &rp, &rt, None).await.error(), "invalid_grant");
    let (_, old) = app.login("ann@example.com", PASSWORD).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let (_, new) = app.login("ann@example.com", NEW_PASSWORD).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
    let mail = sink.wait_for("ann@example.com", 1).await;
    assert_eq!(mail.subject, "Your password was changed");
    assert!(link_in(&mail).ends_with("/password/reset"));
    assert!(app.audited("password.changed").await);
}

async fn ask_for_email_change(b: &mut Browser, new: &str, password: &str) -> crate::helpers::Page {
    b.submit(
        "/account/email",
        "/account/email",
        &[("email", new), ("current_password", password)],
    )
    .await
}

/// Open an emailed link the way a person does: the page, then its button.
async fn open_link(b: &mut Browser, link: &str) -> crate::helpers::Page {
    let path = path_of(link);
    let page = b.get(&path).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let token = crate::helpers::hidden_input(&page.body, "token").unwrap();
    let action = path.split('?').next().unwrap().to_owned();
    b.post_from(&page, &action, &[("token", &token)]).await
}

async fn email_changes_only_after_the_new_address_confirms(backend: Backend) {
    // SR-96: the new address is verified before it takes effect; the old
    // one is told.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let (mut b, _) = app.login("ann@example.com", PASSWORD).await;
    let wrong = ask_for_email_change(&mut b, "ann@new.example", "not my password!!").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(sink.to("ann@new.example").is_empty());

    let sent = ask_for_email_change(&mut b, "Ann@New.Example", PASSWORD).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert!(sent.body.contains("ann@new.example") && sent.body.contains("ann@example.com"));
    let mail = sink.wait_for("ann@new.example", 1).await;
    assert_eq!(mail.subject, "Confirm your new email address");
    // Nothing changed yet: the old address signs in, the new one does not.
    assert_eq!(
        app.login("ann@example.com", PASSWORD).await.1.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.login("ann@new.example", PASSWORD).await.1.status,
        StatusCode::UNAUTHORIZED
    );
    // GET only shows a page; the POST changes the address (mail scanners).
    let link = link_in(&mail);
    assert_eq!(b.get(&path_of(&link)).await.status, StatusCode::OK);
    assert_eq!(
        app.login("ann@new.example", PASSWORD).await.1.status,
        StatusCode::UNAUTHORIZED
    );
    let mut anywhere = app.browser();
    let done = open_link(&mut anywhere, &link).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("ann@new.example"));
    assert_eq!(
        app.login("ann@new.example", PASSWORD).await.1.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.login("ann@example.com", PASSWORD).await.1.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(b.get("/account").await.body.contains("ann@new.example"));
    // The link works once.
    let again = open_link_expecting_invalid(&mut anywhere, &link).await;
    assert_eq!(again, StatusCode::BAD_REQUEST);
    // The old address is told, with a way to undo it.
    let notice = sink.wait_for("ann@example.com", 1).await;
    assert_eq!(
        notice.subject,
        "The email address of your account was changed"
    );
    assert!(link_in(&notice).contains("/account/email/undo?token="));
    for action in ["email_change.requested", "email_change.completed"] {
        assert!(app.audited(action).await, "{action}");
    }
}

async fn open_link_expecting_invalid(b: &mut Browser, link: &str) -> StatusCode {
    b.get(&path_of(link)).await.status
}

async fn email_change_can_be_undone_from_the_old_address(backend: Backend) {
    // SR-96: the old address reports the change: the address comes back,
    // every session and token ends, and a reset link goes there.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    let rp = web_client(&app, "notes").await;
    let ann = sign_in(&app, "ann@example.com").await;
    let tokens = tokens_for(&app, &rp, &ann, "openid offline_access").await;
    let mut b = ann.browser;
    ask_for_email_change(&mut b, "mallory@evil.example", PASSWORD).await;
    let link = link_in(&sink.wait_for("mallory@evil.example", 1).await);
    open_link(&mut app.browser(), &link).await;
    let undo = link_in(&sink.wait_for("ann@example.com", 1).await);
    assert!(b.is_signed_in().await);
    let res = open_link(&mut app.browser(), &undo).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.body.contains("ann@example.com"));
    assert!(!b.is_signed_in().await, "every session ends");
    assert_eq!(
        refresh(&app, &rp, &tokens.str("refresh_token"), None)
            .await
            .error(),
        "invalid_grant"
    );
    assert_eq!(
        app.login("mallory@evil.example", PASSWORD).await.1.status,
        StatusCode::UNAUTHORIZED
    );
    let reset = sink.wait_for("ann@example.com", 2).await;
    assert_eq!(reset.subject, "Reset your password");
    assert!(app.audited("email_change.reported").await);
}

async fn email_change_to_a_taken_address_reveals_nothing(backend: Backend) {
    // SR-85: the answer is the same; the address's owner is told instead.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    app.create_user("bob@example.com", PASSWORD).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let (mut b, _) = app.login("ann@example.com", PASSWORD).await;
    let free = ask_for_email_change(&mut b, "free@example.com", PASSWORD).await;
    let taken = ask_for_email_change(&mut b, "bob@example.com", PASSWORD).await;
    assert_eq!(taken.status, free.status);
    assert_eq!(
        taken.body.replace("bob@example.com", "X"),
        free.body.replace("free@example.com", "X")
    );
    let told = sink.wait_for("bob@example.com", 1).await;
    assert_eq!(told.subject, "Someone tried to use your email address");
    assert!(!told.text.contains("token="));
    assert!(b.get("/account").await.body.contains("ann@example.com"));
}

async fn deleted_account_cannot_sign_in_and_its_tokens_stop_working(backend: Backend) {
    // SR-65, SR-82: re-authentication, confirmation, audit; every session
    // and token ends.
    let app = TestApp::spawn(backend).await;
    let rp = web_client(&app, "notes").await;
    let ann = sign_in(&app, "ann@example.com").await;
    let tokens = tokens_for(&app, &rp, &ann, "openid email offline_access").await;
    let at = tokens.str("access_token");
    assert_eq!(userinfo(&app, &at).await.status, StatusCode::OK);
    let mut b = ann.browser;
    let delete = |password: &'static str, tick: bool| {
        let mut fields = vec![("current_password", password)];
        if tick {
            fields.push(("confirm", "yes"));
        }
        fields
    };
    let unticked = b
        .submit(
            "/account/delete",
            "/account/delete",
            &delete(PASSWORD, false),
        )
        .await;
    assert_eq!(unticked.status, StatusCode::BAD_REQUEST);
    let wrong = b
        .submit(
            "/account/delete",
            "/account/delete",
            &delete("not my password!!", true),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(b.is_signed_in().await);
    assert_eq!(userinfo(&app, &at).await.status, StatusCode::OK);

    let done = b
        .submit(
            "/account/delete",
            "/account/delete",
            &delete(PASSWORD, true),
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("Account deleted"));
    assert!(!b.is_signed_in().await);
    assert_eq!(
        app.login("ann@example.com", PASSWORD).await.1.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(userinfo(&app, &at).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        refresh(&app, &rp, &tokens.str("refresh_token"), None)
            .await
            .error(),
        "invalid_grant"
    );
    assert!(app.audited("user.deleted").await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_administrator_cannot_delete_themselves() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut admin = app.setup_admin("admin@example.com", PASSWORD).await;
    let fields = [("current_password", PASSWORD), ("confirm", "yes")];
    let res = admin
        .submit("/account/delete", "/account/delete", &fields)
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.body.contains("only administrator"), "{}", res.body);
    assert!(admin.is_signed_in().await);
}

async fn display_name_is_edited_and_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let (mut b, _) = app.login("ann@example.com", PASSWORD).await;
    let res = b
        .submit(
            "/account",
            "/account/profile",
            &[("display_name", "  Ann Example ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = b.get(res.location()).await;
    assert!(page.body.contains("value=\"Ann Example\""), "{}", page.body);
    assert!(page.body.contains("Your profile was saved."));
    assert!(app.audited("user.profile_updated").await);
    let long = "x".repeat(201);
    let res = b
        .submit("/account", "/account/profile", &[("display_name", &long)])
        .await;
    assert_eq!(res.location(), "/account?notice=name-invalid");
    assert!(
        b.get("/account")
            .await
            .body
            .contains("value=\"Ann Example\"")
    );
}

async fn security_activity_reads_as_plain_words(backend: Backend) {
    // Issue 9: no "failed failed", a mistyped setup code is not a failed
    // sign-in, email sign-ins and password resets are listed.
    let Some(sink) = MailSink::start() else {
        return;
    };
    let app = app_with(backend, &sink).await;
    app.create_user("ann@example.com", PASSWORD).await;
    let (_, _) = app.login("ann@example.com", "a wrong password!").await;
    let mut b = app.browser();
    crate::email::request_code(&mut b, "ann@example.com").await;
    let code = crate::mail_sink::code_in(&sink.wait_for("ann@example.com", 1).await);
    crate::email::enter_code(&mut b, &code).await;
    // Start an authenticator app and mistype its first code.
    b.submit("/account/security", "/account/security/totp", &[])
        .await;
    b.submit(
        "/account/security",
        "/account/security/totp/confirm",
        &[("code", "000000")],
    )
    .await;
    let activity = b.get("/account/security").await.body;
    assert!(
        activity.contains("Signed in with a code sent by email"),
        "{activity}"
    );
    assert!(
        activity.contains("Sign-in attempt with a wrong password"),
        "{activity}"
    );
    assert!(
        !activity.contains("second sign-in step"),
        "a setup typo is listed: {activity}"
    );
    assert!(!activity.to_lowercase().contains("failed failed"));
    // A password reset is listed too.
    b.submit(
        "/password/reset",
        "/password/reset",
        &[("email", "ann@example.com")],
    )
    .await;
    let activity = b.get("/account/security").await.body;
    assert!(activity.contains("Password reset link sent"), "{activity}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn common_and_personal_passwords_are_refused_everywhere() {
    // SR-81 (issue 10 item 13): every place that sets a password refuses
    // common or breached passwords and ones built on the user's email or
    // the product/organization name, with a message saying why.
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut b = app.browser();
    let page = b.get("/setup").await;
    for (weak, says) in [
        ("passwordpassword", "too common or easy to guess"),
        ("administrator1234", "too common or easy to guess"),
        ("margaret walks the dog daily", "email address or the name"),
        ("my ostiary admin passphrase", "email address or the name"),
    ] {
        let res = b
            .post_form(
                "/setup",
                &[
                    ("csrf_token", &page.csrf()),
                    ("email", "margaret@example.com"),
                    ("password", weak),
                    ("password_confirm", weak),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{weak}");
        assert!(res.body.contains(says), "{weak}: {}", res.body);
    }
    assert_eq!(app.user_count().await, 0);
    // The account page's password change, in German too.
    app.create_user("margaret@example.com", PASSWORD).await;
    let (mut b, _) = app.login("margaret@example.com", PASSWORD).await;
    let res = change_password(&mut b, PASSWORD, "qwertyuiopasdfghjkl").await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.body.contains("too common or easy to guess"));
    let form = b
        .get_with("/account/password", &[("accept-language", "de")])
        .await;
    let res = b
        .post_form_with(
            "/account/password",
            &[
                ("csrf_token", &form.csrf()),
                ("current_password", PASSWORD),
                ("password", "margaret margaret margaret"),
                ("password_confirm", "margaret margaret margaret"),
            ],
            &[("accept-language", "de")],
        )
        .await;
    assert!(
        res.body.contains("nicht auf Ihrer E-Mail-Adresse"),
        "{}",
        res.body
    );
    // Positive control: a passphrase is fine.
    let ok = change_password(&mut b, PASSWORD, NEW_PASSWORD).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    // The CLI applies the same rule.
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", app.db.url.as_str())];
    let out = crate::cli::ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "ops@example.com",
            "--password-stdin",
        ],
        &env,
        Some("passwordpassword\n"),
    );
    assert!(!out.status.success());
    assert!(
        crate::cli::text(&out.stderr).contains("too common"),
        "{}",
        crate::cli::text(&out.stderr)
    );
}
