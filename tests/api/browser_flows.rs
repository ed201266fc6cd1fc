//! The browser suite of record for the hosted pages (S4, SR-73): every flow
//! that ends at an application, driven in headless Chromium by
//! `tests/interop/browser_flows.mjs` with a real openid-client relying party
//! on another origin (`http://127.0.0.1:RP_PORT`, Ostiary on
//! `http://localhost:PORT`). Chromium enforces the CSP, so a `form-action`
//! that blocks the redirect back to the application fails here (an HTTP
//! client would never notice). It runs in English at desktop width in light
//! mode and in German at phone width in dark mode, fails on any console
//! error or CSP violation, and keeps a screenshot of every page under
//! `target/tmp/screenshots/` (or `OSTIARY_SCREENSHOT_DIR`).

use serde_json::{Value, json};

use crate::helpers::{Backend, PASSWORD, TestApp, browser_peer, interop_dir};
use crate::mail_sink::{MailSink, free_port};

/// The hosted pages every variant must show (one screenshot each).
const PAGES: &[&str] = &[
    "login-for-app",
    "login-failed",
    "consent",
    "email-code-request",
    "email-code-enter",
    "end-session-confirm",
    "select-account",
    "select-account-two",
    "account",
    "security",
    "totp-enroll",
    "backup-codes",
    "mfa-step-up",
    "mfa-challenge",
    "device-entry",
    "device-confirm",
    "device-done",
    "passkeys",
    "login",
    "password-reset",
    "not-found",
    "authorize-error",
    "account-password",
    "account-email",
    "account-delete",
    "select-account-plain",
    "logout",
    "logged-out",
    "login-with-providers",
    "account-federated",
    "federated-failed",
    "account-link-offer",
    "account-provider-linked",
];

/// Where the screenshots go (kept after the run: they are for people).
pub fn screenshot_dir() -> std::path::PathBuf {
    std::env::var("OSTIARY_SCREENSHOT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots"))
}

fn users(app_users: &mut Vec<(String, String)>, variant: &str) -> Value {
    let mut one = |kind: &str| {
        let email = format!("{kind}-{variant}@example.com");
        app_users.push((email.clone(), kind.to_owned()));
        json!({ "email": email, "password": PASSWORD })
    };
    json!({ "pwd": one("pwd"), "totp": one("totp"), "passkey": one("passkey"), "link": one("link") })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_flow_reaches_the_application_in_chromium() {
    if !browser_peer() {
        return;
    }
    let Some(sink) = MailSink::start() else {
        return;
    };
    let smtp = sink.url();
    let app = TestApp::spawn_for_browser_with(Backend::Sqlite, |c| {
        c.smtp_url = Some(smtp.into());
        c.mail.tls = Some("none".into());
        c.oidc.device_poll_interval_secs = 1;
        // The upstream OpenID Provider runs on 127.0.0.1.
        c.oidc.allow_private_targets = true;
    })
    .await;
    let rp_port = free_port();
    let rp = format!("http://127.0.0.1:{rp_port}");
    let web = app
        .client_named("Acme Notes")
        .redirect_uris(&[&format!("{rp}/cb")])
        .post_logout_uris(&[&format!("{rp}/bye")])
        .links(
            &format!("{}/static/img/favicon.svg", app.base),
            "https://notes.example/privacy",
            "https://notes.example/terms",
        )
        .register()
        .await;
    let spa = app
        .client_named("Acme Web App")
        .public()
        .redirect_uris(&[&format!("{rp}/spa")])
        .allowed_origins(&[&rp])
        .register()
        .await
        .id;
    let device = app
        .client_named("Acme TV")
        .public()
        .grants(&["urn:ietf:params:oauth:grant-type:device_code"])
        .register()
        .await
        .id;

    let (provider, upstream) = crate::federated_login::registered_upstream(&app, "Acme SSO").await;
    // The presets' buttons (not followed here: their marks on the pages).
    for (kind, name) in [
        (ostiary::federation::Kind::Google, "Google"),
        (ostiary::federation::Kind::Entra, "Microsoft"),
        (ostiary::federation::Kind::Github, "GitHub"),
    ] {
        let spec = ostiary::federation::spec::ProviderSpec {
            name: name.into(),
            client_id: Some("unused".into()),
            tenant: (kind == ostiary::federation::Kind::Entra).then(|| "common".into()),
            enabled: true,
            jit: true,
            ..Default::default()
        };
        ostiary::federation::registry::create(
            &app.state,
            &ostiary::audit::Actor::system("test"),
            &ostiary::federation::registry::Reach::global(),
            kind,
            spec,
            Some("unused".into()),
        )
        .await
        .unwrap()
        .unwrap();
    }
    // Addresses of this domain sign in through the provider (identifier-first).
    ostiary::federation::registry::update(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        &ostiary::federation::registry::Reach::global(),
        &provider.id,
        |s| s.domains = vec!["acme-sso.test".into()],
        None,
    )
    .await
    .unwrap()
    .unwrap();

    let mut accounts = Vec::new();
    let variants = json!([
        {
            "name": "en-desktop-light", "lang": "en", "locale": "en-US",
            "viewport": { "width": 1280, "height": 900 }, "colorScheme": "light",
            "users": users(&mut accounts, "en"),
        },
        {
            "name": "de-phone-dark", "lang": "de", "locale": "de-DE",
            "viewport": { "width": 390, "height": 844 }, "colorScheme": "dark", "mobile": true,
            "users": users(&mut accounts, "de"),
        },
    ]);
    let shots = screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let config = json!({
        "base": app.base,
        "rpPort": rp_port,
        "shots": shots,
        "mailDir": sink.dir(),
        "client": { "id": web.id, "secret": web.secret, "name": "Acme Notes" },
        "deviceClient": { "id": device },
        "spaClient": { "id": spa },
        "provider": {
            "id": provider.id, "issuer": upstream.issuer, "name": "Acme SSO",
            "domain": "acme-sso.test",
        },
        "admin": { "email": "admin@example.com", "password": PASSWORD, "name": "Ada Admin" },
        "variants": variants,
    });
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), config.to_string()).unwrap();
    // The first admin comes from /setup in the browser; the others now.
    let run = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg("browser_flows.mjs")
        .arg(file.path())
        .kill_on_drop(true)
        .output();
    let create = async {
        // Wait for setup to finish before creating further accounts, so
        // that /setup is what the browser sees first.
        for _ in 0..600 {
            if app.audited("setup.completed").await {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        for (email, _) in &accounts {
            app.create_user(email, PASSWORD).await;
        }
    };
    let (output, ()) = tokio::join!(run, create);
    let output = output.unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "browser flows failed:\n{stderr}\n{stdout}"
    );
    let report: Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(report["errors"], json!([]), "{report}");
    for variant in ["en-desktop-light", "de-phone-dark"] {
        let seen = &report["variants"][variant];
        assert_eq!(seen["firstSignIn"], json!(["pwd"]), "{variant}: {seen}");
        assert_eq!(seen["consentDeny"], "access_denied", "{variant}");
        assert_eq!(seen["formPost"], "POST", "{variant}");
        assert_eq!(seen["emailCode"], json!(["otp"]), "{variant}: {seen}");
        assert_eq!(seen["rpLogout"], "silent", "{variant}");
        assert_eq!(seen["rpLogoutConfirmed"], "confirmed", "{variant}");
        assert_eq!(seen["device"], "approved", "{variant}");
        assert_eq!(
            seen["selectAccount"],
            format!("pwd-{}@example.com", &variant[..2]),
            "{variant}"
        );
        assert_eq!(seen["backupCopied"], true, "{variant}");
        assert_eq!(
            seen["browserApp"],
            format!("pwd-{}@example.com", &variant[..2]),
            "{variant}: a public client in the browser, through CORS"
        );
        for flow in ["stepUp", "backupCode", "totp", "passkeySecondStep"] {
            let amr = seen[flow]
                .as_array()
                .unwrap_or_else(|| panic!("{variant} {flow}: {seen}"));
            assert!(amr.contains(&json!("mfa")), "{variant} {flow}: {amr:?}");
        }
        assert!(
            seen["passkeyFirstFactor"]
                .as_array()
                .is_some_and(|a| a.contains(&json!("mfa"))),
            "{variant}: {seen}"
        );
        assert!(seen["promptLogin"].as_i64().is_some() && seen["maxAge"].as_i64().is_some());
        assert!(
            seen["pushed"].as_i64().is_some(),
            "{variant}: PAR sign-in: {seen}"
        );
        assert_eq!(seen["federated"], json!(["fed"]), "{variant}: {seen}");
        assert_eq!(
            seen["identifierFirst"],
            format!("hrd-{variant}@acme-sso.test"),
            "{variant}: {seen}"
        );
        assert_eq!(seen["linked"], true, "{variant}: {seen}");
    }
    // Every hosted page was seen (and kept for review) in both variants.
    let shots: Vec<&str> = report["shots"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for variant in ["en-desktop-light", "de-phone-dark"] {
        for page in PAGES {
            let name = format!("{variant}/{page}.png");
            assert!(shots.contains(&name.as_str()), "no screenshot {name}");
        }
    }
    assert!(shots.contains(&"en-desktop-light/setup.png"));
}
