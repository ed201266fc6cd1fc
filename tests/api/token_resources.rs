//! `/userinfo`, `/introspect` and `/revoke`: forged and mistyped tokens
//! refused (SR-50, SR-52), introspection only for the token's own client
//! (SR-45), revocation that really revokes and only one's own tokens
//! (SR-44), `no-store` everywhere (SR-36).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::StatusCode;
use serde_json::json;
use sha2::Sha256;

use crate::helpers::Backend;
use crate::oauth_support::*;
use crate::on_all_backends;

fn b64(v: &serde_json::Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

fn assert_refused(res: &Reply, what: &str) {
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{what}: {}", res.json);
    assert!(
        res.header("www-authenticate").starts_with("Bearer")
            && res.header("www-authenticate").contains("invalid_token"),
        "{what}: {}",
        res.header("www-authenticate")
    );
}

async fn userinfo_returns_claims_for_the_scopes(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let res = tokens_for(&app, &rp, &who, "openid email").await;
    let at = res.str("access_token");
    let ui = userinfo(&app, &at).await;
    assert_eq!(ui.status, StatusCode::OK, "{}", ui.json);
    assert_eq!(ui.header("cache-control"), "no-store");
    assert_eq!(ui.json["sub"], who.user_id.as_str());
    assert_eq!(ui.json["email"], "ada@example.com");
    assert!(ui.json.get("name").is_none(), "profile not granted");
    // POST with the token in the form body.
    let form = reqwest::Client::new()
        .post(format!("{}/userinfo", app.base))
        .form(&[("access_token", at.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    // No token: 401 with a Bearer challenge.
    let none = reqwest::get(format!("{}/userinfo", app.base))
        .await
        .unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        none.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    // Without openid: 403 insufficient_scope.
    let res = tokens_for(&app, &rp, &who, "email").await;
    let ui = userinfo(&app, &res.str("access_token")).await;
    assert_eq!(ui.status, StatusCode::FORBIDDEN);
    assert_eq!(ui.error(), "insufficient_scope");
}

async fn forged_and_mistyped_tokens_are_refused(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let res = tokens_for(&app, &rp, &who, "openid").await;
    let at = res.str("access_token");
    let id_token = res.str("id_token");
    let parts: Vec<&str> = at.split('.').collect();
    let mut body = claims(&at);

    // Tampered payload, original signature.
    body["sub"] = json!("someone-else");
    let tampered = format!("{}.{}.{}", parts[0], b64(&body), parts[2]);
    // SR-50: alg none.
    let mut h = header(&at);
    h["alg"] = json!("none");
    let none = format!("{}.{}.", b64(&h), parts[1]);
    // SR-50: HS256 keyed with our public key (algorithm confusion).
    let jwks: serde_json::Value = reqwest::get(format!("{}/jwks", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let kid = header(&at)["kid"].clone();
    let public = jwk_text(&jwks, kid.as_str().unwrap());
    let mut h = header(&at);
    h["alg"] = json!("HS256");
    let signing_input = format!("{}.{}", b64(&h), parts[1]);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(public.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let hs = format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    );

    for (what, token) in [
        ("tampered", tampered.as_str()),
        ("alg none", none.as_str()),
        ("HS256 with the public key", hs.as_str()),
        // SR-52: an ID token is not an access token.
        ("ID token", id_token.as_str()),
        ("garbage", "not-a-token"),
    ] {
        assert_refused(&userinfo(&app, token).await, what);
        assert_eq!(
            introspect(&app, &rp, token).await,
            json!({ "active": false }),
            "{what}"
        );
    }
    // Expired.
    app.clock
        .advance(Duration::seconds(app.config.oidc.access_token_ttl_secs + 1));
    assert_refused(&userinfo(&app, &at).await, "expired");
    assert_eq!(introspect(&app, &rp, &at).await, json!({ "active": false }));
}

async fn introspection_only_for_the_tokens_client(backend: Backend) {
    // SR-45
    let (app, rp, who) = app_with_rp(backend).await;
    let other = web_client(&app, "rp2").await;
    let res = tokens_for(&app, &rp, &who, "openid offline_access").await;
    let (at, rt) = (res.str("access_token"), res.str("refresh_token"));
    let reply = post_as(&app, &rp, "/introspect", &[("token", &at)]).await;
    assert_eq!(reply.header("cache-control"), "no-store");
    assert_eq!(reply.header("pragma"), "no-cache");
    let active = reply.json;
    assert_eq!(active["active"], true);
    assert_eq!(active["client_id"], "rp1");
    assert_eq!(active["sub"], who.user_id.as_str());
    assert_eq!(active["scope"], "openid offline_access");
    assert_eq!(active["token_type"], "Bearer");
    for k in ["exp", "iat", "iss", "aud", "jti"] {
        assert!(active.get(k).is_some(), "{k}");
    }
    let rt_info = introspect(&app, &rp, &rt).await;
    assert_eq!(rt_info["active"], true);
    assert_eq!(rt_info["client_id"], "rp1");
    // Another client learns nothing.
    assert_eq!(
        introspect(&app, &other, &at).await,
        json!({ "active": false })
    );
    assert_eq!(
        introspect(&app, &other, &rt).await,
        json!({ "active": false })
    );
    // Unauthenticated callers are refused (SR-33).
    let res = post(&app, "/introspect", &[("token", &at)], None).await;
    assert_eq!(
        (res.status, res.error()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    let res = post(
        &app,
        "/introspect",
        &[("token", &at)],
        Some(("rp1", "wrong")),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    // A rotated-out refresh token is inactive.
    let next = refresh(&app, &rp, &rt, None).await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(introspect(&app, &rp, &rt).await, json!({ "active": false }));
}

async fn revocation_revokes_only_own_tokens(backend: Backend) {
    // SR-44
    let (app, rp, who) = app_with_rp(backend).await;
    let other = web_client(&app, "rp2").await;
    let res = tokens_for(&app, &rp, &who, "openid offline_access").await;
    let (at, rt) = (res.str("access_token"), res.str("refresh_token"));

    // Another client's attempts answer 200 and change nothing.
    for token in [&at, &rt] {
        let r = post_as(&app, &other, "/revoke", &[("token", token)]).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    assert_eq!(introspect(&app, &rp, &at).await["active"], true);
    assert_eq!(introspect(&app, &rp, &rt).await["active"], true);
    // Unknown tokens: 200.
    assert_eq!(
        post_as(&app, &rp, "/revoke", &[("token", "unknown")])
            .await
            .status,
        StatusCode::OK
    );
    // Unauthenticated: 401.
    assert_eq!(
        post(&app, "/revoke", &[("token", &at)], None).await.status,
        StatusCode::UNAUTHORIZED
    );

    // The access token alone.
    let r = post_as(
        &app,
        &rp,
        "/revoke",
        &[("token", &at), ("token_type_hint", "access_token")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(introspect(&app, &rp, &at).await, json!({ "active": false }));
    assert_refused(&userinfo(&app, &at).await, "revoked access token");
    assert_eq!(introspect(&app, &rp, &rt).await["active"], true);

    // The refresh token revokes the family.
    let fresh = refresh(&app, &rp, &rt, None).await;
    let (at2, rt2) = (fresh.str("access_token"), fresh.str("refresh_token"));
    let r = post_as(&app, &rp, "/revoke", &[("token", &rt2)]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        refresh(&app, &rp, &rt2, None).await.error(),
        "invalid_grant"
    );
    assert_eq!(introspect(&app, &rp, &at2).await["active"], false);
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.iter().filter(|a| *a == "token.revoked").count(),
        2,
        "{actions:?}"
    );
}

async fn revocation_storage_failure_is_not_a_false_success(backend: Backend) {
    // SR-44: a storage error is a 5xx, never a 200.
    let (app, rp, who) = app_with_rp(backend).await;
    let res = tokens_for(&app, &rp, &who, "openid").await;
    let at = res.str("access_token");
    app.sql("DROP TABLE revoked_access_tokens").await.unwrap();
    let r = post_as(&app, &rp, "/revoke", &[("token", &at)]).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
}

on_all_backends!(
    userinfo_returns_claims_for_the_scopes,
    forged_and_mistyped_tokens_are_refused,
    introspection_only_for_the_tokens_client,
    revocation_revokes_only_own_tokens,
    revocation_storage_failure_is_not_a_false_success,
);
