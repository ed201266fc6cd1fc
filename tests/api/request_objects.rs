//! Signed request objects (RFC 9101; SR-15, SR-16, SR-50, SR-114): a
//! `request` JWS at `/authorize` or inside a `/par` push, signed with the
//! client's registered keys (inline `jwks` or fetched from its `jwks_uri`
//! under the outbound rules); only its parameters count (§5); every
//! refusal is `invalid_request_object`, redirected only to a verified
//! redirect URI; clients can be made to sign (§10.5); `private_key_jwt`
//! uses the same keys.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use josekit::jwk::alg::ec::EcCurve;
use josekit::jwk::{Jwk, JwkSet};
use josekit::jws::{ES256, HS256, JwsHeader, PS256, RS256};
use josekit::jwt::JwtPayload;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Backend, PASSWORD, REDIRECT, RegisteredClient, TestApp};
use crate::oauth_support::{
    CODE_AND_REFRESH, EMAIL, alg_none, get, login_via, new_pkce, param, post, post_as, redeem,
    redirected, signed_in,
};

crate::on_all_backends!(
    a_signed_request_object_signs_in_and_its_parameters_win,
    request_objects_are_checked,
    request_object_signing_alg_restricts_the_algorithm,
    request_objects_can_be_pushed,
    clients_can_be_required_to_sign,
    keys_come_from_the_jwks_uri_for_request_objects_and_client_auth,
);

fn ec_key(kid: &str) -> Jwk {
    let mut key = Jwk::generate_ec_key(EcCurve::P256).unwrap();
    key.set_key_id(kid);
    key
}

/// The public JWKS of `keys`.
fn jwks_of(keys: &[&Jwk]) -> String {
    let mut set = JwkSet::new();
    for k in keys {
        let mut public = k.to_public_key().unwrap();
        if let Some(kid) = k.key_id() {
            public.set_key_id(kid);
        }
        set.push_key(public);
    }
    set.to_string()
}

/// `claims` signed with `key` under `alg`, as a request object.
fn sign(key: &Jwk, alg: &str, claims: &Value) -> String {
    let mut header = JwsHeader::new();
    header.set_token_type("oauth-authz-req+jwt");
    if let Some(kid) = key.key_id() {
        header.set_key_id(kid);
    }
    let payload = JwtPayload::from_map(claims.as_object().unwrap().clone()).unwrap();
    match alg {
        "ES256" => josekit::jwt::encode_with_signer(
            &payload,
            &header,
            &ES256.signer_from_jwk(key).unwrap(),
        ),
        "RS256" => josekit::jwt::encode_with_signer(
            &payload,
            &header,
            &RS256.signer_from_jwk(key).unwrap(),
        ),
        "PS256" => josekit::jwt::encode_with_signer(
            &payload,
            &header,
            &PS256.signer_from_jwk(key).unwrap(),
        ),
        other => panic!("no signer for {other}"),
    }
    .unwrap()
}

/// The usual authorization parameters as request object claims for
/// `client_id`, changed by `extra` (`null` removes a claim).
fn claims(app: &TestApp, client_id: &str, challenge: &str, extra: Value) -> Value {
    let now = app.state.now().timestamp();
    let mut c = json!({
        "iss": client_id,
        "aud": app.state.config.public_base(),
        "exp": now + 60,
        "iat": now,
        "nbf": now,
        "jti": format!("jti-{now}-{challenge}"),
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid email",
        "state": "st-jar",
        "nonce": "n-jar",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    });
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            c.as_object_mut().unwrap().remove(k);
        } else {
            c[k] = v.clone();
        }
    }
    c
}

/// `/authorize` with `client_id`, `request` and other query parameters.
fn with_object(client_id: &str, jwt: &str, query: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", client_id);
    s.append_pair("request", jwt);
    for (k, v) in query {
        s.append_pair(k, v);
    }
    format!("/authorize?{}", s.finish())
}

fn by_reference(client_id: &str, request_uri: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", client_id);
    s.append_pair("request_uri", request_uri);
    format!("/authorize?{}", s.finish())
}

async fn pushed_rows(app: &TestApp) -> i64 {
    app.db_run(|conn| {
        use diesel::prelude::*;
        use ostiary::db::schema::pushed_requests;
        Ok(pushed_requests::table.count().get_result(conn)?)
    })
    .await
}

/// A client with inline keys, consent skipped.
async fn jar_client(app: &TestApp, id: &str, key: &Jwk) -> RegisteredClient {
    app.client(id)
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .jwks(jwks_of(&[key]))
        .register()
        .await
}

async fn a_signed_request_object_signs_in_and_its_parameters_win(backend: Backend) {
    // RFC 9101 §5: only the object's parameters are used; the query's
    // (another state, scope, redirect, response type) are ignored.
    let app = TestApp::spawn(backend).await;
    let key = ec_key("k1");
    let rp = jar_client(&app, "jar-rp", &key).await;
    app.create_user(EMAIL, PASSWORD).await;
    let (verifier, challenge) = new_pkce();
    // aud may be an array naming the issuer.
    let issuer = app.state.config.public_base().to_owned();
    let jwt = sign(
        &key,
        "ES256",
        &claims(
            &app,
            &rp.id,
            &challenge,
            json!({ "aud": [issuer, "https://other.example"] }),
        ),
    );
    let mut b = app.browser();
    let res = b
        .get(&with_object(
            &rp.id,
            &jwt,
            &[
                ("state", "evil"),
                ("scope", "openid email offline_access"),
                ("redirect_uri", "https://evil.example/cb"),
                ("response_type", "token"),
            ],
        ))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Signed out: the login form; the request travels by reference, the
    // object itself not again.
    let login = res.location().to_owned();
    let return_to = param(&login, "return_to").unwrap();
    assert!(return_to.contains("request_uri="), "{return_to}");
    assert!(!return_to.contains("request="), "{return_to}");
    assert!(!return_to.contains("redirect_uri"), "{return_to}");
    let done = login_via(&mut b, &login).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let p = redirected(&app, &b.get(done.location()).await);
    assert_eq!(get(&p, "state"), Some("st-jar"));
    let code = get(&p, "code").unwrap().to_owned();
    let tokens = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert_eq!(tokens.str("scope"), "openid email");

    // The query's client_id is required and must be the object's.
    let res = b
        .get(&format!(
            "/authorize?request={jwt}&redirect_uri={}",
            urlencoding(REDIRECT)
        ))
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.headers.get("location").is_none());

    // Discovery says so (and still no external request_uri).
    let doc: Value = reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["request_parameter_supported"], true);
    assert_eq!(doc["request_uri_parameter_supported"], false);
    assert_eq!(
        doc["request_object_signing_alg_values_supported"],
        json!(["RS256", "PS256", "ES256", "EdDSA"])
    );
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn request_objects_are_checked(backend: Backend) {
    // RFC 9101 §6, OIDC Core 6.3; SR-50: every failed check is
    // invalid_request_object, sent to the query's redirect URI once that
    // is verified as registered.
    let app = TestApp::spawn(backend).await;
    let key = ec_key("k1");
    let rp = jar_client(&app, "jar-checks", &key).await;
    let other = jar_client(&app, "jar-other", &ec_key("k1")).await;
    let mut b = signed_in(&app).await;
    let (_, challenge) = new_pkce();
    let now = app.state.now().timestamp();
    let good = |extra: Value| claims(&app, &rp.id, &challenge, extra);
    let valid = sign(&key, "ES256", &good(json!({})));
    let impostor = ec_key("k1");
    // One character of the signature changed (not the last: its low bits
    // may be padding).
    let mut tampered = valid.clone().into_bytes();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    let hs = {
        let mut header = JwsHeader::new();
        header.set_key_id("k1");
        let payload = JwtPayload::from_map(good(json!({})).as_object().unwrap().clone()).unwrap();
        let signer = HS256
            .signer_from_bytes(b"0123456789abcdef0123456789abcdef")
            .unwrap();
        josekit::jwt::encode_with_signer(&payload, &header, &signer).unwrap()
    };
    let jwe = format!(
        "{}.{}.{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RSA-OAEP-256","enc":"A256GCM"}"#),
        "a",
        "b",
        "c",
        "d"
    );
    let cases: Vec<(&str, String)> = vec![
        ("alg none", alg_none(&valid)),
        ("HS256", hs),
        ("another key", sign(&impostor, "ES256", &good(json!({})))),
        ("bad signature", tampered),
        (
            "expired",
            sign(&key, "ES256", &good(json!({"exp": now - 120}))),
        ),
        (
            "exp missing",
            sign(&key, "ES256", &good(json!({"exp": null}))),
        ),
        (
            "exp too far",
            sign(&key, "ES256", &good(json!({"exp": now + 3600}))),
        ),
        (
            "nbf in the future",
            sign(&key, "ES256", &good(json!({"nbf": now + 300}))),
        ),
        (
            "nbf too old",
            sign(&key, "ES256", &good(json!({"nbf": now - 3600}))),
        ),
        (
            "wrong aud",
            sign(
                &key,
                "ES256",
                &good(json!({"aud": "https://other.example"})),
            ),
        ),
        (
            "aud missing",
            sign(&key, "ES256", &good(json!({"aud": null}))),
        ),
        (
            "wrong iss",
            sign(&key, "ES256", &good(json!({"iss": other.id}))),
        ),
        (
            "client_id mismatch",
            sign(&key, "ES256", &good(json!({"client_id": other.id}))),
        ),
        (
            "nested request",
            sign(&key, "ES256", &good(json!({"request": valid}))),
        ),
        (
            "nested request_uri",
            sign(
                &key,
                "ES256",
                &good(json!({"request_uri": "https://rp.example/r"})),
            ),
        ),
        ("encrypted", jwe),
        ("garbage", "not-a-jwt".to_owned()),
    ];
    for (what, jwt) in &cases {
        let page = b
            .get(&with_object(
                &rp.id,
                jwt,
                &[("redirect_uri", REDIRECT), ("state", "st-q")],
            ))
            .await;
        let p = redirected(&app, &page);
        assert_eq!(get(&p, "error"), Some("invalid_request_object"), "{what}");
        assert_eq!(get(&p, "state"), Some("st-q"), "{what}");
        assert!(get(&p, "code").is_none(), "{what}");
    }
    // Signed with rp's key in the other client's name: the other
    // client's keys refuse it.
    let cross = sign(
        &key,
        "ES256",
        &claims(&app, &other.id, &challenge, json!({})),
    );
    let p = redirected(
        &app,
        &b.get(&with_object(
            &other.id,
            &cross,
            &[("redirect_uri", REDIRECT)],
        ))
        .await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request_object"));

    // No verified redirect URI in the query: an error page, no redirect
    // (SR-03), and nothing stored.
    let before = pushed_rows(&app).await;
    let expired = sign(&key, "ES256", &good(json!({"exp": now - 120})));
    let page = b.get(&with_object(&rp.id, &expired, &[])).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.headers.get("location").is_none());
    let page = b
        .get(&with_object(
            &rp.id,
            &expired,
            &[("redirect_uri", "https://evil.example/cb")],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(page.headers.get("location").is_none());
    assert_eq!(pushed_rows(&app).await, before);

    // The valid one still works (the failures above were the checks).
    let p = redirected(&app, &b.get(&with_object(&rp.id, &valid, &[])).await);
    assert!(get(&p, "code").is_some(), "{p:?}");
    assert_eq!(get(&p, "state"), Some("st-jar"));
}

async fn request_object_signing_alg_restricts_the_algorithm(backend: Backend) {
    // OIDC Registration `request_object_signing_alg`: only that one.
    let app = TestApp::spawn(backend).await;
    let mut key = Jwk::generate_rsa_key(2048).unwrap();
    key.set_key_id("r1");
    let rp = app
        .client("jar-ps")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .jwks(jwks_of(&[&key]))
        .request_object_signing_alg("PS256")
        .register()
        .await;
    let mut b = signed_in(&app).await;
    let (_, challenge) = new_pkce();
    let c = claims(&app, &rp.id, &challenge, json!({}));
    let rs = sign(&key, "RS256", &c);
    let p = redirected(
        &app,
        &b.get(&with_object(&rp.id, &rs, &[("redirect_uri", REDIRECT)]))
            .await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request_object"));
    let ps = sign(&key, "PS256", &c);
    let p = redirected(&app, &b.get(&with_object(&rp.id, &ps, &[])).await);
    assert!(get(&p, "code").is_some(), "{p:?}");

    // Without the setting, RS256 with the same key is fine.
    let plain = app
        .client("jar-rs")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .jwks(jwks_of(&[&key]))
        .register()
        .await;
    let rs = sign(
        &key,
        "RS256",
        &claims(&app, &plain.id, &challenge, json!({})),
    );
    let p = redirected(&app, &b.get(&with_object(&plain.id, &rs, &[])).await);
    assert!(get(&p, "code").is_some(), "{p:?}");

    // An unknown algorithm is refused at registration.
    let envelope = app.state.envelope.clone();
    let now = app.state.now();
    let refused = app
        .state
        .db
        .run(move |conn| {
            ostiary::oidc::clients::create(
                conn,
                &envelope,
                &ostiary::audit::Actor::system("test"),
                &ostiary::oidc::clients::ClientSpec {
                    name: "bad".into(),
                    redirect_uris: vec![REDIRECT.into()],
                    request_object_signing_alg: Some("HS256".into()),
                    ..Default::default()
                },
                now,
            )
        })
        .await;
    assert!(refused.is_err());
}

async fn request_objects_can_be_pushed(backend: Backend) {
    // RFC 9126 §3: a request object inside a push; its parameters only;
    // a bad one is answered as JSON and nothing is stored.
    let app = TestApp::spawn(backend).await;
    let key = ec_key("k1");
    let rp = jar_client(&app, "jar-par", &key).await;
    let mut b = signed_in(&app).await;
    let (verifier, challenge) = new_pkce();
    let jwt = sign(&key, "ES256", &claims(&app, &rp.id, &challenge, json!({})));
    let res = post_as(
        &app,
        &rp,
        "/par",
        &[("request", &jwt), ("scope", "openid offline_access")],
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let uri = res.str("request_uri");
    let p = redirected(&app, &b.get(&by_reference(&rp.id, &uri)).await);
    assert_eq!(get(&p, "state"), Some("st-jar"));
    let code = get(&p, "code").unwrap().to_owned();
    let tokens = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert_eq!(tokens.str("scope"), "openid email");

    let before = pushed_rows(&app).await;
    let now = app.state.now().timestamp();
    for bad in [
        sign(
            &key,
            "ES256",
            &claims(&app, &rp.id, &challenge, json!({"exp": now - 120})),
        ),
        sign(
            &ec_key("k1"),
            "ES256",
            &claims(&app, &rp.id, &challenge, json!({})),
        ),
        alg_none(&jwt),
    ] {
        let res = post_as(&app, &rp, "/par", &[("request", &bad)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
        assert_eq!(res.error(), "invalid_request_object", "{}", res.json);
        assert!(res.headers.get("location").is_none());
    }
    // Valid object, invalid request inside: the usual JSON error.
    let wrong_scope = sign(
        &key,
        "ES256",
        &claims(&app, &rp.id, &challenge, json!({"scope": "email"})),
    );
    let res = post_as(&app, &rp, "/par", &[("request", &wrong_scope)]).await;
    assert_eq!(res.error(), "invalid_scope", "{}", res.json);
    assert_eq!(pushed_rows(&app).await, before);
}

async fn clients_can_be_required_to_sign(backend: Backend) {
    // RFC 9101 §10.5: require_signed_request_object refuses requests
    // without an object, direct or pushed; signed ones pass both ways.
    let app = TestApp::spawn(backend).await;
    let key = ec_key("k1");
    let rp = app
        .client("jar-must")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .jwks(jwks_of(&[&key]))
        .require_signed_request_object()
        .register()
        .await;
    let mut b = signed_in(&app).await;
    let p = redirected(&app, &b.get(&crate::oauth_support::url(&rp.id, &[])).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"));
    assert!(get(&p, "code").is_none());

    let (_, challenge) = new_pkce();
    let plain: Vec<(&str, &str)> = vec![
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid"),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
    ];
    let res = post_as(&app, &rp, "/par", &plain).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.json);
    assert_eq!(res.error(), "invalid_request");
    // A marker a client might forge does not count as signed.
    let mut forged = plain.clone();
    forged.push(("ostiary:signed_request_object", "1"));
    let res = post_as(&app, &rp, "/par", &forged).await;
    assert_eq!(res.error(), "invalid_request", "{}", res.json);
    let p = redirected(
        &app,
        &b.get(&crate::oauth_support::url(
            &rp.id,
            &[("ostiary:signed_request_object", "1")],
        ))
        .await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request"));

    let jwt = sign(&key, "ES256", &claims(&app, &rp.id, &challenge, json!({})));
    let res = post_as(&app, &rp, "/par", &[("request", &jwt)]).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.json);
    let p = redirected(
        &app,
        &b.get(&by_reference(&rp.id, &res.str("request_uri"))).await,
    );
    assert!(get(&p, "code").is_some(), "{p:?}");
    let jwt = sign(&key, "ES256", &claims(&app, &rp.id, &challenge, json!({})));
    let p = redirected(&app, &b.get(&with_object(&rp.id, &jwt, &[])).await);
    assert!(get(&p, "code").is_some(), "{p:?}");

    // Keys are needed for the requirement.
    let envelope = app.state.envelope.clone();
    let now = app.state.now();
    let refused = app
        .state
        .db
        .run(move |conn| {
            ostiary::oidc::clients::create(
                conn,
                &envelope,
                &ostiary::audit::Actor::system("test"),
                &ostiary::oidc::clients::ClientSpec {
                    name: "keyless".into(),
                    redirect_uris: vec![REDIRECT.into()],
                    require_signed_request_object: true,
                    ..Default::default()
                },
                now,
            )
        })
        .await;
    assert!(refused.is_err());
}

/// A JWKS document served over loopback http; counts its fetches.
struct JwksServer {
    url: String,
    body: Arc<Mutex<String>>,
    fetches: Arc<AtomicUsize>,
}

async fn serve_jwks(body: String) -> JwksServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let body = Arc::new(Mutex::new(body));
    let fetches = Arc::new(AtomicUsize::new(0));
    let (served, counter) = (body.clone(), fetches.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let text = served.lock().unwrap().clone();
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let _ = socket.read(&mut buf).await;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
                    text.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    JwksServer {
        url: format!("http://127.0.0.1:{port}/jwks.json"),
        body,
        fetches,
    }
}

async fn keys_come_from_the_jwks_uri_for_request_objects_and_client_auth(backend: Backend) {
    // RFC 9101 + OIDC Registration jwks_uri, fetched only through the
    // outbound client (SR-114; loopback allowed here by
    // oidc.allow_private_targets), cached, refetched for an unknown kid;
    // private_key_jwt (RFC 7523) uses the same keys.
    let app = TestApp::spawn_with(backend.clone(), |c| c.oidc.allow_private_targets = true).await;
    let key = ec_key("u1");
    let server = serve_jwks(jwks_of(&[&key])).await;
    let rp = app
        .client("jar-uri")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .auth_method("private_key_jwt")
        .jwks_uri(&server.url)
        .register()
        .await;
    let mut b = signed_in(&app).await;
    let (verifier, challenge) = new_pkce();
    let jwt = sign(&key, "ES256", &claims(&app, &rp.id, &challenge, json!({})));
    let p = redirected(&app, &b.get(&with_object(&rp.id, &jwt, &[])).await);
    let code = get(&p, "code").unwrap().to_owned();
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1);

    // private_key_jwt with a key from the jwks_uri (cached: no new fetch).
    let now = app.state.now().timestamp();
    let assertion = |signer: &Jwk, jti: &str| {
        sign(
            signer,
            "ES256",
            &json!({
                "iss": rp.id, "sub": rp.id, "jti": jti,
                "aud": format!("{}/token", app.state.config.public_base()),
                "exp": now + 120, "iat": now,
            }),
        )
    };
    let form = |jwt: &str| -> Vec<(String, String)> {
        vec![
            ("grant_type".into(), "authorization_code".into()),
            ("code".into(), code.clone()),
            ("redirect_uri".into(), REDIRECT.into()),
            ("code_verifier".into(), verifier.clone()),
            (
                "client_assertion_type".into(),
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
            ),
            ("client_assertion".into(), jwt.into()),
        ]
    };
    let send = async |f: Vec<(String, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        post(&app, "/token", &pairs, None).await
    };
    // A stranger's key (same kid) is refused first.
    let res = send(form(&assertion(&ec_key("u1"), "a-0"))).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.json);
    let res = send(form(&assertion(&key, "a-1"))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    assert_eq!(server.fetches.load(Ordering::SeqCst), 1);

    // The client rotates its keys: a new kid makes one refetch (once the
    // short refetch pause has passed).
    let rotated = ec_key("u2");
    *server.body.lock().unwrap() = jwks_of(&[&rotated]);
    app.clock.advance(chrono::Duration::seconds(11));
    let jwt = sign(
        &rotated,
        "ES256",
        &claims(&app, &rp.id, &challenge, json!({})),
    );
    let p = redirected(&app, &b.get(&with_object(&rp.id, &jwt, &[])).await);
    assert!(get(&p, "code").is_some(), "{p:?}");
    assert_eq!(server.fetches.load(Ordering::SeqCst), 2);

    // jwks and jwks_uri together are refused at registration.
    let envelope = app.state.envelope.clone();
    let now = app.state.now();
    let (uri, inline) = (server.url.clone(), jwks_of(&[&key]));
    let refused = app
        .state
        .db
        .run(move |conn| {
            ostiary::oidc::clients::create(
                conn,
                &envelope,
                &ostiary::audit::Actor::system("test"),
                &ostiary::oidc::clients::ClientSpec {
                    name: "both".into(),
                    redirect_uris: vec![REDIRECT.into()],
                    jwks: Some(inline),
                    jwks_uri: Some(uri),
                    ..Default::default()
                },
                now,
            )
        })
        .await;
    assert!(refused.is_err());

    // Without allow_private_targets the loopback jwks_uri is never
    // fetched (SR-114): the object is refused.
    let strict = TestApp::spawn(backend).await;
    let other_server = serve_jwks(jwks_of(&[&key])).await;
    let rp = strict
        .client("jar-strict")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .jwks_uri(&other_server.url)
        .register()
        .await;
    let mut b = signed_in(&strict).await;
    let jwt = sign(
        &key,
        "ES256",
        &claims(&strict, &rp.id, &challenge, json!({})),
    );
    let p = redirected(
        &strict,
        &b.get(&with_object(&rp.id, &jwt, &[("redirect_uri", REDIRECT)]))
            .await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request_object"));
    assert_eq!(other_server.fetches.load(Ordering::SeqCst), 0);
}
