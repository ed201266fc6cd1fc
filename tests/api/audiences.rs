//! Access-token audiences (SR-38, RFC 8707, issue 10 item 10): a token is
//! for the client itself, its registered audiences, or the `resource` the
//! request named — never the bare issuer for everyone; unregistered
//! resources are `invalid_target`; introspection reports `aud`.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, REDIRECT, TestApp};
use crate::oauth_support::*;
use crate::on_all_backends;

on_all_backends!(
    tokens_are_for_the_client_by_default,
    registered_audiences_and_resource_indicators,
    unregistered_resources_are_invalid_target,
);

const ORDERS: &str = "https://orders.example.com";
const FILES: &str = "https://files.example.com/api";

/// The client-credentials client `svc` for ORDERS and FILES, with its
/// secret.
async fn service(app: &TestApp) -> String {
    app.client("svc")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .scopes(&["api.read"])
        .audiences(&[ORDERS, FILES])
        .register()
        .await
        .secret
        .unwrap()
}

/// `/authorize` for `client` asking for offline access to ORDERS.
fn url_for_orders(client: &str) -> String {
    let (_, challenge) = pkce();
    format!(
        "{}&resource={}",
        url(
            client,
            &[
                ("code_challenge", &challenge),
                ("scope", "openid offline_access")
            ]
        ),
        url::form_urlencoded::byte_serialize(ORDERS.as_bytes()).collect::<String>()
    )
}

async fn tokens_are_for_the_client_by_default(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = web_client(&app, "rp1").await;
    let who = sign_in(&app, "ada@example.com").await;
    let res = tokens_for(&app, &rp, &who, "openid email").await;
    let at = claims(&res.str("access_token"));
    assert_eq!(at["aud"], "rp1");
    assert_ne!(at["aud"], app.state.config.public_base());
    // Our own userinfo still accepts it (it checks scope and grant).
    assert_eq!(
        userinfo(&app, &res.str("access_token")).await.status,
        StatusCode::OK
    );
    // Introspection reports the audience.
    let intro = introspect(&app, &rp, &res.str("access_token")).await;
    assert_eq!(intro["active"], true);
    assert_eq!(intro["aud"], "rp1");
}

async fn registered_audiences_and_resource_indicators(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let secret = service(&app).await;
    let cc = |extra: &'static [(&'static str, &'static str)]| {
        let mut form = vec![("grant_type", "client_credentials")];
        form.extend_from_slice(extra);
        form
    };
    // No resource: every registered audience.
    let res = post(&app, "/token", &cc(&[]), Some(("svc", &secret))).await;
    assert_eq!(
        claims(&res.str("access_token"))["aud"],
        json!([ORDERS, FILES])
    );
    // One resource: just that one.
    let res = post(
        &app,
        "/token",
        &cc(&[("resource", ORDERS)]),
        Some(("svc", &secret)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(claims(&res.str("access_token"))["aud"], ORDERS);
    // Two resources (the parameter may repeat).
    let res = post(
        &app,
        "/token",
        &cc(&[("resource", ORDERS), ("resource", FILES)]),
        Some(("svc", &secret)),
    )
    .await;
    assert_eq!(
        claims(&res.str("access_token"))["aud"],
        json!([ORDERS, FILES])
    );

    // Authorization code: resource at /authorize is kept with the code;
    // the token request may narrow what was authorized, never widen it.
    let web = app
        .client("web")
        .skip_consent()
        .grants(CODE_AND_REFRESH)
        .audiences(&[ORDERS, FILES])
        .register()
        .await;
    let mut b = signed_in(&app).await;
    let (verifier, _) = pkce();
    let page = b.get(&url_for_orders(&web.id)).await;
    let params = redirected(&app, &page);
    let code = get(&params, "code").unwrap().to_owned();
    let row = code_row(&app, &code).await;
    assert_eq!(
        row.resources.as_deref(),
        Some(r#"["https://orders.example.com"]"#)
    );
    let redeem_for = |resource: &'static str| {
        vec![
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
            ("resource", resource),
        ]
    };
    let widened = post_as(&app, &web, "/token", &redeem_for(FILES)).await;
    assert_eq!(widened.error(), "invalid_target", "{}", widened.json);
    // (The refused request used the code up; authorize again.)
    let page = b.get(&url_for_orders(&web.id)).await;
    let code2 = get(&redirected(&app, &page), "code").unwrap().to_owned();
    let ok = redeem(&app, &web, &code2, Some(&verifier)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.json);
    assert_eq!(claims(&ok.str("access_token"))["aud"], ORDERS);
    // The ID token is for the client, whatever the resource.
    assert_eq!(claims(&ok.str("id_token"))["aud"], "web");
    // Refresh stays within the grant's resources.
    let rt = ok.str("refresh_token");
    let wider = post_as(
        &app,
        &web,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt.as_str()),
            ("resource", FILES),
        ],
    )
    .await;
    assert_eq!(wider.error(), "invalid_target");
    let same = post_as(
        &app,
        &web,
        "/token",
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt.as_str()),
            ("resource", ORDERS),
        ],
    )
    .await;
    assert_eq!(same.status, StatusCode::OK, "{}", same.json);
    assert_eq!(claims(&same.str("access_token"))["aud"], ORDERS);
}

async fn unregistered_resources_are_invalid_target(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let secret = service(&app).await;
    let res = post(
        &app,
        "/token",
        &[
            ("grant_type", "client_credentials"),
            ("resource", "https://evil.example.com"),
        ],
        Some(("svc", &secret)),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.error(), "invalid_target");
    // At /authorize the error is redirected to the verified redirect_uri.
    let id = app.client("web").audiences(&[ORDERS]).register().await.id;
    let mut b = signed_in(&app).await;
    let page = b
        .get(&format!(
            "{}&resource=https%3A%2F%2Fevil.example.com",
            url(&id, &[])
        ))
        .await;
    let params = redirected(&app, &page);
    assert_eq!(get(&params, "error"), Some("invalid_target"));
}
