//! Page language (S4): English by default, German from `Accept-Language`
//! or from `ui_locales` on the authorization request (which wins).

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::mfa_support::{password_step, user_with_totp};
use crate::oauth_support::{EMAIL, url};

const DE: &[(&str, &str)] = &[("accept-language", "de-DE,de;q=0.9,en;q=0.5")];
const EN: &[(&str, &str)] = &[("accept-language", "en-US,en;q=0.9")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_page_is_english_by_default_and_german_on_request() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut b = app.browser();

    let en = b.get("/login").await;
    assert_eq!(en.status, StatusCode::OK);
    assert!(en.body.contains("<html lang=\"en\">"), "{}", en.body);
    assert!(en.body.contains(">Sign in</h1>"), "{}", en.body);
    assert!(en.body.contains(">Email address<"), "{}", en.body);

    let de = b.get_with("/login", DE).await;
    assert_eq!(de.status, StatusCode::OK);
    assert!(de.body.contains("<html lang=\"de\">"), "{}", de.body);
    assert!(de.body.contains(">Anmelden</h1>"), "{}", de.body);
    assert!(de.body.contains(">E-Mail-Adresse<"), "{}", de.body);
    assert!(de.body.contains(">Passwort vergessen?<"), "{}", de.body);
    assert!(!de.body.contains("Email address"), "{}", de.body);
    // Field names and ids do not change with the language.
    assert!(de.body.contains("id=\"login-email\" name=\"email\""));

    // A failed sign-in answers in the same language.
    let failed = b
        .post_from_with(
            &de,
            "/login",
            &[
                ("email", "nobody@example.com"),
                ("password", "wrong password here"),
            ],
            DE,
        )
        .await;
    assert_eq!(failed.status, StatusCode::UNAUTHORIZED);
    assert!(
        failed
            .body
            .contains("E-Mail-Adresse oder Passwort ist falsch."),
        "{}",
        failed.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ui_locales_wins_over_accept_language() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = app.client("web").register().await.id;
    let mut b = app.browser();

    let res = b
        .get_with(&url(&id, &[("ui_locales", "fr-CA de-CH en")]), EN)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    let login = b.get_with(res.location(), EN).await;
    assert!(login.body.contains("<html lang=\"de\">"), "{}", login.body);
    assert!(login.body.contains(">Anmelden</h1>"), "{}", login.body);

    // Without ui_locales the same browser gets English.
    let res = b.get_with(&url(&id, &[]), EN).await;
    let login = b.get_with(res.location(), EN).await;
    assert!(login.body.contains("<html lang=\"en\">"), "{}", login.body);

    // A failed password keeps the language of the carried return_to.
    let res = b.get_with(&url(&id, &[("ui_locales", "de")]), EN).await;
    let login = b.get_with(res.location(), EN).await;
    let return_to = login.field("return_to");
    assert!(return_to.contains("ui_locales=de"), "{return_to}");
    let failed = b
        .post_from_with(
            &login,
            "/login",
            &[
                ("email", EMAIL),
                ("password", "wrong password here"),
                ("return_to", &return_to),
            ],
            EN,
        )
        .await;
    assert!(failed.body.contains("lang=\"de\""), "{}", failed.body);
    assert!(
        failed.body.contains("Passwort ist falsch"),
        "{}",
        failed.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_challenge_and_security_pages_in_german() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    user_with_totp(&app, EMAIL).await;
    let (mut b, en) = password_step(&app, EMAIL).await;
    assert!(en.body.contains("Code from your authenticator app"));

    let de = b.get_with("/login/mfa?return_to=%2Faccount", DE).await;
    assert_eq!(de.status, StatusCode::OK, "{}", de.body);
    assert!(de.body.contains("<html lang=\"de\">"), "{}", de.body);
    assert!(
        de.body.contains("Code aus Ihrer Authenticator-App"),
        "{}",
        de.body
    );
    assert!(de.body.contains(">Backup-Code verwenden<"), "{}", de.body);

    // A wrong code is reported in German too.
    let wrong = b
        .post_from_with(
            &de,
            "/login/mfa/totp",
            &[("code", "000000"), ("return_to", "/account")],
            DE,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    assert!(
        wrong.body.contains("Dieser Code hat nicht funktioniert."),
        "{}",
        wrong.body
    );

    app.create_user("second@example.com", PASSWORD).await;
    let (mut s, res) = app.login("second@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let security = s.get_with("/account/security", DE).await;
    assert_eq!(security.status, StatusCode::OK, "{}", security.body);
    assert!(security.body.contains("<html lang=\"de\">"));
    assert!(
        security
            .body
            .contains("Die zweistufige Anmeldung ist <strong>ausgeschaltet</strong>"),
        "{}",
        security.body
    );
    assert!(security.body.contains("Anmeldung &amp; Sicherheit"));
    let english = s.get("/account/security").await;
    assert!(
        english
            .body
            .contains("Two-step sign-in is <strong>off</strong>")
    );
    let account = s.get_with("/account", DE).await;
    assert!(
        account.body.contains("Verbundene Anwendungen"),
        "{}",
        account.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_page_in_german() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let mut b = app.browser();
    let de = b.get_with("/account/passkeys/nope/nothing-here", DE).await;
    assert_eq!(de.status, StatusCode::NOT_FOUND);
    assert!(de.body.contains("<html lang=\"de\">"), "{}", de.body);
    assert!(de.body.contains("Seite nicht gefunden"), "{}", de.body);
    assert!(de.body.contains("Anfrage-ID"), "{}", de.body);
    let en = b.get("/account/passkeys/nope/nothing-here").await;
    assert!(en.body.contains("Page not found"), "{}", en.body);
    assert!(en.body.contains("Request ID"), "{}", en.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_page_follows_ui_locales_and_discovery_lists_languages() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let id = app.client("web").register().await.id;
    app.create_user(EMAIL, PASSWORD).await;
    let (mut b, _) = app.login(EMAIL, PASSWORD).await;

    let consent = b.get_with(&url(&id, &[("ui_locales", "de")]), EN).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    assert!(
        consent.body.contains("<html lang=\"de\">"),
        "{}",
        consent.body
    );
    assert!(
        consent
            .body
            .contains("Darf App web auf Ihr Konto zugreifen?"),
        "{}",
        consent.body
    );
    assert!(consent.body.contains("Ihre E-Mail-Adresse sehen"));
    assert!(consent.body.contains(">Zulassen<"));

    let english = b.get_with(&url(&id, &[]), EN).await;
    assert!(english.body.contains("See your email address"));

    let doc: serde_json::Value = b
        .get("/.well-known/openid-configuration")
        .await
        .body
        .parse()
        .unwrap();
    assert_eq!(doc["ui_locales_supported"], serde_json::json!(["en", "de"]));
}
