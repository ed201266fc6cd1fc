//! Passkeys (S5, SR-94): the ceremony endpoints refuse missing sessions,
//! CSRF tokens and stale sign-ins; ceremonies are single use; garbage
//! credentials fail cleanly and store nothing; users remove only their own
//! passkeys. End to end in headless Chromium with a CDP virtual
//! authenticator: register, sign out, sign in with the passkey alone.

use chrono::Duration;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{
    Backend, Browser, PASSWORD, TestApp, browser_peer, interop_dir, run_in_chromium,
};

const START: &str = "/account/passkeys/register/start";
const WEBAUTHN_COOKIE: &str = "__Host-ostiary_webauthn";

crate::on_all_backends!(
    registration_start_needs_session_csrf_and_recent_sign_in,
    registration_options_ask_for_a_discoverable_credential_with_uv,
    garbage_registration_fails_cleanly_and_uses_up_the_ceremony,
    passwordless_start_needs_csrf_and_names_nobody,
    passwordless_garbage_fails_generically_is_audited_and_throttled,
    users_remove_only_their_own_passkeys,
    stale_sign_in_must_confirm_before_remove,
    the_last_way_to_sign_in_is_not_removed,
    passkey_second_step_is_gated_and_counts_failures,
);

async fn json_start(b: &mut Browser, path: &str, token: Option<&str>) -> crate::helpers::Page {
    match token {
        Some(t) => b.post_form_with(path, &[], &[("x-csrf-token", t)]).await,
        None => b.post_form(path, &[]).await,
    }
}

async fn signed_in(app: &TestApp, email: &str) -> (Browser, String) {
    let user_id = app.create_user(email, PASSWORD).await;
    let (mut b, res) = app.login(email, PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get("/account/passkeys").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    (b, user_id)
}

async fn count(app: &TestApp, table: &'static str) -> i64 {
    app.db_run(move |conn| {
        use ostiary::db::schema::{passkeys, webauthn_challenges};
        Ok(match table {
            "passkeys" => passkeys::table.count().get_result::<i64>(conn)?,
            _ => webauthn_challenges::table.count().get_result::<i64>(conn)?,
        })
    })
    .await
}

async fn registration_start_needs_session_csrf_and_recent_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    // No session: 401 JSON pointing to the login page.
    let mut anon = app.browser();
    let res = json_start(&mut anon, START, Some("whatever")).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let body: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(body["error"], "login_required");
    let page = anon.get("/account/passkeys").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(page.location().starts_with("/login"));

    let (mut b, _) = signed_in(&app, "alice@example.com").await;
    let token = b.get("/account/passkeys").await.csrf();
    // No or wrong CSRF header: 403.
    for bad in [None, Some(""), Some("not-the-token")] {
        let res = json_start(&mut b, START, bad).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{bad:?}: {}", res.body);
    }
    // Cross-site, even with the token.
    let res = b
        .post_form_with(
            START,
            &[],
            &[("x-csrf-token", &token), ("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "challenges").await, 0);

    // A sign-in older than the re-authentication window: 403 JSON with the
    // forced login to go through, and the page offers only that.
    app.clock
        .advance(Duration::seconds(app.config.session.reauth_window_secs + 1));
    let res = json_start(&mut b, START, Some(&token)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let body: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(body["error"], "reauthentication_required");
    assert_eq!(
        body["location"],
        "/login?force=1&return_to=%2Faccount%2Fpasskeys"
    );
    let page = b.get("/account/passkeys").await;
    assert!(page.body.contains("Confirm it"), "{}", page.body);
    assert!(!page.body.contains("data-webauthn=\"register\""));
    let res = b
        .post_form(
            "/account/passkeys/register",
            &[("csrf_token", &token), ("name", "x"), ("credential", "{}")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(
        res.location().starts_with("/login?force=1"),
        "{}",
        res.location()
    );
    assert_eq!(count(&app, "challenges").await, 0);
    assert_eq!(count(&app, "passkeys").await, 0);
}

async fn registration_options_ask_for_a_discoverable_credential_with_uv(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mut b, user_id) = signed_in(&app, "alice@example.com").await;
    let token = b.get("/account/passkeys").await.csrf();
    let res = json_start(&mut b, START, Some(&token)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.header("content-type").starts_with("application/json"));
    assert_eq!(res.header("cache-control"), "no-store");
    let set_cookie = res.header("set-cookie");
    assert!(set_cookie.starts_with(WEBAUTHN_COOKIE), "{set_cookie}");
    for attr in [
        "HttpOnly",
        "Secure",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=300",
    ] {
        assert!(set_cookie.contains(attr), "{attr} missing: {set_cookie}");
    }
    let options: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let pk = &options["publicKey"];
    let sel = &pk["authenticatorSelection"];
    assert_eq!(sel["residentKey"], "required");
    assert_eq!(sel["requireResidentKey"], true);
    assert_eq!(sel["userVerification"], "required");
    assert_eq!(pk["rp"]["id"], "localhost");
    assert_eq!(pk["user"]["name"], "alice@example.com");
    // The user handle is the user's UUID (16 bytes, base64url).
    let handle = pk["user"]["id"].as_str().unwrap();
    assert_eq!(handle.len(), 22, "{handle}");
    assert!(!user_id.is_empty());
    // A challenge of at least 128 bits.
    assert!(pk["challenge"].as_str().unwrap().len() >= 22);
    // Only the hash of the cookie is stored.
    let cookie = b.cookies.get(WEBAUTHN_COOKIE).unwrap().clone();
    let stored: Vec<(String, Option<String>, String)> = app
        .db_run(|conn| {
            use ostiary::db::schema::webauthn_challenges::dsl::*;
            Ok(webauthn_challenges
                .select((binding_hash, user_id, purpose))
                .load(conn)?)
        })
        .await;
    assert_eq!(stored.len(), 1);
    assert_ne!(stored[0].0, cookie);
    assert_eq!(stored[0].1.as_deref(), Some(user_id.as_str()));
    assert_eq!(stored[0].2, "register");
}

async fn garbage_registration_fails_cleanly_and_uses_up_the_ceremony(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mut b, _) = signed_in(&app, "alice@example.com").await;
    let token = b.get("/account/passkeys").await.csrf();
    let res = json_start(&mut b, START, Some(&token)).await;
    assert_eq!(res.status, StatusCode::OK);
    let cookie = b.cookies.get(WEBAUTHN_COOKIE).unwrap().clone();
    for credential in [
        "garbage",
        "{}",
        r#"{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"attestationObject":"AAAA","clientDataJSON":"AAAA"}}"#,
    ] {
        // Put the (used) binding back each time: the first try used it up.
        b.cookies.insert(WEBAUTHN_COOKIE.into(), cookie.clone());
        let res = b
            .post_form(
                "/account/passkeys/register",
                &[
                    ("csrf_token", &token),
                    ("name", "Laptop"),
                    ("credential", credential),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert!(
            res.body.contains("The passkey could not be registered"),
            "{}",
            res.body
        );
        assert!(
            !res.body.to_lowercase().contains("webauthn"),
            "{}",
            res.body
        );
        assert_eq!(count(&app, "challenges").await, 0);
    }
    assert_eq!(count(&app, "passkeys").await, 0);
    let actions = app.audit_actions().await;
    assert!(!actions.iter().any(|a| a == "passkey.registered"));
}

async fn passwordless_start_needs_csrf_and_names_nobody(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let page = b.get("/login").await;
    assert!(
        page.body.contains("action=\"/login/passkey\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("/static/js/webauthn.js"));
    let token = page.csrf();
    for bad in [None, Some("nope")] {
        let res = json_start(&mut b, "/login/passkey/start", bad).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{bad:?}");
    }
    assert_eq!(count(&app, "challenges").await, 0);
    let res = json_start(&mut b, "/login/passkey/start", Some(&token)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let options: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    let pk = &options["publicKey"];
    assert_eq!(pk["userVerification"], "required");
    assert!(
        pk["allowCredentials"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{options}"
    );
    assert!(options.get("mediation").is_none_or(|m| m.is_null()));
    assert!(!res.body.contains("alice"));
    assert!(b.cookies.contains_key(WEBAUTHN_COOKIE));
}

async fn passwordless_garbage_fails_generically_is_audited_and_throttled(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let token = b.get("/login").await.csrf();
    let res = json_start(&mut b, "/login/passkey/start", Some(&token)).await;
    assert_eq!(res.status, StatusCode::OK);
    let cookie = b.cookies.get(WEBAUTHN_COOKIE).unwrap().clone();
    let mut bodies = Vec::new();
    for _ in 0..2 {
        // The second try reuses the ceremony: refused the same way.
        b.cookies.insert(WEBAUTHN_COOKIE.into(), cookie.clone());
        let res = b
            .post_form(
                "/login/passkey",
                &[("csrf_token", &token), ("credential", "garbage")],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
        assert!(res.body.contains("Signing in with a passkey did not work"));
        assert!(res.header("set-cookie").contains(WEBAUTHN_COOKIE));
        assert!(b.session_cookie().is_none());
        bodies.push(res.body.replace(&token, ""));
        assert_eq!(count(&app, "challenges").await, 0);
    }
    assert_eq!(bodies[0], bodies[1], "failures must look alike");
    // Without CSRF nothing happens at all.
    let res = b
        .post_form("/login/passkey", &[("credential", "garbage")])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "login.failure").count(),
        2,
        "{actions:?}"
    );
    let failures: i32 = app
        .db_run(|conn| {
            Ok(ostiary::store::throttle::get(conn, "ip:127.0.0.1")?
                .map(|t| t.failures)
                .unwrap_or(0))
        })
        .await;
    assert_eq!(failures, 2);
    assert_eq!(app.live_session_count().await, 0);
}

async fn insert_passkey(app: &TestApp, user_id: &str, name: &str) -> String {
    let row = ostiary::store::passkeys::PasskeyRow {
        id: uuid::Uuid::new_v4().to_string(),
        user_id: user_id.into(),
        credential_id: uuid::Uuid::new_v4().simple().to_string(),
        name: name.to_owned(),
        passkey: "{}".into(),
        created_at: app.state.now().naive_utc(),
        last_used_at: None,
    };
    let id = row.id.clone();
    app.db_run(move |conn| ostiary::store::passkeys::insert(conn, &row))
        .await;
    id
}

async fn passkey_second_step_is_gated_and_counts_failures(backend: Backend) {
    // SR-94, SR-95: with a passkey enrolled, the password leads to the second
    // step; its start endpoint needs the pending login and the CSRF header;
    // a bad assertion is refused, audited and counted like a wrong code.
    let app = TestApp::spawn(backend).await;
    let user_id = app.create_user("pk2@example.com", PASSWORD).await;
    insert_passkey(&app, &user_id, "Laptop").await;
    let (mut b, res) = app.login("pk2@example.com", PASSWORD).await;
    assert!(
        res.location().starts_with("/login/mfa?"),
        "{}",
        res.location()
    );
    assert!(b.session_cookie().is_none());
    let page = b.get(res.location()).await;
    assert!(page.body.contains("Use a passkey"), "{}", page.body);
    assert!(
        page.body
            .contains("data-start=\"/login/mfa/passkey/start\"")
    );
    let no_csrf = json_start(&mut b, "/login/mfa/passkey/start", None).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    let mut stranger = app.browser();
    let form = stranger.get("/login").await;
    let res = json_start(
        &mut stranger,
        "/login/mfa/passkey/start",
        Some(&form.csrf()),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert!(res.body.contains("login_required"));
    let bad = b
        .post_form(
            "/login/mfa/passkey",
            &[
                ("csrf_token", &page.csrf()),
                ("credential", "{\"id\":\"x\"}"),
                ("return_to", "/account"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED, "{}", bad.body);
    assert!(b.session_cookie().is_none());
    let failed = app.audit_rows("mfa.failed").await;
    assert!(
        failed[0].details.contains("\"factor\":\"passkey\""),
        "{}",
        failed[0].details
    );
    let counter = app
        .db_run(move |c| ostiary::store::throttle::get(c, &format!("mfa:{user_id}")))
        .await
        .unwrap();
    assert_eq!(counter.failures, 1);
}

async fn users_remove_only_their_own_passkeys(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mut alice, alice_id) = signed_in(&app, "alice@example.com").await;
    let (mut mallory, _) = signed_in(&app, "mallory@example.com").await;
    let key = insert_passkey(&app, &alice_id, "Alice's <laptop>").await;

    let page = alice.get("/account/passkeys").await;
    assert!(
        page.body.contains("Alice&#39;s &#60;laptop&#62;"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("/account/passkeys/{key}/delete"))
    );
    let page = mallory.get("/account/passkeys").await;
    assert!(!page.body.contains(&key));

    let delete = format!("/account/passkeys/{key}/delete");
    let res = mallory.post_from(&page, &delete, &[]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // Alice's own request without a token is refused too.
    let res = alice.post_form(&delete, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(count(&app, "passkeys").await, 1);

    let res = alice.submit("/account/passkeys", &delete, &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account/passkeys?notice=removed");
    assert_eq!(count(&app, "passkeys").await, 0);
    assert!(app.audited("passkey.removed").await);
}

async fn the_last_way_to_sign_in_is_not_removed(backend: Backend) {
    // One rule with unlinking a provider (`auth::sign_in_methods`): an
    // account without a password keeps its only passkey.
    let app = TestApp::spawn(backend).await;
    let (mut alice, alice_id) = signed_in(&app, "alice@example.com").await;
    let only = insert_passkey(&app, &alice_id, "Only key").await;
    app.sql(&format!(
        "UPDATE users SET password_hash = NULL WHERE id = '{alice_id}'"
    ))
    .await
    .unwrap();
    let delete = format!("/account/passkeys/{only}/delete");
    let res = alice.submit("/account/passkeys", &delete, &[]).await;
    assert_eq!(res.location(), "/account/passkeys?notice=last-method");
    assert_eq!(count(&app, "passkeys").await, 1);
    let page = alice.get(res.location()).await;
    assert!(page.body.contains("only way to sign in"), "{}", page.body);
    assert!(!app.audited("passkey.removed").await);
    // With a second passkey, either may go.
    insert_passkey(&app, &alice_id, "Second key").await;
    let res = alice.submit("/account/passkeys", &delete, &[]).await;
    assert_eq!(res.location(), "/account/passkeys?notice=removed");
    assert_eq!(count(&app, "passkeys").await, 1);
}

async fn stale_sign_in_must_confirm_before_remove(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (mut alice, alice_id) = signed_in(&app, "alice@example.com").await;
    let key = insert_passkey(&app, &alice_id, "Laptop").await;
    let page = alice.get("/account/passkeys").await;
    app.clock
        .advance(Duration::seconds(app.config.session.reauth_window_secs + 1));
    let res = alice
        .post_from(&page, &format!("/account/passkeys/{key}/delete"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location(),
        "/login?force=1&return_to=%2Faccount%2Fpasskeys"
    );
    assert_eq!(count(&app, "passkeys").await, 1);
}

// ---------- Headless Chromium with a virtual authenticator ----------

/// A fresh assertion for `options` from the exported virtual credential,
/// its signature counter advanced by `bump` (a clone would not advance it).
async fn assert_with(
    base: &str,
    options: &str,
    credential: &serde_json::Value,
    bump: i64,
) -> String {
    let mut credential = credential.clone();
    credential["signCount"] = (credential["signCount"].as_i64().unwrap() + bump).into();
    let output = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg("passkey_assert.mjs")
        .arg(base)
        .arg(options)
        .arg(credential.to_string())
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "assertion failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A second-factor ceremony for `user`: its options, and a request that
/// carries its cookie.
async fn ceremony(app: &TestApp, user: &str) -> (serde_json::Value, actix_web::HttpRequest) {
    let (options, cookie) = ostiary::auth::webauthn::start_authentication(&app.state, &user.into())
        .await
        .unwrap();
    let req = actix_web::test::TestRequest::default()
        .cookie(cookie)
        .to_http_request();
    (options, req)
}

/// Whether `credential` passes the ceremony of `req` as `user`.
async fn verifies(
    app: &TestApp,
    req: &actix_web::HttpRequest,
    user: &str,
    credential: &str,
) -> bool {
    ostiary::auth::webauthn::finish_authentication(&app.state, req, &user.into(), credential)
        .await
        .unwrap()
}

async fn chromium_registers_a_passkey_and_signs_in_without_password(backend: Backend) {
    if !browser_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(backend).await;
    let ada = app.create_user("ada@example.com", PASSWORD).await;
    let seen = run_in_chromium(&app, "passkeys.mjs", &["ada@example.com", PASSWORD]).await;
    assert_eq!(seen["passkeyButtonVisible"], true, "{seen}");
    assert_eq!(seen["backupCodesShown"], 10, "{seen}");
    assert_eq!(seen["afterRegister"], "/account/passkeys", "{seen}");
    assert_eq!(seen["listed"], true, "{seen}");
    assert_eq!(seen["credentials"], 1, "{seen}");
    assert_eq!(seen["resident"], true, "{seen}");
    assert_eq!(seen["accountAfterLogout"], "/login", "{seen}");
    assert_eq!(seen["afterPasskeyLogin"], "/account", "{seen}");
    assert_eq!(seen["accountShowsEmail"], true, "{seen}");
    assert_eq!(seen["lastUsedShown"], true, "{seen}");
    assert_eq!(seen["secondStep"], "/login/mfa", "{seen}");
    assert_eq!(seen["afterSecondFactor"], "/account", "{seen}");
    assert!(seen.get("pageError").is_none(), "{seen}");

    // The passwordless sign-in carried the passkey's amr; the live session
    // (password + passkey as second step) carries both.
    let logins = app.audit_rows("login.success").await;
    assert!(
        logins
            .iter()
            .any(|r| r.details.contains(r#""amr":["swk","user","mfa"]"#)),
        "{logins:?}"
    );
    let owner = ada.clone();
    let amrs: Vec<String> = app
        .db_run(move |conn| {
            use ostiary::db::schema::auth_sessions::dsl::*;
            Ok(auth_sessions
                .filter(user_id.eq(&owner))
                .filter(revoked_at.is_null())
                .select(amr)
                .load(conn)?)
        })
        .await;
    assert_eq!(amrs, [r#"["pwd","swk","user","mfa"]"#], "{amrs:?}");
    let (stored, used): (i64, i64) = app
        .db_run(|conn| {
            use ostiary::db::schema::passkeys::dsl::*;
            Ok((
                passkeys.count().get_result(conn)?,
                passkeys
                    .filter(last_used_at.is_not_null())
                    .count()
                    .get_result(conn)?,
            ))
        })
        .await;
    assert_eq!((stored, used), (1, 1));
    assert_eq!(count(&app, "challenges").await, 0);

    // Replaying the captured assertion fails: with its own (used-up)
    // ceremony, and with a fresh one (another challenge).
    let form: Vec<(String, String)> =
        url::form_urlencoded::parse(seen["replay"]["form"].as_str().unwrap().as_bytes())
            .into_owned()
            .collect();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let csrf = &form.iter().find(|(k, _)| k == "csrf_token").unwrap().1;
    let mut replayer = app.browser();
    for pair in seen["replay"]["cookie"].as_str().unwrap().split("; ") {
        let (k, v) = pair.split_once('=').unwrap();
        replayer.cookies.insert(k.to_owned(), v.to_owned());
    }
    assert!(replayer.cookies.contains_key(WEBAUTHN_COOKIE));
    let sessions_before = app.live_session_count().await;
    let res = replayer.post_form("/login/passkey", &fields).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    let res = json_start(&mut replayer, "/login/passkey/start", Some(csrf)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = replayer.post_form("/login/passkey", &fields).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert!(replayer.session_cookie().is_none());
    assert_eq!(app.live_session_count().await, sessions_before);

    // The second-factor API the MFA step uses: options for the user's
    // passkeys with user verification, and a clean `false` for garbage.
    let (options, req) = ceremony(&app, &ada).await;
    assert_eq!(options["publicKey"]["userVerification"], "required");
    let allowed = options["publicKey"]["allowCredentials"].as_array().unwrap();
    assert_eq!(allowed.len(), 1);
    assert!(
        ostiary::auth::webauthn::has_passkeys(&app.state, &ada.as_str().into())
            .await
            .unwrap()
    );
    assert!(!verifies(&app, &req, &ada, "garbage").await);
    // Used up: a second try with the same binding finds no ceremony.
    assert!(!verifies(&app, &req, &ada, "{}").await);
    assert_eq!(count(&app, "challenges").await, 0);
    // Another user's id never matches the ceremony.
    let (_, req) = ceremony(&app, &ada).await;
    let other = app.create_user("eve@example.com", PASSWORD).await;
    assert!(!verifies(&app, &req, &other, "{}").await);
    assert!(
        ostiary::auth::webauthn::start_authentication(&app.state, &other.as_str().into())
            .await
            .is_err()
    );

    // A real second-factor assertion (the credential moved to a new virtual
    // authenticator) verifies once; replaying it against a new ceremony
    // fails.
    let (options, req) = ceremony(&app, &ada).await;
    let assertion = assert_with(&app.base, &options.to_string(), &seen["credential"], 0).await;
    assert!(
        verifies(&app, &req, &ada, &assertion).await,
        "second factor refused: {assertion}"
    );
    let (_, req) = ceremony(&app, &ada).await;
    assert!(!verifies(&app, &req, &ada, &assertion).await);

    // A signature counter that did not advance (a cloned authenticator) is
    // refused.
    let (options, req) = ceremony(&app, &ada).await;
    let cloned = assert_with(&app.base, &options.to_string(), &seen["credential"], 0).await;
    assert!(!verifies(&app, &req, &ada, &cloned).await);

    // Passwordless through HTTP with a fresh assertion: refused while the
    // account is locked (same answer as any failure), accepted once unlocked.
    for locked in [true, false] {
        app.sql(&format!(
            "UPDATE users SET locked = {locked} WHERE email = 'ada@example.com'"
        ))
        .await
        .unwrap();
        let mut b = app.browser();
        let token = b.get("/login").await.csrf();
        let res = json_start(&mut b, "/login/passkey/start", Some(&token)).await;
        assert_eq!(res.status, StatusCode::OK);
        let bump = if locked { 10 } else { 20 };
        let assertion = assert_with(&app.base, &res.body, &seen["credential"], bump).await;
        let res = b
            .post_form(
                "/login/passkey",
                &[("csrf_token", &token), ("credential", &assertion)],
            )
            .await;
        if locked {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
            assert!(res.body.contains("Signing in with a passkey did not work"));
            assert!(b.session_cookie().is_none());
        } else {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert_eq!(res.location(), "/account");
            assert!(b.is_signed_in().await);
        }
    }
    app.assert_audited(&[
        "passkey.registered",
        "passkey.verified",
        "login.success",
        "login.failure",
        "passkey.rejected",
    ])
    .await;
}

/// The browser run, on both backends (real credentials stored and updated).
mod browser {
    use super::chromium_registers_a_passkey_and_signs_in_without_password;

    crate::on_all_backends!(chromium_registers_a_passkey_and_signs_in_without_password);
}
