//! CORS for browser applications (SR-06, issue 10 item 11): only origins a
//! client registered, the one origin echoed, never credentials, preflight
//! answered; nothing for the hosted pages. The browser side (a public PKCE
//! client calling /token and /userinfo from another origin) is in the
//! Chromium suite (`browser_flows.rs`).

use reqwest::{Method, StatusCode};

use crate::helpers::{Backend, TestApp};
use crate::on_all_backends;

on_all_backends!(
    registered_origins_only,
    preflight_is_answered_for_registered_origins
);

const APP: &str = "https://app.example.com";

async fn app_with_origin(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.client("spa")
        .public()
        .grants(&["authorization_code"])
        .allowed_origins(&[APP])
        .register()
        .await;
    app
}

async fn send(app: &TestApp, method: Method, path: &str, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(method, format!("{}{path}", app.base))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap()
}

async fn registered_origins_only(backend: Backend) {
    let app = app_with_origin(backend).await;
    for path in [
        "/.well-known/openid-configuration",
        "/jwks",
        "/userinfo",
        "/token",
    ] {
        let method = if path == "/token" {
            Method::POST
        } else {
            Method::GET
        };
        let ok = send(&app, method.clone(), path, APP).await;
        assert_eq!(ok.headers()["access-control-allow-origin"], APP, "{path}");
        assert!(
            ok.headers()
                .get("access-control-allow-credentials")
                .is_none()
        );
        assert!(ok.headers()["vary"].to_str().unwrap().contains("Origin"));
        let evil = send(&app, method, path, "https://evil.example").await;
        assert!(
            evil.headers().get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
    // Never on the authorization endpoint or the hosted pages.
    for path in ["/authorize?client_id=spa", "/login", "/account"] {
        let res = send(&app, Method::GET, path, APP).await;
        assert!(
            res.headers().get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
}

async fn preflight_is_answered_for_registered_origins(backend: Backend) {
    let app = app_with_origin(backend).await;
    for path in ["/token", "/userinfo", "/revoke", "/introspect"] {
        let res = send(&app, Method::OPTIONS, path, APP).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{path}");
        assert_eq!(res.headers()["access-control-allow-origin"], APP);
        assert!(
            res.headers()["access-control-allow-methods"]
                .to_str()
                .unwrap()
                .contains("POST")
        );
        let headers = res.headers()["access-control-allow-headers"]
            .to_str()
            .unwrap();
        assert!(headers.contains("authorization") && headers.contains("content-type"));
        assert!(
            res.headers()
                .get("access-control-allow-credentials")
                .is_none()
        );
        let evil = send(&app, Method::OPTIONS, path, "https://evil.example").await;
        assert_eq!(evil.status(), StatusCode::FORBIDDEN);
        assert!(evil.headers().get("access-control-allow-origin").is_none());
    }
}
