//! "Choose your directory" (S7, issue 15): an LDAP provider that claims no
//! domain gets a button on the login page leading to its own form at
//! `/login/directory/{id}`, where a directory user name (`alice`, not an
//! address) and password sign in through the same service as the login
//! page's identifier-first path: throttled before any bind (SR-84), one
//! failure message (SR-85), CSRF-checked (SR-70), filter input escaped
//! (SR-131).

use reqwest::StatusCode;

use ostiary::federation::Kind;
use ostiary::federation::ldap::settings::LdapSpec;
use ostiary::federation::registry::{self, Reach};
use ostiary::federation::spec::ProviderSpec;

use crate::helpers::{Backend, Browser, Page, TestApp};
use crate::ldap_support::{
    PEOPLE_LIST, SERVICE_PASSWORD, Slapd, person_dn, slapd_peer, spawn, starttls_spec,
};

crate::on_all_backends!(
    ldap_choose_signs_in_by_directory_name,
    ldap_choose_refuses_like_the_login_page,
    ldap_choose_hides_disabled_and_unknown_directories,
);

/// Search-then-bind finding people by their `uid` (a plain name).
fn by_uid(slapd: &Slapd) -> LdapSpec {
    LdapSpec {
        user_filter: Some("(uid={username})".into()),
        ..starttls_spec(slapd)
    }
}

/// An LDAP provider that claims no domain.
async fn domainless(app: &TestApp, slapd: &Slapd) -> String {
    let spec = ProviderSpec {
        name: "Staff Directory".into(),
        domains: vec![],
        trust_email: true,
        jit: true,
        enabled: true,
        ldap: by_uid(slapd),
        ..ProviderSpec::default()
    };
    registry::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        Kind::Ldap,
        spec,
        Some(SERVICE_PASSWORD.to_owned()),
    )
    .await
    .unwrap()
    .unwrap()
    .id
}

fn form_path(id: &str) -> String {
    format!("/login/directory/{id}?return_to=%2Faccount%2Fsecurity")
}

async fn try_directory(b: &mut Browser, id: &str, username: &str, password: &str) -> Page {
    let form = b.get(&form_path(id)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    b.post_from(
        &form,
        &format!("/login/directory/{id}"),
        &[
            ("username", username),
            ("password", password),
            ("return_to", "/account/security"),
        ],
    )
    .await
}

async fn ldap_choose_signs_in_by_directory_name(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let id = domainless(&app, &slapd).await;
    let (alice_uid, alice_mail, _, alice_pw) = PEOPLE_LIST[0];
    let mut b = app.browser();

    // The login page shows the directory's button, keeping return_to.
    let login = b.get("/login?return_to=%2Faccount%2Fsecurity").await;
    assert_eq!(login.status, StatusCode::OK);
    let href = format!("/login/directory/{id}?return_to=/account/security");
    assert!(login.body.contains(&href), "{}", login.body);
    assert!(login.body.contains("Staff Directory"), "{}", login.body);

    // Its page: user name, password, back link; in German too.
    let page = b.get(&form_path(&id)).await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [
        "Sign in with Staff Directory",
        "name=\"username\"",
        "autocomplete=\"username\"",
        "autocomplete=\"current-password\"",
        "name=\"csrf_token\"",
        "Back to sign-in options",
    ] {
        assert!(page.body.contains(needle), "{needle}: {}", page.body);
    }
    let mut de = app.browser();
    let german = de
        .get_with(&form_path(&id), &[("accept-language", "de")])
        .await;
    assert!(german.body.contains("Benutzername"), "{}", german.body);

    // The plain directory name signs in and lands on return_to.
    let done = try_directory(&mut b, &id, alice_uid, alice_pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account/security");
    assert!(b.is_signed_in().await);
    assert_eq!(slapd.binds_as(&person_dn(alice_uid)), 1);
    let session = app.session_of(&b).await;
    assert_eq!(session.amr.to_vec(), ["pwd"]);
    // Provisioned and linked as for domain routing, audited the same way.
    assert!(app.audited("user.provisioned").await);
    let user_id = session.user_id.clone();
    let identities = app
        .db_run(move |conn| ostiary::store::identities::of_user(conn, &user_id))
        .await;
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0].0.provider_id, id);
    let logins = app.audit_rows("login.success").await;
    assert!(
        logins.iter().any(|r| r.details.contains("upstream:ldap")),
        "{logins:?}"
    );
    let user = app
        .db_run(move |conn| ostiary::store::users::find_by_email(conn, alice_mail))
        .await;
    assert!(user.is_some());

    // Without return_to it lands on /account.
    let mut c = app.browser();
    let form = c.get(&format!("/login/directory/{id}")).await;
    let done = c
        .post_from(
            &form,
            &format!("/login/directory/{id}"),
            &[("username", alice_uid), ("password", alice_pw)],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
}

async fn ldap_choose_refuses_like_the_login_page(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |c| {
        c.throttle.account_delay_after = 100;
        c.throttle.account_lock_after = 3;
        c.throttle.lock_secs = 600;
    })
    .await;
    let id = domainless(&app, &slapd).await;
    let (bob_uid, _, _, bob_pw) = PEOPLE_LIST[1];
    let (carol_uid, _, _, carol_pw) = PEOPLE_LIST[2];
    let mut b = app.browser();

    // Empty password: the message, nothing sent to the directory.
    let before = slapd.binds();
    let empty = try_directory(&mut b, &id, bob_uid, "").await;
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.body);
    assert!(empty.body.contains("directory password"), "{}", empty.body);
    assert_eq!(slapd.binds(), before);

    // SR-70: a forged or missing CSRF token is refused, nothing sent.
    for token in [Some("forged"), None] {
        let mut fields = vec![("username", bob_uid), ("password", bob_pw)];
        if let Some(t) = token {
            fields.push(("csrf_token", t));
        }
        let page = b
            .post_form(&format!("/login/directory/{id}"), &fields)
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    }
    assert_eq!(slapd.binds(), before, "a forged form reached the directory");
    assert!(b.session_cookie().is_none());

    // SR-131: an injection-looking name fails like any wrong name.
    for typed in ["*)(uid=*", "*", "b*b", "bob)(|(uid=*"] {
        let page = try_directory(&mut b, &id, typed, bob_pw).await;
        assert_eq!(
            page.status,
            StatusCode::UNAUTHORIZED,
            "{typed}: {}",
            page.body
        );
        assert!(page.body.contains("Incorrect email or password"), "{typed}");
        assert!(b.session_cookie().is_none(), "{typed}");
    }
    assert_eq!(slapd.binds_as(&person_dn(bob_uid)), 0);

    // SR-85: a wrong password, the one failure message, re-rendered with
    // the name kept; SR-84: the throttle counts it, and after the limit
    // even the right password is refused before any bind.
    for _ in 0..3 {
        let page = try_directory(&mut b, &id, carol_uid, "guess").await;
        assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.body);
        assert!(page.body.contains("Incorrect email or password"));
        assert!(page.body.contains(&format!("value=\"{carol_uid}\"")));
    }
    assert_eq!(slapd.binds_as(&person_dn(carol_uid)), 3);
    let refused = try_directory(&mut b, &id, carol_uid, carol_pw).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert!(!refused.header("retry-after").is_empty());
    assert_eq!(
        slapd.binds_as(&person_dn(carol_uid)),
        3,
        "a throttled attempt reached the directory"
    );
    let failures = app.audit_rows("login.failure").await;
    assert!(failures.iter().any(|r| r.details.contains("throttled")));
    assert!(b.session_cookie().is_none());
    app.clock.advance(chrono::Duration::seconds(601));
    let done = try_directory(&mut b, &id, carol_uid, carol_pw).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}

async fn ldap_choose_hides_disabled_and_unknown_directories(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let id = domainless(&app, &slapd).await;
    registry::update(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &Reach::global(),
        &id,
        |s| s.enabled = false,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let mut b = app.browser();
    let login = b.get("/login").await;
    assert!(!login.body.contains("/login/directory/"), "{}", login.body);
    assert!(!login.body.contains("Staff Directory"));
    let gone = b.get(&format!("/login/directory/{id}")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let unknown = b.get("/login/directory/no-such-provider").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // A post to a disabled directory binds nothing.
    let before = slapd.binds();
    let form = b.get("/login").await;
    let (alice_uid, _, _, alice_pw) = PEOPLE_LIST[0];
    let page = b
        .post_from(
            &form,
            &format!("/login/directory/{id}"),
            &[("username", alice_uid), ("password", alice_pw)],
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(slapd.binds(), before);
    assert!(b.session_cookie().is_none());
}

/// Chromium, signed out, in both variants (en-desktop/light and
/// de-phone/dark): login page → the directory's button → its form →
/// signed in by plain directory name (`tests/interop/ldap_choose.mjs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ldap_choose_in_chromium() {
    if !crate::helpers::browser_peer() || !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.oidc.allow_private_targets = true;
    })
    .await;
    domainless(&app, &slapd).await;
    let (alice_uid, _, _, alice_pw) = PEOPLE_LIST[0];
    let config = serde_json::json!({
        "directoryName": "Staff Directory",
        "username": alice_uid,
        "password": alice_pw,
    });
    let seen =
        crate::helpers::run_in_chromium(&app, "ldap_choose.mjs", &[&config.to_string()]).await;
    assert_eq!(
        seen["result"]["signedIn"],
        serde_json::json!(["/account/security", "/account/security"]),
        "{seen}"
    );
}
