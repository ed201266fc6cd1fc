//! Second factors (S5): TOTP enrolment and sign-in, replay refusal,
//! throttling, backup codes, and attempts to skip the second step (SR-90,
//! SR-91, SR-92, SR-95).

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::mfa_support::{code, password_step, session_amr, submit, user_with_totp};

const EMAIL: &str = "mfa@example.com";

crate::on_all_backends!(
    totp_enrolment_then_sign_in_needs_the_code,
    a_totp_code_works_once,
    wrong_codes_are_throttled_and_lock_the_step,
    backup_codes_work_once_and_regenerating_replaces_them,
    the_second_step_cannot_be_skipped,
    factor_changes_need_a_recent_sign_in,
);

async fn totp_enrolment_then_sign_in_needs_the_code(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (secret, _) = user_with_totp(&app, EMAIL).await;
    // SR-91: the secret is stored sealed, never as the key the user saw.
    let user = app
        .db_run(|c| ostiary::store::users::find_by_email(c, EMAIL))
        .await
        .unwrap();
    let uid = user.id.clone();
    let row = app
        .db_run(move |c| ostiary::store::mfa_totp::find(c, &uid))
        .await
        .unwrap();
    assert!(row.secret_enc.starts_with("v1."), "{}", row.secret_enc);
    assert!(!row.secret_enc.contains(&secret));
    assert!(row.confirmed_at.is_some());

    let (mut b, page) = password_step(&app, EMAIL).await;
    assert!(page.body.contains("Code from your authenticator app"));
    // Half-authenticated: no session, no account page (SR-95).
    assert!(!b.is_signed_in().await);
    let wrong = submit(&mut b, &page, "/login/mfa/totp", "000000").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("That code didn"), "{}", wrong.body);
    let ok = submit(&mut b, &wrong, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), "/account");
    assert!(
        !b.cookies.contains_key("__Host-ostiary_mfa"),
        "pending cookie removed"
    );
    assert!(b.is_signed_in().await);
    assert_eq!(session_amr(&app, &b).await, ["pwd", "otp", "mfa"]);
    let account = b.get("/account").await;
    assert!(
        account.body.contains("Password + one-time code"),
        "S2: sessions show their methods"
    );
    app.assert_audited(&[
        "mfa.enrolled",
        "mfa.backup_codes_generated",
        "mfa.challenged",
        "mfa.failed",
        "mfa.verified",
    ])
    .await;
}

async fn a_totp_code_works_once(backend: Backend) {
    // SR-90: a code is accepted once; its step and earlier ones are refused
    // afterwards, answered exactly like a wrong code.
    let app = TestApp::spawn(backend).await;
    let (secret, _) = user_with_totp(&app, EMAIL).await;
    let now_code = code(&app, &secret, 0);
    let (mut b1, p1) = password_step(&app, EMAIL).await;
    let ok = submit(&mut b1, &p1, "/login/mfa/totp", &now_code).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);

    let (mut b2, p2) = password_step(&app, EMAIL).await;
    let replay = submit(&mut b2, &p2, "/login/mfa/totp", &now_code).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let earlier = submit(
        &mut b2,
        &replay,
        "/login/mfa/totp",
        &code(&app, &secret, -1),
    )
    .await;
    assert_eq!(earlier.status, StatusCode::UNAUTHORIZED);
    let wrong = submit(&mut b2, &earlier, "/login/mfa/totp", "123456").await;
    assert_eq!(
        replay.body.replace(&replay.csrf(), ""),
        wrong.body.replace(&wrong.csrf(), "")
    );
    let failed = app.audit_rows("mfa.failed").await;
    assert!(
        failed.iter().any(|r| r.details.contains("replayed")),
        "replay audited"
    );

    app.clock.advance(Duration::seconds(30));
    let (mut b3, p3) = password_step(&app, EMAIL).await;
    let next = submit(&mut b3, &p3, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(
        next.status,
        StatusCode::SEE_OTHER,
        "the next step's code works"
    );
}

async fn wrong_codes_are_throttled_and_lock_the_step(backend: Backend) {
    // SR-92: second-factor failures are counted per user, separately from
    // the password, not reset by starting the login again; they delay and
    // then lock the step.
    let app = TestApp::spawn(backend).await;
    let (secret, _) = user_with_totp(&app, EMAIL).await;
    let (mut b, mut page) = password_step(&app, EMAIL).await;
    for _ in 0..3 {
        page = submit(&mut b, &page, "/login/mfa/totp", "000000").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    }
    // Inside the delay even the right code is refused, like a wrong one.
    let delayed = submit(&mut b, &page, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(delayed.status, StatusCode::UNAUTHORIZED);
    // Starting again does not reset the counter.
    let mut failures = 3;
    let mut locked = false;
    for _ in 0..6 {
        app.clock.advance(Duration::seconds(31));
        let (mut b, page) = password_step(&app, EMAIL).await;
        let res = submit(&mut b, &page, "/login/mfa/totp", "000000").await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        failures += 1;
        if app.audited("mfa.locked").await {
            locked = true;
            break;
        }
    }
    assert!(locked, "locked after {failures} failures");
    assert_eq!(failures, app.config.throttle.second_factor_lock_after);
    // Locked: the right code is refused, with a fresh login too.
    app.clock.advance(Duration::seconds(31));
    let (mut b, page) = password_step(&app, EMAIL).await;
    let res = submit(&mut b, &page, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // After the lock it works again.
    app.clock
        .advance(Duration::seconds(app.config.throttle.lock_secs + 1));
    let (mut b, page) = password_step(&app, EMAIL).await;
    let res = submit(&mut b, &page, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn backup_codes_work_once_and_regenerating_replaces_them(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (_, codes) = user_with_totp(&app, EMAIL).await;
    // Stored as keyed hashes only.
    let stored: Vec<String> = app
        .db_run(|c| {
            use diesel::prelude::*;
            use ostiary::db::schema::backup_codes::dsl::*;
            Ok(backup_codes.select(code_hash).load::<String>(c)?)
        })
        .await;
    assert_eq!(stored.len(), 10);
    for c in &codes {
        assert!(!stored.iter().any(|h| h.contains(&c.replace('-', ""))));
    }

    let (mut b, page) = password_step(&app, EMAIL).await;
    assert!(page.body.contains("Use a backup code"));
    let ok = submit(&mut b, &page, "/login/mfa/backup", &codes[0].to_uppercase()).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(session_amr(&app, &b).await, ["pwd", "otp", "mfa"]);
    let used = app.audit_rows("mfa.backup_code_used").await;
    assert!(
        used[0].details.contains("\"remaining\":9"),
        "{}",
        used[0].details
    );
    let security = b.get("/account/security").await;
    assert!(security.body.contains("9 of 10 left"), "{}", security.body);

    // The same code again: refused.
    let (mut b2, page2) = password_step(&app, EMAIL).await;
    let again = submit(&mut b2, &page2, "/login/mfa/backup", &codes[0]).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);

    // A new set replaces the old one.
    let regen = b
        .post_form(
            "/account/security/backup-codes",
            &[("csrf_token", &security.csrf())],
        )
        .await;
    assert_eq!(regen.status, StatusCode::OK, "{}", regen.body);
    let fresh = crate::mfa_support::backup_codes(&regen.body);
    assert_eq!(fresh.len(), 10);
    app.clock.advance(Duration::seconds(31));
    let (mut b3, page3) = password_step(&app, EMAIL).await;
    let old = submit(&mut b3, &page3, "/login/mfa/backup", &codes[1]).await;
    assert_eq!(
        old.status,
        StatusCode::UNAUTHORIZED,
        "old set no longer works"
    );
    let new = submit(&mut b3, &old, "/login/mfa/backup", &fresh[0]).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER, "{}", new.body);
}

async fn the_second_step_cannot_be_skipped(backend: Backend) {
    // SR-95: only the pending login of the same browser, alive and
    // unfinished, can complete the second step; it opens nothing else.
    let app = TestApp::spawn(backend).await;
    let (secret, _) = user_with_totp(&app, EMAIL).await;
    let (mut b, page) = password_step(&app, EMAIL).await;
    // The pending login is not a session.
    let client_id = app.client("rp").skip_consent().register().await.id;
    let authorize = b.get(&crate::oauth_support::url(&client_id, &[])).await;
    assert_eq!(authorize.status, StatusCode::SEE_OTHER);
    assert!(
        authorize.location().starts_with("/login?"),
        "no code for a pending login: {}",
        authorize.location()
    );
    let security = b.get("/account/security").await;
    assert_eq!(security.status, StatusCode::SEE_OTHER);
    assert!(security.location().starts_with("/login"));
    // Enrolment endpoints refuse a pending login that must verify.
    let enrol = b
        .post_form(
            "/login/mfa/enroll/totp",
            &[("csrf_token", &page.csrf()), ("return_to", "/account")],
        )
        .await;
    assert_eq!(enrol.status, StatusCode::SEE_OTHER);
    assert!(
        enrol.location().starts_with("/login?"),
        "{}",
        enrol.location()
    );
    // Without CSRF: 403, nothing changes.
    let no_csrf = b
        .post_form("/login/mfa/totp", &[("code", &code(&app, &secret, 0))])
        .await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    // Another browser (no pending cookie) with the right code: start over.
    let mut stranger = app.browser();
    let form = stranger.get("/login").await;
    let res = submit(
        &mut stranger,
        &form,
        "/login/mfa/totp",
        &code(&app, &secret, 0),
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    assert!(stranger.session_cookie().is_none());
    // A newer login supersedes the older pending state.
    let (mut b, page) = password_step(&app, EMAIL).await;
    let (_b2, _) = password_step(&app, EMAIL).await;
    let res = submit(&mut b, &page, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login?"),
        "old pending state: {}",
        res.location()
    );
    assert!(b.session_cookie().is_none());
    // An expired pending state grants nothing, even with the right code.
    let (mut b3, page3) = password_step(&app, EMAIL).await;
    app.clock.advance(Duration::seconds(301));
    let res = submit(&mut b3, &page3, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login?"));
    assert!(b3.session_cookie().is_none());
    // A pending cookie copied before completion is useless afterwards.
    app.clock.advance(Duration::seconds(30));
    let (mut b4, page4) = password_step(&app, EMAIL).await;
    let copied = b4.cookies.get("__Host-ostiary_mfa").cloned().unwrap();
    let done = submit(&mut b4, &page4, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert!(
        !b4.cookies.contains_key("__Host-ostiary_mfa"),
        "cookie cleared on completion"
    );
    app.clock.advance(Duration::seconds(30));
    let mut thief = app.browser();
    let form = thief.get("/login").await;
    thief.cookies.insert("__Host-ostiary_mfa".into(), copied);
    let res = submit(
        &mut thief,
        &form,
        "/login/mfa/totp",
        &code(&app, &secret, 0),
    )
    .await;
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    assert!(thief.session_cookie().is_none());
}

async fn factor_changes_need_a_recent_sign_in(backend: Backend) {
    // SR-82, SR-91: adding or removing a factor needs a recent sign-in.
    let app = TestApp::spawn(backend).await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let page = b.get("/account/security").await;
    assert!(
        page.body
            .contains("Two-step sign-in is <strong>off</strong>"),
        "{}",
        page.body
    );
    app.clock
        .advance(Duration::seconds(app.config.session.reauth_window_secs + 1));
    let res = b
        .post_form("/account/security/totp", &[("csrf_token", &page.csrf())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location()
            .starts_with("/login?force=1&return_to=%2Faccount%2Fsecurity"),
        "{}",
        res.location()
    );
    let rows: i64 = app
        .db_run(|c| {
            use diesel::prelude::*;
            Ok(ostiary::db::schema::mfa_totp::table.count().get_result(c)?)
        })
        .await;
    assert_eq!(rows, 0, "nothing started");
}
