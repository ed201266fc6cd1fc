//! Interop with the unmodified npm `openid-client` 6.9.0 (peers guide §1):
//! discovery, code + PKCE, refresh rotation and reuse, userinfo,
//! introspection, revocation, public client, client_credentials, device flow
//! a pairwise client with a `claims` request, and the end-session URL, all
//! against a real Ostiary on port 0.

use crate::helpers::{Backend, PASSWORD, TestApp, interop_dir, peer_available};

const REDIRECT: &str = "http://127.0.0.1:9999/cb";
const POST_LOGOUT: &str = "http://127.0.0.1:9999/logged-out";

fn node_peer() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    peer_available(
        "node + openid-client",
        node && interop_dir().join("node_modules/openid-client").exists(),
        "install node, then (cd tests/interop && npm ci)",
    )
}

crate::on_all_backends!(openid_client_accepts_ostiary);

async fn openid_client_accepts_ostiary(backend: Backend) {
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_for_browser(backend).await;
    app.create_user("ada@example.com", PASSWORD).await;
    let scopes = ["openid", "profile", "email", "offline_access"];
    let rp = app
        .client_named("Interop RP")
        .redirect_uris(&[REDIRECT])
        .post_logout_uris(&[POST_LOGOUT])
        .scopes(&scopes)
        .register()
        .await;
    let public = app
        .client_named("Interop SPA")
        .public()
        .redirect_uris(&[REDIRECT])
        .scopes(&scopes)
        .register()
        .await;
    let cc = app
        .client_named("Interop service")
        .grants(&["client_credentials"])
        .scopes(&["api"])
        .register()
        .await;
    let device = app
        .client_named("Interop TV")
        .public()
        .grants(&[
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token",
        ])
        .scopes(&scopes)
        .register()
        .await;
    let pairwise = app
        .client_named("Interop pairwise")
        .public()
        .redirect_uris(&[REDIRECT])
        .scopes(&["openid", "email"])
        .subject_type("pairwise")
        .register()
        .await;
    let output = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg("oidc_client.mjs")
        .env("ISSUER", &app.base)
        .env("CLIENT_ID", &rp.id)
        .env("CLIENT_SECRET", rp.secret.unwrap())
        .env("PUBLIC_CLIENT_ID", &public.id)
        .env("CC_CLIENT_ID", &cc.id)
        .env("CC_CLIENT_SECRET", cc.secret.unwrap())
        .env("DEVICE_CLIENT_ID", &device.id)
        .env("PAIRWISE_CLIENT_ID", &pairwise.id)
        .env("USER_EMAIL", "ada@example.com")
        .env("USER_PASSWORD", PASSWORD)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    let report: serde_json::Value = serde_json::from_str(last).unwrap_or_else(|_| {
        panic!(
            "no report:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(
        output.status.success() && report["failed"].as_array().is_some_and(Vec::is_empty),
        "openid-client checks failed: {}\n{}",
        serde_json::to_string_pretty(&report["failed"]).unwrap(),
        String::from_utf8_lossy(&output.stderr)
    );
    let passed: Vec<&str> = report["passed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for check in [
        "discovery",
        "code_flow_pkce",
        "userinfo",
        "introspection_active",
        "refresh_rotation",
        "refresh_reuse_rejected",
        "revocation",
        "public_client_code_flow_pkce",
        "pushed_authorization_request",
        "client_credentials",
        "device_flow",
        "pairwise_and_claims",
        "end_session",
    ] {
        assert!(passed.contains(&check), "{check} did not pass: {passed:?}");
    }
}
