//! `/token`: authorization codes (SR-11, SR-12, SR-30…SR-32, SR-36),
//! refresh rotation and reuse (SR-37, SR-40…SR-43), client_credentials and
//! client authentication (SR-33, SR-34).

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, RegisteredClient, TestApp};
use crate::oauth_support::*;
use crate::on_all_backends;

/// The public client `spa` (code and refresh grants).
async fn spa(app: &TestApp) -> RegisteredClient {
    app.client("spa")
        .public()
        .grants(CODE_AND_REFRESH)
        .register()
        .await
}

async fn code_is_single_use_and_reuse_revokes(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let (verifier, challenge) = new_pkce();
    let code = insert_code(
        &app,
        &who,
        &rp.id,
        "openid email offline_access",
        Some(&challenge),
    )
    .await;
    let first = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    // SR-36: no caching of token responses.
    assert_eq!(first.header("cache-control"), "no-store");
    assert_eq!(first.header("pragma"), "no-cache");
    assert_eq!(first.json["token_type"], "Bearer");
    assert_eq!(first.json["scope"], "openid email offline_access");
    let at = first.str("access_token");
    let rt = first.str("refresh_token");
    let id = claims(&first.str("id_token"));
    assert_eq!(header(&at)["typ"], "at+jwt");
    assert_eq!(header(&first.str("id_token"))["typ"], "JWT");
    assert_eq!(id["sub"], who.user_id.as_str());
    assert_eq!(id["aud"], "rp1");
    assert_eq!(id["azp"], "rp1");
    assert_eq!(id["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id["sid"], who.session_id.as_str());
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(id["amr"], json!(["pwd"]));
    assert!(id["at_hash"].is_string() && id["auth_time"].is_i64());
    assert_eq!(introspect(&app, &rp, &at).await["active"], true);
    assert_eq!(userinfo(&app, &at).await.status, StatusCode::OK);

    // SR-31: the replay fails and revokes everything the code produced.
    let again = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error(), "invalid_grant");
    assert_eq!(again.header("cache-control"), "no-store");
    assert_eq!(introspect(&app, &rp, &at).await, json!({ "active": false }));
    let ui = userinfo(&app, &at).await;
    assert_eq!(ui.status, StatusCode::UNAUTHORIZED);
    assert!(ui.header("www-authenticate").contains("invalid_token"));
    let refreshed = refresh(&app, &rp, &rt, None).await;
    assert_eq!(refreshed.error(), "invalid_grant");
    app.assert_audited(&["token.issued", "token.code_reuse_detected"])
        .await;
}

async fn code_is_bound_to_client_and_redirect_uri(backend: Backend) {
    // SR-32
    let (app, rp, who) = app_with_rp(backend).await;
    let other = web_client(&app, "rp2").await;
    let (verifier, challenge) = new_pkce();
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    let res = redeem(&app, &other, &code, Some(&verifier)).await;
    assert_eq!(
        (res.status, res.error()),
        (StatusCode::BAD_REQUEST, "invalid_grant")
    );

    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    let res = post_as(
        &app,
        &rp,
        "/token",
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://rp.example/cb/other"),
            ("code_verifier", &verifier),
        ],
    )
    .await;
    assert_eq!(res.error(), "invalid_grant");
    // A code presented wrongly is burnt: the right request now fails too.
    assert_eq!(
        redeem(&app, &rp, &code, Some(&verifier)).await.error(),
        "invalid_grant"
    );
    // Unknown code.
    assert_eq!(
        redeem(&app, &rp, "nope", None).await.error(),
        "invalid_grant"
    );
}

async fn pkce_is_enforced(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let (verifier, challenge) = new_pkce();
    // SR-11: challenge stored, no verifier.
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    assert_eq!(
        redeem(&app, &rp, &code, None).await.error(),
        "invalid_grant"
    );
    // SR-11: wrong verifier.
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    let (wrong, _) = new_pkce();
    assert_eq!(
        redeem(&app, &rp, &code, Some(&wrong)).await.error(),
        "invalid_grant"
    );
    // SR-12: verifier for a code issued without a challenge (downgrade).
    let code = insert_code(&app, &who, &rp.id, "openid", None).await;
    assert_eq!(
        redeem(&app, &rp, &code, Some(&verifier)).await.error(),
        "invalid_grant"
    );
    // Verifier syntax (RFC 7636 §4.1).
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    assert_eq!(
        redeem(&app, &rp, &code, Some("short")).await.error(),
        "invalid_request"
    );
    // Right verifier works.
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    assert_eq!(
        redeem(&app, &rp, &code, Some(&verifier)).await.status,
        StatusCode::OK
    );
    // SR-13: a public client's code without PKCE is refused.
    let spa = spa(&app).await;
    let code = insert_code(&app, &who, &spa.id, "openid", None).await;
    assert_eq!(
        redeem(&app, &spa, &code, None).await.error(),
        "invalid_grant"
    );
    let code = insert_code(&app, &who, &spa.id, "openid", Some(&challenge)).await;
    assert_eq!(
        redeem(&app, &spa, &code, Some(&verifier)).await.status,
        StatusCode::OK
    );
    // SR-13: so is the code of a confidential client that requires PKCE.
    let strict = app
        .client("strict-web")
        .grants(CODE_AND_REFRESH)
        .require_pkce()
        .register()
        .await;
    let code = insert_code(&app, &who, &strict.id, "openid", None).await;
    assert_eq!(
        redeem(&app, &strict, &code, None).await.error(),
        "invalid_grant"
    );
}

async fn expired_code_is_refused(backend: Backend) {
    // SR-30: codes live 60 s.
    let (app, rp, who) = app_with_rp(backend).await;
    let (verifier, challenge) = new_pkce();
    let code = insert_code(&app, &who, &rp.id, "openid", Some(&challenge)).await;
    app.clock.advance(Duration::seconds(61));
    let res = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(res.error(), "invalid_grant");
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let first = tokens_for(&app, &rp, &who, "openid email offline_access").await;
    let id1 = claims(&first.str("id_token"));
    let rt1 = first.str("refresh_token");
    app.clock.advance(Duration::seconds(5));
    let second = refresh(&app, &rp, &rt1, None).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.json);
    assert_eq!(second.header("cache-control"), "no-store");
    let rt2 = second.str("refresh_token");
    assert_ne!(rt1, rt2, "SR-41: rotation on every use");
    // SR-43: same iss/sub/aud/azp, original auth_time, newer iat, no nonce.
    let id2 = claims(&second.str("id_token"));
    for k in ["iss", "sub", "aud", "azp", "auth_time", "sid"] {
        assert_eq!(id1[k], id2[k], "{k}");
    }
    assert!(id2["iat"].as_i64() > id1["iat"].as_i64());
    assert!(id2.get("nonce").is_none());
    let at2 = second.str("access_token");
    assert_eq!(userinfo(&app, &at2).await.status, StatusCode::OK);

    // SR-40: another client cannot use it (and does not burn it).
    let other = web_client(&app, "rp2").await;
    assert_eq!(
        refresh(&app, &other, &rt2, None).await.error(),
        "invalid_grant"
    );

    // SR-41: the rotated-out token comes back: refused, family revoked.
    let replay = refresh(&app, &rp, &rt1, None).await;
    assert_eq!(replay.error(), "invalid_grant");
    assert_eq!(
        refresh(&app, &rp, &rt2, None).await.error(),
        "invalid_grant"
    );
    assert_eq!(introspect(&app, &rp, &at2).await["active"], false);
    assert_eq!(userinfo(&app, &at2).await.status, StatusCode::UNAUTHORIZED);
    app.assert_audited(&["token.refresh_reuse_detected"]).await;
}

async fn refresh_can_narrow_but_not_widen_scope(backend: Backend) {
    // SR-37
    let (app, rp, who) = app_with_rp(backend).await;
    let first = tokens_for(&app, &rp, &who, "openid offline_access").await;
    let rt = first.str("refresh_token");
    let wider = refresh(&app, &rp, &rt, Some("openid email offline_access")).await;
    assert_eq!(wider.error(), "invalid_scope");
    // The refused request did not burn the token.
    let narrower = refresh(&app, &rp, &rt, Some("openid")).await;
    assert_eq!(narrower.status, StatusCode::OK, "{}", narrower.json);
    assert_eq!(narrower.json["scope"], "openid");
    // The family keeps its scope: the next refresh may ask for all of it.
    let again = refresh(&app, &rp, &narrower.str("refresh_token"), None).await;
    assert_eq!(again.json["scope"], "openid offline_access");
}

async fn no_refresh_token_without_offline_access(backend: Backend) {
    let (app, rp, who) = app_with_rp(backend).await;
    let res = tokens_for(&app, &rp, &who, "openid").await;
    assert!(res.json.get("refresh_token").is_none());
    let res = tokens_for(&app, &rp, &who, "email").await;
    assert!(res.json.get("id_token").is_none(), "no openid, no ID token");
}

async fn client_credentials_and_client_authentication(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let svc = app
        .client("svc")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .scopes(&["api.read", "api.write"])
        .register()
        .await;
    let secret = svc.secret.clone().unwrap();
    let as_svc =
        async |form: &[(&str, &str)]| post(&app, "/token", form, Some(("svc", &secret))).await;
    let form = [("grant_type", "client_credentials"), ("scope", "api.read")];
    // client_secret_basic
    let res = as_svc(&form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(res.header("cache-control"), "no-store");
    assert_eq!(res.header("pragma"), "no-cache");
    assert!(res.json.get("refresh_token").is_none() && res.json.get("id_token").is_none());
    let at = claims(&res.str("access_token"));
    assert_eq!(at["sub"], "svc");
    assert_eq!(at["client_id"], "svc");
    assert_eq!(at["scope"], "api.read");
    // SR-33 (issue 10 item 7): the registered method only. A Basic client
    // sending its (right) secret in the body is refused…
    let mut with_post = form.to_vec();
    with_post.extend([("client_id", "svc"), ("client_secret", secret.as_str())]);
    let res = post(&app, "/token", &with_post, None).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error(), "invalid_client");
    // …and a client_secret_post client cannot use Basic.
    let by_post = app
        .client("svc-post")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .scopes(&["api.read"])
        .auth_method("client_secret_post")
        .register()
        .await;
    let post_secret = by_post.secret.clone().unwrap();
    let mut body = form.to_vec();
    body.extend([
        ("client_id", "svc-post"),
        ("client_secret", post_secret.as_str()),
    ]);
    assert_eq!(
        post(&app, "/token", &body, None).await.status,
        StatusCode::OK
    );
    let res = post(&app, "/token", &form, Some(("svc-post", &post_secret))).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error(), "invalid_client");
    // SR-33: wrong secret → 401 invalid_client with a Basic challenge.
    let res = post(&app, "/token", &form, Some(("svc", "wrong"))).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.error(), "invalid_client");
    assert!(res.header("www-authenticate").starts_with("Basic"));
    // SR-37: only allowed scopes.
    let res = as_svc(&[("grant_type", "client_credentials"), ("scope", "admin")]).await;
    assert_eq!(res.error(), "invalid_scope");
    // Unknown grant type; grant not registered.
    let res = as_svc(&[("grant_type", "password")]).await;
    assert_eq!(res.error(), "unsupported_grant_type");
    let res = as_svc(&[("grant_type", "refresh_token"), ("refresh_token", "x")]).await;
    assert_eq!(res.error(), "unauthorized_client");
    // A public client cannot use client_credentials.
    let spa = spa(&app).await;
    let res = post_as(
        &app,
        &spa,
        "/token",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(res.error(), "unauthorized_client");
    // No audit row per client_credentials token (hot path), but counted.
    let actions = app.audit_actions().await;
    assert!(!actions.iter().any(|a| a == "token.issued"), "{actions:?}");
    let metrics = reqwest::get(format!("{}/metrics", app.management))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("ostiary_tokens_issued_total{grant=\"client_credentials\"}"),
        "{metrics}"
    );
}

async fn private_key_jwt_with_single_use_jti(backend: Backend) {
    // SR-34
    use josekit::jwk::alg::ec::EcCurve;
    use josekit::jwk::{Jwk, JwkSet};
    use josekit::jws::{ES256, JwsHeader};
    use josekit::jwt::JwtPayload;

    let app = TestApp::spawn(backend).await;
    let key = Jwk::generate_ec_key(EcCurve::P256).unwrap();
    let mut public = key.to_public_key().unwrap();
    public.set_key_id("k1");
    let mut set = JwkSet::new();
    set.push_key(public);
    app.client("jwt-svc")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .auth_method("private_key_jwt")
        .jwks(set.to_string())
        .scopes(&["api.read"])
        .register()
        .await;

    let now = app.state.now().timestamp();
    let assertion = |jti: &str| {
        let mut header = JwsHeader::new();
        header.set_key_id("k1");
        let mut payload = JwtPayload::new();
        payload.set_issuer("jwt-svc");
        payload.set_subject("jwt-svc");
        payload.set_audience(vec![format!("{}/token", app.state.config.public_base())]);
        payload.set_jwt_id(jti);
        payload.set_claim("exp", Some(json!(now + 120))).unwrap();
        payload.set_claim("iat", Some(json!(now))).unwrap();
        let signer = ES256.signer_from_jwk(&key).unwrap();
        josekit::jwt::encode_with_signer(&payload, &header, &signer).unwrap()
    };
    let with_assertion = async |jwt: &str| {
        let form = [
            ("grant_type", "client_credentials"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", jwt),
        ];
        post(&app, "/token", &form, None).await
    };
    let jwt = assertion("jti-1");
    let res = with_assertion(&jwt).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(claims(&res.str("access_token"))["sub"], "jwt-svc");
    // Replayed jti refused.
    let res = with_assertion(&jwt).await;
    assert_eq!(
        (res.status, res.error()),
        (StatusCode::UNAUTHORIZED, "invalid_client")
    );
    assert_eq!(
        with_assertion(&assertion("jti-2")).await.status,
        StatusCode::OK
    );
}

on_all_backends!(
    code_is_single_use_and_reuse_revokes,
    code_is_bound_to_client_and_redirect_uri,
    pkce_is_enforced,
    expired_code_is_refused,
    refresh_rotates_and_reuse_revokes_the_family,
    refresh_can_narrow_but_not_widen_scope,
    no_refresh_token_without_offline_access,
    client_credentials_and_client_authentication,
    private_key_jwt_with_single_use_jti,
    code_from_an_ended_session_is_refused,
    reauthentication_keeps_sid_and_grants_and_delete_ends_them,
);

async fn reauthentication_keeps_sid_and_grants_and_delete_ends_them(backend: Backend) {
    // SR-60 with a stable `sid`: signing in again (prompt=login, max_age)
    // rotates the cookie but keeps the session the RPs know, so a later
    // logout still reaches their grants. SR-65: deleting the user ends all.
    let (app, rp, mut who) = app_with_rp(backend).await;
    let tokens = tokens_for(&app, &rp, &who, "openid email offline_access").await;
    let at = tokens.str("access_token");
    let old_cookie = who.browser.session_cookie().unwrap().clone();
    let res = who
        .browser
        .reauthenticate("ada@example.com", PASSWORD)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_ne!(who.browser.session_cookie().unwrap(), &old_cookie);
    assert!(
        !app.browser_with_session(&old_cookie).is_signed_in().await,
        "the old cookie is dead"
    );
    assert_eq!(
        introspect(&app, &rp, &at).await["active"],
        true,
        "grants survive re-authentication"
    );
    let session = app.session_of(&who.browser).await;
    assert_eq!(session.id, who.session_id, "sid is stable");
    assert!(session.auth_time > session.created_at, "auth_time is fresh");

    app.delete_user(&who.user_id).await;
    assert_eq!(introspect(&app, &rp, &at).await["active"], false);
    let refreshed = refresh(&app, &rp, &tokens.str("refresh_token"), None).await;
    assert_eq!(
        refreshed.error(),
        "invalid_grant",
        "offline grants end with the account too"
    );
}

async fn code_from_an_ended_session_is_refused(backend: Backend) {
    // Regression (SR-64): a user who signs out between /authorize and /token
    // must not get a grant that logout could no longer revoke.
    let (app, rp, mut who) = app_with_rp(backend).await;
    let (verifier, challenge) = new_pkce();
    let code = insert_code(&app, &who, &rp.id, "openid email", Some(&challenge)).await;
    let done = who.browser.logout().await;
    assert_eq!(done.status, StatusCode::OK);
    let res = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.error(), "invalid_grant");
}
