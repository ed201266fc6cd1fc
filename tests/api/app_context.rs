//! What the sign-in pages say about the application (issue 9 item 3) and
//! the one origin their CSP lets forms lead to (item 1, SR-73): derived only
//! from a verified authorization request, never from whatever `return_to`
//! says. Plus the static files of item 6 (HEAD, favicon).

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};
use crate::oauth_support::*;
use crate::on_all_backends;

on_all_backends!(
    sign_in_pages_name_the_application_and_its_origin,
    a_forged_return_to_widens_nothing,
    device_approval_explains_scopes_like_consent,
);

/// "Acme Notes" with its logo, privacy policy and terms; returns its id.
async fn acme_notes(app: &TestApp, id: &str) -> String {
    app.client(id)
        .name("Acme Notes")
        .links(
            "https://cdn.acme.example/logo.png",
            "https://acme.example/privacy",
            "https://acme.example/terms",
        )
        .register()
        .await
        .id
}

/// The text of a page without its tags (what a person reads).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn form_action(res: &crate::helpers::Page) -> String {
    let csp = res.header("content-security-policy");
    csp.split(';')
        .map(str::trim)
        .find(|d| d.starts_with("form-action"))
        .unwrap_or_default()
        .to_owned()
}

async fn sign_in_pages_name_the_application_and_its_origin(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = acme_notes(&app, "notes-0f9a").await;
    app.create_user(EMAIL, PASSWORD).await;
    let mut b = app.browser();
    let res = b.get(&url(&id, &[])).await;
    let login = b.get(res.location()).await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login
            .body
            .contains("to continue to <strong>Acme Notes</strong>"),
        "{}",
        login.body
    );
    assert!(login.body.contains("(rp.example)"));
    assert!(login.body.contains("href=\"https://acme.example/privacy\""));
    assert!(login.body.contains("href=\"https://acme.example/terms\""));
    assert!(
        login
            .body
            .contains("src=\"https://cdn.acme.example/logo.png\"")
    );
    assert_eq!(form_action(&login), "form-action 'self' https://rp.example");
    let csp = login.header("content-security-policy");
    assert!(
        csp.contains("img-src 'self' data: https://cdn.acme.example;"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    // The email-code form of the same request says the same.
    let email = b
        .get(&format!(
            "/login/email?return_to={}",
            url::form_urlencoded::byte_serialize(url(&id, &[]).as_bytes()).collect::<String>()
        ))
        .await;
    assert!(email.body.contains("Acme Notes"));
    assert_eq!(form_action(&email), "form-action 'self' https://rp.example");
    // Signed in, the consent page names the app by name and host, not id.
    let done = login_via(&mut b, res.location()).await;
    let consent = b.get(done.location()).await;
    assert!(
        consent
            .body
            .contains("Allow Acme Notes to access your account?")
    );
    assert!(
        consent
            .body
            .contains("<strong>Acme Notes</strong> at <span class=\"app-host\">rp.example</span>")
    );
    assert!(consent.body.contains("Not you?"));
    assert!(
        !visible_text(&consent.body).contains(&id),
        "the client id shows on the consent page"
    );
    assert_eq!(
        form_action(&consent),
        "form-action 'self' https://rp.example"
    );
    // Pages that lead nowhere else keep the strict policy.
    assert_eq!(form_action(&b.get("/account").await), "form-action 'self'");
}

async fn a_forged_return_to_widens_nothing(backend: Backend) {
    // SR-73, SR-01: an unregistered redirect_uri in return_to is not an
    // application: no name, no extra form-action origin.
    let app = TestApp::spawn(backend).await;
    let id = acme_notes(&app, "notes").await;
    let mut b = app.browser();
    let forged = url(&id, &[("redirect_uri", "https://evil.example/cb")]);
    let q = url::form_urlencoded::byte_serialize(forged.as_bytes()).collect::<String>();
    for path in [
        format!("/login?return_to={q}"),
        format!("/login/email?return_to={q}"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(form_action(&page), "form-action 'self'", "{path}");
        assert!(!page.body.contains("Acme Notes") && !page.body.contains("evil.example/"));
    }
    let unknown = url("nobody", &[]);
    let q = url::form_urlencoded::byte_serialize(unknown.as_bytes()).collect::<String>();
    let page = b.get(&format!("/login?return_to={q}")).await;
    assert_eq!(form_action(&page), "form-action 'self'");
}

async fn device_approval_explains_scopes_like_consent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app
        .client("tv")
        .name("Acme TV")
        .public()
        .grants(&["urn:ietf:params:oauth:grant-type:device_code"])
        .redirect_uris(&[])
        .register()
        .await
        .id;
    let started: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/device_authorization", app.base))
        .form(&[("client_id", id.as_str()), ("scope", "openid email")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut b = signed_in(&app).await;
    let page = b
        .submit(
            "/device",
            "/device",
            &[("user_code", started["user_code"].as_str().unwrap())],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("See your email address and whether it is verified")
    );
    assert!(page.body.contains("Not you?"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn static_files_answer_head_and_the_favicon_exists() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let http = reqwest::Client::new();
    for path in [
        "/static/css/ostiary.css",
        "/static/js/webauthn.js",
        "/favicon.ico",
    ] {
        let get = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status(), StatusCode::OK, "{path}");
        let length = get.content_length().unwrap();
        let head = http
            .head(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
        assert_eq!(
            head.headers()["content-length"].to_str().unwrap(),
            length.to_string(),
            "HEAD {path}"
        );
        assert!(head.bytes().await.unwrap().is_empty());
    }
    let icon = http
        .get(format!("{}/favicon.ico", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    let missing = http
        .get(format!("{}/static/nope.css", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    // The base layout links the icon, so browsers do not ask for a 404.
    let page = http
        .get(format!("{}/login", app.base))
        .send()
        .await
        .unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("rel=\"icon\" href=\"/static/img/favicon.svg\"")
    );
}
