//! Interop with the unmodified npm `openid-client` 6.9.0 (peers guide §1):
//! discovery, code + PKCE, refresh rotation and reuse, userinfo,
//! introspection, revocation, public client, client_credentials, device flow,
//! signed request objects (RFC 9101, direct and pushed), dynamic client
//! registration (RFC 7591), DPoP (with server nonces), token exchange
//! (RFC 8693), a pairwise client with a `claims` request and the
//! end-session URL, all against a real Ostiary on port 0.

use crate::helpers::{Backend, PASSWORD, TestApp, interop_dir, peer_available};

const REDIRECT: &str = "http://127.0.0.1:9999/cb";
const POST_LOGOUT: &str = "http://127.0.0.1:9999/logged-out";
/// The API the RP's access tokens are for: the token exchange service's.
const TX_SERVICE: &str = "https://tx-service.example/api";
/// Where the token exchange service calls on the user's behalf.
const TX_DOWNSTREAM: &str = "https://downstream.example/api";

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
    // Dynamic client registration with an initial access token (RFC 7591);
    // DPoP nonces required (RFC 9449 §8): only DPoP requests are affected,
    // and the `dpop` checks must then cope with use_dpop_nonce.
    let app = TestApp::spawn_for_browser_with(backend, |c| {
        c.registration.mode = ostiary::config::RegistrationMode::Token;
        c.oidc.dpop_require_nonce = true;
    })
    .await;
    let registration_token = ostiary::oidc::registration::tokens::create(
        &app.state,
        &ostiary::audit::Actor::system("test"),
        None,
        ostiary::oidc::registration::tokens::NewToken {
            max_uses: Some(1),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .unwrap()
    .token;
    app.create_user("ada@example.com", PASSWORD).await;
    let scopes = ["openid", "profile", "email", "offline_access"];
    let rp = app
        .client_named("Interop RP")
        .redirect_uris(&[REDIRECT])
        .post_logout_uris(&[POST_LOGOUT])
        .scopes(&scopes)
        .audiences(&[TX_SERVICE])
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
    let exchanger = app
        .client_named("Interop exchanging service")
        .grants(&["urn:ietf:params:oauth:grant-type:token-exchange"])
        .audiences(&[TX_SERVICE, TX_DOWNSTREAM])
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
    // RFC 9101: a client whose public key is registered; the private one
    // goes to the script to sign request objects with.
    let mut jar_key =
        josekit::jwk::Jwk::generate_ec_key(josekit::jwk::alg::ec::EcCurve::P256).unwrap();
    jar_key.set_key_id("interop-jar");
    let mut jar_keys = josekit::jwk::JwkSet::new();
    let mut jar_public = jar_key.to_public_key().unwrap();
    jar_public.set_key_id("interop-jar");
    jar_keys.push_key(jar_public);
    let jar = app
        .client_named("Interop JAR")
        .redirect_uris(&[REDIRECT])
        .scopes(&scopes)
        .jwks(jar_keys.to_string())
        .require_signed_request_object()
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
        .env("JAR_CLIENT_ID", &jar.id)
        .env("JAR_CLIENT_SECRET", jar.secret.unwrap())
        .env("JAR_PRIVATE_JWK", jar_key.to_string())
        .env("REGISTRATION_TOKEN", &registration_token)
        .env("TX_CLIENT_ID", &exchanger.id)
        .env("TX_CLIENT_SECRET", exchanger.secret.unwrap())
        .env("TX_AUDIENCE", TX_DOWNSTREAM)
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
        "signed_request_object",
        "signed_request_object_pushed",
        "device_flow",
        "dynamic_registration",
        "dpop",
        "dpop_nonce",
        "token_exchange",
        "pairwise_and_claims",
        "end_session",
    ] {
        assert!(passed.contains(&check), "{check} did not pass: {passed:?}");
    }
}
