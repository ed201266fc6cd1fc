//! Operations and cross-cutting HTTP behaviour: `/healthz`, `/readyz`,
//! `/metrics`, request ids, security headers (S4, SR-72…SR-74), error pages
//! that never leak internals (SR-103).

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    health_readiness_and_metrics,
    request_id_is_kept_when_sane_and_echoed,
    security_headers_on_every_response,
    server_errors_show_a_generic_page_with_request_id,
    unknown_paths_get_the_error_page,
    https_issuer_adds_hsts,
);

async fn https_issuer_adds_hsts(backend: Backend) {
    // SR-74: HSTS when served over https (never on plain-http localhost).
    let plain = TestApp::spawn(backend.clone()).await;
    assert_eq!(
        plain
            .browser()
            .get("/login")
            .await
            .header("strict-transport-security"),
        ""
    );
    let app = TestApp::spawn_with(backend, |c| c.issuer = "https://id.example.com".into()).await;
    let res = app.browser().get("/login").await;
    assert_eq!(
        res.header("strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    assert_eq!(res.header("cross-origin-opener-policy"), "same-origin");
}

async fn health_readiness_and_metrics(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    assert_eq!(b.get("/healthz").await.status, StatusCode::OK);
    let ready = b.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(ready.body.contains("ready"));
    app.login("alice@example.com", PASSWORD).await;
    app.login("alice@example.com", "wrong wrong wrong").await;
    // Issue 10 item 8: metrics are not public; the management listener
    // (SPEC S1 management_listen) serves them.
    assert_eq!(b.get("/metrics").await.status, StatusCode::NOT_FOUND);
    let mut ops = crate::helpers::Browser::new(&app.management);
    let metrics = ops.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert_eq!(ops.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(ops.get("/login").await.status, StatusCode::NOT_FOUND);
    assert!(metrics.header("content-type").starts_with("text/plain"));
    for needle in [
        "ostiary_http_requests_total{route=\"/login\",method=\"POST\",status=\"303\"}",
        "ostiary_logins_total{method=\"password\",outcome=\"success\"}",
        "ostiary_logins_total{method=\"password\",outcome=\"failure\"}",
        "ostiary_users_created_total",
        "ostiary_db_pool_connections",
        "ostiary_db_pool_idle_connections",
    ] {
        assert!(
            metrics.body.contains(needle),
            "{needle} missing in:\n{}",
            metrics.body
        );
    }
}

async fn request_id_is_kept_when_sane_and_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    let res = b.get_with("/healthz", &[("x-request-id", "abc-123")]).await;
    assert_eq!(res.header("x-request-id"), "abc-123");
    let res = b
        .get_with("/healthz", &[("x-request-id", "bad id with spaces")])
        .await;
    let id = res.header("x-request-id");
    assert_eq!(id.len(), 36);
    assert_ne!(id, "bad id with spaces");
}

async fn security_headers_on_every_response(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    for path in [
        "/",
        "/setup",
        "/login",
        "/healthz",
        "/nope",
        "/static/css/ostiary.css",
    ] {
        let res = b.get(path).await;
        let csp = res.header("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(res.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(res.header("referrer-policy"), "no-referrer", "{path}");
        assert_eq!(res.header("x-frame-options"), "DENY", "{path}");
        assert!(!res.header("x-request-id").is_empty(), "{path}");
        if path != "/static/css/ostiary.css" {
            assert_eq!(res.header("cache-control"), "no-store", "{path}");
        }
    }
    let css = b.get("/static/css/ostiary.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").starts_with("text/css"));
}

async fn server_errors_show_a_generic_page_with_request_id(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    let (mut b, _) = app.login("alice@example.com", PASSWORD).await;
    // Break the database under the running server.
    app.sql("ALTER TABLE memberships RENAME TO memberships_gone")
        .await
        .unwrap();
    let res = b
        .get_with("/account", &[("x-request-id", "req-500-check")])
        .await;
    assert_eq!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        res.body.contains("req-500-check"),
        "the page names the request id"
    );
    assert!(res.body.contains("Something went wrong"));
    for leak in [
        "memberships",
        "SQL",
        "sqlite",
        "postgres",
        "diesel",
        "relation",
        "table",
    ] {
        assert!(
            !res.body.to_lowercase().contains(&leak.to_lowercase()),
            "{leak} leaked:\n{}",
            res.body
        );
    }
}

async fn unknown_paths_get_the_error_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut b = app.browser();
    let res = b.get("/no/such/page").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.header("content-type").starts_with("text/html"));
    assert!(res.body.contains("Request ID"));
}
