//! MFA policies and authentication levels (S5): "required" rules send a
//! user without a factor to enrolment before any session exists; a client
//! rule or `acr_values` steps up an existing single-factor session; `amr`
//! and `acr` in the ID token say what really happened; the CLI manages
//! rules and the audited upstream acknowledgment.

use chrono::Duration;
use ostiary::audit::Actor;
use ostiary::auth::mfa::acr;
use ostiary::auth::mfa::admin;
use ostiary::auth::mfa::policy::Scope;
use reqwest::StatusCode;

use crate::cli::{ostiary, text};
use crate::helpers::{Backend, Browser, PASSWORD, Page, RegisteredClient, TestApp, TestDatabase};
use crate::mfa_support::{backup_codes, code, enroll_totp, session_amr, setup_key};
use crate::oauth_support::{claims, get, param, pkce, post_as, redeem, redirected, url};

const EMAIL: &str = "policy@example.com";

crate::on_all_backends!(
    required_policy_sends_users_to_enrolment_first,
    policy_scopes_match_method_and_organization,
    step_up_for_acr_values_keeps_the_session_and_reports_mfa,
    client_policy_steps_up_and_prompt_none_cannot,
    mfa_cli_manages_rules_and_acknowledgments,
    device_approval_needs_the_client_rule_satisfied,
    stale_session_cannot_enrol_through_step_up,
    step_up_keeps_auth_time_and_the_session_lifetime,
);

async fn set(app: &TestApp, scope: Scope, subject: Option<&str>, requirement: &str) {
    let (subject, requirement) = (subject.map(str::to_owned), requirement.to_owned());
    let now = app.state.now();
    app.db_run(move |c| {
        admin::set(
            c,
            &Actor::system("test"),
            None,
            scope,
            subject.as_deref(),
            &requirement,
            now,
        )
    })
    .await
    .unwrap();
}

/// Enrol through the login-time pages from `/login/mfa/enroll…`; returns
/// the response carrying the session and the secret.
async fn enrol_at_login(app: &TestApp, b: &mut Browser, location: &str) -> (Page, String) {
    assert!(location.starts_with("/login/mfa/enroll?"), "{location}");
    let before = b.session_cookie().cloned();
    let choose = b.get(location).await;
    assert_eq!(choose.status, StatusCode::OK, "{}", choose.body);
    let return_to = choose.field("return_to");
    let scan = b
        .post_from(
            &choose,
            "/login/mfa/enroll/totp",
            &[("return_to", &return_to)],
        )
        .await;
    assert_eq!(scan.status, StatusCode::OK, "{}", scan.body);
    let secret = setup_key(&scan.body);
    let wrong = b
        .post_from(
            &scan,
            "/login/mfa/enroll/totp/confirm",
            &[("code", "000000"), ("return_to", &return_to)],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    assert_eq!(b.session_cookie().cloned(), before, "no new session yet");
    let done = b
        .post_from(
            &wrong,
            "/login/mfa/enroll/totp/confirm",
            &[("code", &code(app, &secret, 0)), ("return_to", &return_to)],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(
        backup_codes(&done.body).len(),
        10,
        "backup codes shown once"
    );
    assert!(b.session_cookie().is_some(), "signed in after enrolment");
    assert_ne!(
        b.session_cookie().cloned(),
        before,
        "a new session token (SR-60)"
    );
    (done, secret)
}

/// A confidential consent-skip client for the code grant.
async fn first_party(app: &TestApp, id: &str) -> RegisteredClient {
    app.client(id)
        .grants(&["authorization_code"])
        .skip_consent()
        .register()
        .await
}

/// Follow the authorization request `request` of a signed-in browser to
/// the second step and pass it with the authenticator code; returns the
/// answer, which leads back to `/authorize`.
async fn step_up(app: &TestApp, b: &mut Browser, request: &str, secret: &str) -> Page {
    let res = b.get(request).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login/mfa?"),
        "{}",
        res.location()
    );
    let page = b.get(res.location()).await;
    let return_to = page.field("return_to");
    assert!(return_to.starts_with("/authorize?"), "{return_to}");
    let ok = b
        .post_from(
            &page,
            "/login/mfa/totp",
            &[("code", &code(app, secret, 0)), ("return_to", &return_to)],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    ok
}

async fn required_policy_sends_users_to_enrolment_first(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user(EMAIL, PASSWORD).await;
    set(&app, Scope::Global, None, "required").await;
    let (mut b, res) = app.login(EMAIL, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Skipping enrolment opens nothing.
    assert!(!b.is_signed_in().await);
    let (done, secret) = enrol_at_login(&app, &mut b, res.location()).await;
    assert!(done.body.contains("href=\"/account\""), "{}", done.body);
    assert!(b.is_signed_in().await);
    assert_eq!(session_amr(&app, &b).await, ["pwd", "otp", "mfa"]);
    // From now on the factor is asked for.
    app.clock.advance(Duration::seconds(30));
    let (mut b2, res2) = app.login(EMAIL, PASSWORD).await;
    assert!(
        res2.location().starts_with("/login/mfa?"),
        "{}",
        res2.location()
    );
    let page = b2.get(res2.location()).await;
    let ok = crate::mfa_support::submit(&mut b2, &page, "/login/mfa/totp", &code(&app, &secret, 0))
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    app.assert_audited(&["mfa.policy_changed"]).await;
}

async fn policy_scopes_match_method_and_organization(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user(EMAIL, PASSWORD).await;
    // A rule for another method or an "optional" rule changes nothing.
    set(&app, Scope::LoginMethod, Some("passkey"), "required").await;
    set(&app, Scope::LoginMethod, Some("password"), "optional").await;
    let (_, res) = app.login(EMAIL, PASSWORD).await;
    assert_eq!(res.location(), "/account");
    // Required for password logins: enrolment.
    set(&app, Scope::LoginMethod, Some("password"), "required").await;
    let (_, res) = app.login(EMAIL, PASSWORD).await;
    assert!(
        res.location().starts_with("/login/mfa/enroll?"),
        "{}",
        res.location()
    );
    set(&app, Scope::LoginMethod, Some("password"), "optional").await;
    // Required for an organization: its members only.
    app.create_user_with("owner@example.com", PASSWORD, |u| {
        u.display_name = String::new();
        u.organization = Some(("Acme".into(), ostiary::domain::Role::Member));
    })
    .await;
    set(&app, Scope::Organization, Some("Acme"), "required").await;
    let (_, res) = app.login(EMAIL, PASSWORD).await;
    assert_eq!(res.location(), "/account", "not a member");
    let (_, res) = app.login("owner@example.com", PASSWORD).await;
    assert!(
        res.location().starts_with("/login/mfa/enroll?"),
        "{}",
        res.location()
    );
}

async fn step_up_for_acr_values_keeps_the_session_and_reports_mfa(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = first_party(&app, "rp").await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let (verifier, challenge) = pkce();
    // A single-factor session: acr 1fa, amr pwd.
    let res = b.get(&url(&rp.id, &[("code_challenge", &challenge)])).await;
    let params = redirected(&app, &res);
    let tokens = redeem(&app, &rp, get(&params, "code").unwrap(), Some(&verifier)).await;
    let id = claims(&tokens.str("id_token"));
    assert_eq!(id["acr"], acr::SINGLE_FACTOR);
    assert_eq!(id["amr"], serde_json::json!(["pwd"]));
    let sid = id["sid"].clone();
    // The user turns on an app; the session is still single-factor.
    let (secret, _) = enroll_totp(&app, &mut b).await;
    app.clock.advance(Duration::seconds(30));
    // acr_values asking for MFA: the second step, then back to /authorize.
    let extra = [
        ("code_challenge", challenge.as_str()),
        ("acr_values", acr::MULTI_FACTOR),
    ];
    let ok = step_up(&app, &mut b, &url(&rp.id, &extra), &secret).await;
    let back = b.get(ok.location()).await;
    let params = redirected(&app, &back);
    let tokens = redeem(&app, &rp, get(&params, "code").unwrap(), Some(&verifier)).await;
    let id = claims(&tokens.str("id_token"));
    assert_eq!(id["acr"], acr::MULTI_FACTOR);
    assert_eq!(id["amr"], serde_json::json!(["pwd", "otp", "mfa"]));
    assert_eq!(id["sid"], sid, "step-up keeps the session (same sid)");
    let discovery: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        discovery["acr_values_supported"],
        serde_json::json!(acr::SUPPORTED)
    );
}

async fn client_policy_steps_up_and_prompt_none_cannot(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = first_party(&app, "secure-rp").await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    set(&app, Scope::Client, Some("secure-rp"), "required").await;
    // prompt=none cannot show the second step.
    let res = b.get(&url(&rp.id, &[("prompt", "none")])).await;
    let params = redirected(&app, &res);
    assert_eq!(get(&params, "error"), Some("interaction_required"));
    assert_eq!(get(&params, "state"), Some("st-123"));
    // Otherwise: the user has no factor, so enrolment, then the code.
    let (verifier, challenge) = pkce();
    let res = b.get(&url(&rp.id, &[("code_challenge", &challenge)])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let location = res.location().to_owned();
    let (done, _) = enrol_at_login(&app, &mut b, &location).await;
    let continue_url = done
        .body
        .split("class=\"button button-primary\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(crate::helpers::unescape)
        .unwrap();
    assert!(continue_url.starts_with("/authorize?"), "{continue_url}");
    let back = b.get(&continue_url).await;
    let params = redirected(&app, &back);
    let tokens = redeem(&app, &rp, get(&params, "code").unwrap(), Some(&verifier)).await;
    assert_eq!(claims(&tokens.str("id_token"))["acr"], acr::MULTI_FACTOR);
    assert!(param(back.location(), "error").is_none());
}

async fn mfa_cli_manages_rules_and_acknowledgments(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let run = |args: &[&str]| ostiary(dir.path(), args, &env, None);
    let out = run(&[
        "mfa",
        "policy",
        "set",
        "--scope",
        "login-method",
        "--subject",
        "password",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let row: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(row["scope"], "login_method");
    assert_eq!(row["requirement"], "required");
    // Bad input: a precise message, nothing stored.
    let bad = run(&[
        "mfa",
        "policy",
        "set",
        "--scope",
        "login-method",
        "--subject",
        "sms",
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("unknown login method \"sms\""),
        "{}",
        text(&bad.stderr)
    );
    let bad = run(&[
        "mfa",
        "policy",
        "set",
        "--scope",
        "organization",
        "--subject",
        "Nope",
    ]);
    assert!(
        text(&bad.stderr).contains("no organization named \"Nope\""),
        "{}",
        text(&bad.stderr)
    );
    let ack = run(&["mfa", "acknowledge-upstream", "--upstream", "google"]);
    assert!(ack.status.success(), "{}", text(&ack.stderr));
    let list = run(&["mfa", "policy", "list"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(list["policies"].as_array().unwrap().len(), 1);
    assert_eq!(list["upstream_acknowledgments"][0]["upstream"], "google");
    assert_eq!(
        list["upstream_acknowledgments"][0]["acknowledged_by"],
        "cli"
    );
    let removed = run(&[
        "mfa",
        "policy",
        "remove",
        "--scope",
        "login-method",
        "--subject",
        "password",
    ]);
    let removed: serde_json::Value = serde_json::from_slice(&removed.stdout).unwrap();
    assert_eq!(removed["removed"], true);
    // Every change is in the audit log, with its actor.
    let verify = run(&["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    let app = crate::cli::serve_after_cli(backend, &db, dir.path()).await;
    let rows = app.audit_rows("mfa.policy_changed").await;
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.actor_id.as_deref() == Some("cli")));
    let acks = app.audit_rows("mfa.upstream_acknowledged").await;
    assert_eq!(acks.len(), 1);
}

async fn device_approval_needs_the_client_rule_satisfied(backend: Backend) {
    // The client rule holds on the device page too: neither the code entry
    // nor a direct POST to /device/confirm approves without the second step.
    let app = TestApp::spawn(backend).await;
    let device = "urn:ietf:params:oauth:grant-type:device_code";
    let rp = app
        .client("tv")
        .public()
        .grants(&[device])
        .no_redirect_uris()
        .register()
        .await;
    set(&app, Scope::Client, Some("tv"), "required").await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let started = post_as(&app, &rp, "/device_authorization", &[("scope", "openid")]).await;
    let user_code = started.str("user_code");
    let page = b.get(&format!("/device?user_code={user_code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let res = b
        .post_from(&page, "/device", &[("user_code", &user_code)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        res.location()
            .starts_with("/login/mfa/enroll?return_to=%2Fdevice%3Fuser_code%3D"),
        "{}",
        res.location()
    );
    let direct = b
        .post_from(
            &page,
            "/device/confirm",
            &[("user_code", &user_code), ("decision", "allow")],
        )
        .await;
    assert_eq!(direct.status, StatusCode::SEE_OTHER);
    let poll = post_as(
        &app,
        &rp,
        "/token",
        &[
            ("grant_type", device),
            ("device_code", &started.str("device_code")),
        ],
    )
    .await;
    assert_eq!(poll.error(), "authorization_pending");
}

/// An app sending mail to a sink, and [`EMAIL`] with an authenticator app
/// (its secret); `None` without the SMTP peer.
async fn mailing_app_with_totp_user() -> Option<(crate::mail_sink::MailSink, TestApp, String)> {
    let sink = crate::mail_sink::MailSink::start()?;
    let app = crate::email::app_with(Backend::Sqlite, &sink).await;
    let (secret, _) = crate::mfa_support::user_with_totp(&app, EMAIL).await;
    Some((sink, app, secret))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_code_sign_in_goes_through_the_second_step() {
    // S6 + S5: an emailed code is a first factor like any other — a user
    // with an authenticator app still passes it, and the result is two
    // factors (`otp` twice is still `mfa`).
    let Some((sink, app, secret)) = mailing_app_with_totp_user().await else {
        return;
    };
    let mut b = app.browser();
    let res = crate::email::request_code(&mut b, EMAIL).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let mail = sink.wait_for(EMAIL, 1).await;
    let res = crate::email::enter_code(&mut b, &crate::mail_sink::code_in(&mail)).await;
    // No session after the email code alone.
    let page = crate::mfa_support::second_step(&mut b, &res).await;
    let ok =
        crate::mfa_support::submit(&mut b, &page, "/login/mfa/totp", &code(&app, &secret, 0)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(session_amr(&app, &b).await, ["otp", "mfa"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_totp_code_alerts_the_user_by_email() {
    // SR-90: a reused code is refused like a wrong one, audited, and the
    // user is told by email (someone knows the password).
    let Some((sink, app, secret)) = mailing_app_with_totp_user().await else {
        return;
    };
    let used = code(&app, &secret, 0);
    let (mut b, page) = crate::mfa_support::password_step(&app, EMAIL).await;
    let ok = crate::mfa_support::submit(&mut b, &page, "/login/mfa/totp", &used).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let (mut b2, page2) = crate::mfa_support::password_step(&app, EMAIL).await;
    let replay = crate::mfa_support::submit(&mut b2, &page2, "/login/mfa/totp", &used).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    let mail = sink.wait_for(EMAIL, 1).await;
    assert!(
        mail.subject.contains("authenticator code was reused"),
        "{}",
        mail.subject
    );
    assert!(mail.text.contains("/account/security"), "{}", mail.text);
    // A plain wrong code sends nothing more.
    let _ = crate::mfa_support::submit(&mut b2, &replay, "/login/mfa/totp", "000000").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.to(EMAIL).len(), 1);
}

async fn stale_session_cannot_enrol_through_step_up(backend: Backend) {
    // SR-82 (issue 10 item 1): a stale or borrowed session steered to
    // enrolment by acr_values must sign in again first; it cannot add its
    // own authenticator with the pending cookie alone.
    let app = TestApp::spawn(backend).await;
    let rp = first_party(&app, "rp").await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let extra = [("acr_values", acr::MULTI_FACTOR)];
    // Positive control: a fresh session goes to enrolment.
    let fresh = b.get(&url(&rp.id, &extra)).await;
    assert!(
        fresh.location().starts_with("/login/mfa/enroll?"),
        "{}",
        fresh.location()
    );
    // An hour later (beyond the re-authentication window): a fresh sign-in.
    app.clock
        .advance(Duration::seconds(app.config.session.reauth_window_secs + 1));
    let mut stale = app.browser();
    stale.cookies = b.cookies.clone();
    stale.cookies.remove("__Host-ostiary_mfa");
    let res = stale.get(&url(&rp.id, &extra)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    assert!(res.location().contains("force=1"));
    assert!(
        !stale.cookies.contains_key("__Host-ostiary_mfa"),
        "no pending enrolment"
    );
    let page = stale.get("/login/mfa/enroll?return_to=%2Faccount").await;
    assert!(
        page.location().starts_with("/login?"),
        "enrolment is not open"
    );
}

async fn step_up_keeps_auth_time_and_the_session_lifetime(backend: Backend) {
    // SR-82, SR-60: passing a second factor on an old session rotates the
    // cookie and adds mfa, but the primary sign-in stays as old as it was
    // and the absolute lifetime is not extended; factor changes still need
    // a fresh sign-in.
    let app = TestApp::spawn(backend).await;
    let rp = first_party(&app, "rp").await;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;
    let (secret, _) = enroll_totp(&app, &mut b).await;
    let before = app.session_of(&b).await;
    app.clock.advance(Duration::seconds(
        app.config.session.reauth_window_secs + 60,
    ));
    let old_cookie = b.session_cookie().cloned().unwrap();
    let request = url(&rp.id, &[("acr_values", acr::MULTI_FACTOR)]);
    step_up(&app, &mut b, &request, &secret).await;
    assert_ne!(
        b.session_cookie().unwrap(),
        &old_cookie,
        "a new cookie (SR-60)"
    );
    let after = app.session_of(&b).await;
    assert_eq!(after.id, before.id, "same sid");
    assert_eq!(
        after.auth_time, before.auth_time,
        "auth_time is the primary sign-in"
    );
    assert_eq!(
        after.expires_at, before.expires_at,
        "the lifetime is not extended"
    );
    assert!(session_amr(&app, &b).await.contains(&"mfa".to_owned()));
    // Adding a passkey still asks for a fresh sign-in.
    let passkeys = b.get("/account/passkeys").await;
    assert!(
        passkeys.body.contains("/login?force=1"),
        "{}",
        passkeys.body
    );
    let res = b
        .submit("/account/security", "/account/security/totp/remove", &[])
        .await;
    assert!(
        res.location().starts_with("/login?force=1"),
        "{}",
        res.location()
    );
    // The old cookie is dead.
    assert!(!app.browser_with_session(&old_cookie).is_signed_in().await);
}
