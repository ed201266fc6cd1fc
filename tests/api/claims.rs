//! Phone and address claims (OIDC Core §5.1, §5.4) and the `claims`
//! request parameter (§5.5): `phone_number`/`phone_number_verified` and
//! `address` are released with the `phone` and `address` scopes only, in
//! the ID token and at userinfo; users edit them on the account page (CSRF,
//! one validation, audited), administrators through the admin API (and only
//! they vouch for a number); a `claims` request is validated and never
//! releases what the client may not have; pairwise subject identifiers
//! (§8) differ by sector, agree across every place a `sub` leaves the
//! server and across instances, and a sector document is fetched and
//! checked; discovery says all of it.

use std::time::Duration as StdDuration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

use crate::admin_api::{call, key, problem};
use crate::helpers::{Backend, POST_LOGOUT, Page, REDIRECT, TestApp};
use crate::oauth_support::{
    CODE_AND_REFRESH, SignedIn, claims, get, introspect, param, pkce, redeem, redirected, sign_in,
    tokens_for, url, userinfo,
};

crate::on_all_backends!(
    phone_and_address_are_released_only_with_their_scopes,
    users_edit_phone_and_address_on_the_account_page,
    the_claims_parameter_is_checked_and_never_widens_a_client,
    pairwise_subjects_differ_by_sector_and_agree_everywhere,
    sector_identifier_documents_are_fetched_and_checked,
);

async fn patch(app: &TestApp, key: &str, user_id: &str, body: Value) -> Page {
    app.browser()
        .send_json(
            "PATCH".parse().unwrap(),
            &format!("/api/v1/users/{user_id}"),
            &[("authorization", &format!("Bearer {key}"))],
            &body,
        )
        .await
}

/// The user row's (phone_number, phone_number_verified, address).
async fn contact_of(app: &TestApp, who: &SignedIn) -> (Option<String>, bool, Option<Value>) {
    let id = ostiary::domain::UserId::from(who.user_id.as_str());
    let user = app
        .db_run(move |conn| ostiary::store::users::find(conn, &id))
        .await
        .unwrap();
    (
        user.phone_number,
        user.phone_number_verified,
        user.address.map(|a| serde_json::from_str(&a).unwrap()),
    )
}

async fn discovery(app: &TestApp) -> Value {
    reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// OIDC Core §5.4: `phone` → `phone_number`, `phone_number_verified`;
/// `address` → `address` (§5.1.1, with `formatted`); neither without its
/// scope, in the ID token nor at userinfo. The admin API sets them (and
/// alone vouches for the number), one validation refusing a bad number
/// with nothing changed; the change is audited as `user.updated`.
async fn phone_and_address_are_released_only_with_their_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let who = sign_in(&app, "ada@example.com").await;
    let rp = app
        .client("rp1")
        .grants(CODE_AND_REFRESH)
        .scopes(&["openid", "email", "phone", "address"])
        .register()
        .await;
    let (_, admin) = key(&app, |s| s.scopes = vec!["users:write".into()]).await;

    // Nothing set yet: the scopes release nothing.
    let bare = tokens_for(&app, &rp, &who, "openid phone address").await;
    let id = claims(&bare.str("id_token"));
    assert!(id.get("phone_number").is_none(), "{id}");
    assert!(id.get("address").is_none(), "{id}");

    // A bad number is refused by the API, nothing changes.
    let bad = patch(
        &app,
        &admin,
        &who.user_id,
        json!({"phone_number": "030 1234567", "address": {"locality": "Berlin"}}),
    )
    .await;
    let p = problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["field"], "phone_number", "{p}");
    assert_eq!(contact_of(&app, &who).await, (None, false, None));
    let bad = patch(
        &app,
        &admin,
        &who.user_id,
        json!({"address": {"locality": "Ber\u{7}lin"}}),
    )
    .await;
    problem(&bad, StatusCode::UNPROCESSABLE_ENTITY);

    let set = patch(
        &app,
        &admin,
        &who.user_id,
        json!({
            "phone_number": "+49 (30) 1234-567",
            "phone_number_verified": true,
            "address": {
                "street_address": "Hauptstr. 1",
                "locality": "Berlin",
                "postal_code": "10115",
                "country": "Germany"
            }
        }),
    )
    .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    let listed: Value = serde_json::from_str(&set.body).unwrap();
    assert_eq!(listed["phone_number"], "+49301234567");
    assert_eq!(listed["phone_number_verified"], true);
    assert_eq!(listed["address"]["locality"], "Berlin");
    let audit: Value =
        serde_json::from_str(&app.audit_rows("user.updated").await[0].details).unwrap();
    assert_eq!(audit["before"]["phone_number"], Value::Null, "{audit}");
    assert_eq!(audit["after"]["phone_number"], "+49301234567", "{audit}");
    assert_eq!(audit["after"]["address"]["postal_code"], "10115", "{audit}");

    // With the scopes: in the ID token and at userinfo.
    let both = tokens_for(&app, &rp, &who, "openid phone address").await;
    let expected_address = json!({
        "formatted": "Hauptstr. 1\n10115 Berlin\nGermany",
        "street_address": "Hauptstr. 1",
        "locality": "Berlin",
        "postal_code": "10115",
        "country": "Germany"
    });
    let id = claims(&both.str("id_token"));
    assert_eq!(id["phone_number"], "+49301234567", "{id}");
    assert_eq!(id["phone_number_verified"], true, "{id}");
    assert_eq!(id["address"], expected_address, "{id}");
    let info = userinfo(&app, &both.str("access_token")).await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.json);
    assert_eq!(info.json["phone_number"], "+49301234567");
    assert_eq!(info.json["address"], expected_address);

    // One scope, one set of claims; neither without its scope.
    let phone_only = tokens_for(&app, &rp, &who, "openid phone").await;
    let id = claims(&phone_only.str("id_token"));
    assert_eq!(id["phone_number"], "+49301234567", "{id}");
    assert!(id.get("address").is_none(), "{id}");
    let info = userinfo(&app, &phone_only.str("access_token")).await;
    assert!(info.json.get("address").is_none(), "{}", info.json);
    let neither = tokens_for(&app, &rp, &who, "openid email").await;
    let id = claims(&neither.str("id_token"));
    assert!(id.get("phone_number").is_none(), "{id}");
    assert!(id.get("phone_number_verified").is_none(), "{id}");
    assert!(id.get("address").is_none(), "{id}");
    let info = userinfo(&app, &neither.str("access_token")).await;
    assert_eq!(info.json["email"], "ada@example.com");
    assert!(info.json.get("phone_number").is_none(), "{}", info.json);
    assert!(info.json.get("address").is_none(), "{}", info.json);

    // Discovery lists the scopes and claims.
    let doc = discovery(&app).await;
    for s in ["phone", "address"] {
        assert!(
            doc["scopes_supported"]
                .as_array()
                .unwrap()
                .contains(&json!(s)),
            "{doc}"
        );
    }
    for c in ["phone_number", "phone_number_verified", "address"] {
        assert!(
            doc["claims_supported"]
                .as_array()
                .unwrap()
                .contains(&json!(c)),
            "{doc}"
        );
    }
    assert_eq!(doc["claims_parameter_supported"], true);

    // Clearing: an empty number and an empty address remove both.
    let cleared = patch(
        &app,
        &admin,
        &who.user_id,
        json!({"phone_number": "", "address": {}}),
    )
    .await;
    assert_eq!(cleared.status, StatusCode::OK, "{}", cleared.body);
    assert_eq!(contact_of(&app, &who).await, (None, false, None));
}

/// The account page form (CSRF like every account form): a number is
/// normalized to E.164 and starts unverified; a bad number says why and
/// changes nothing; a forged post (no CSRF token) changes nothing; a new
/// number drops the administrator's verification. Audited as
/// `user.profile_updated`.
async fn users_edit_phone_and_address_on_the_account_page(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut who = sign_in(&app, "ada@example.com").await;
    let form = [
        ("phone_number", "+49 30 1234567"),
        ("street_address", "Hauptstr. 1\r\nHinterhaus"),
        ("postal_code", "10115"),
        ("locality", "Berlin"),
        ("region", ""),
        ("country", "DE"),
    ];
    let res = who
        .browser
        .submit("/account", "/account/contact", &form)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/account?notice=profile-saved");
    let (phone, verified, address) = contact_of(&app, &who).await;
    assert_eq!(phone.as_deref(), Some("+49301234567"));
    assert!(!verified);
    assert_eq!(
        address.unwrap(),
        json!({"street_address": "Hauptstr. 1\nHinterhaus", "postal_code": "10115", "locality": "Berlin", "country": "DE"})
    );
    let page = who.browser.get("/account").await;
    assert!(
        page.body.contains("value=\"+49301234567\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("Hinterhaus"), "{}", page.body);
    let audit: Value =
        serde_json::from_str(&app.audit_rows("user.profile_updated").await[0].details).unwrap();
    assert_eq!(audit["after"]["phone_number"], "+49301234567", "{audit}");

    // A bad number: a clear message, nothing changed (the address either).
    let res = who
        .browser
        .submit(
            "/account",
            "/account/contact",
            &[("phone_number", "call me"), ("locality", "Hamburg")],
        )
        .await;
    assert_eq!(res.location(), "/account?notice=phone-invalid");
    let page = who.browser.get(res.location()).await;
    assert!(
        page.body.contains("The phone number was not saved"),
        "{}",
        page.body
    );
    assert_eq!(
        contact_of(&app, &who).await.0.as_deref(),
        Some("+49301234567")
    );
    assert_eq!(
        contact_of(&app, &who).await.2.unwrap()["locality"],
        "Berlin"
    );
    let res = who
        .browser
        .submit(
            "/account",
            "/account/contact",
            &[("phone_number", ""), ("locality", "x\u{1}y")],
        )
        .await;
    assert_eq!(res.location(), "/account?notice=address-invalid");
    assert_eq!(
        contact_of(&app, &who).await.0.as_deref(),
        Some("+49301234567")
    );

    // Without the CSRF token: refused, nothing changed.
    let forged = who
        .browser
        .post_form("/account/contact", &[("phone_number", "+15551234567")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        contact_of(&app, &who).await.0.as_deref(),
        Some("+49301234567")
    );

    // The user cannot vouch for the number (the form has no such field,
    // an extra one is ignored); an administrator can, and a new number
    // drops it again.
    let res = who
        .browser
        .submit(
            "/account",
            "/account/contact",
            &[
                ("phone_number", "+49301234567"),
                ("phone_number_verified", "true"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(!contact_of(&app, &who).await.1);
    let (_, admin) = key(&app, |s| s.scopes = vec!["users:write".into()]).await;
    let ok = patch(
        &app,
        &admin,
        &who.user_id,
        json!({"phone_number_verified": true}),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(contact_of(&app, &who).await.1);
    let page = who.browser.get("/account").await;
    assert!(page.body.contains("badge-success"), "{}", page.body);
    who.browser
        .submit(
            "/account",
            "/account/contact",
            &[("phone_number", "+49 30 7654321")],
        )
        .await;
    let (phone, verified, address) = contact_of(&app, &who).await;
    assert_eq!(phone.as_deref(), Some("+49307654321"));
    assert!(!verified, "a new number starts unverified");
    assert_eq!(address, None, "the form replaces the whole address");
}

/// OIDC Core §5.5: a `claims` request must be a JSON object whose
/// `id_token`/`userinfo` members are objects of `null` or
/// `{essential, values}` requests, else `invalid_request`. A claim asked
/// for only through `claims` is released when the client may have its
/// scope (the scope joins the request, so consent covers it) and absent
/// when it may not.
async fn the_claims_parameter_is_checked_and_never_widens_a_client(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut who = sign_in(&app, "ada@example.com").await;
    let may = app
        .client("may-email")
        .grants(CODE_AND_REFRESH)
        .scopes(&["openid", "email"])
        .skip_consent()
        .register()
        .await;
    let may_not = app
        .client("openid-only")
        .grants(CODE_AND_REFRESH)
        .scopes(&["openid"])
        .skip_consent()
        .register()
        .await;
    let request = r#"{"id_token":{"email":{"essential":true}}}"#;
    let (verifier, _) = pkce();

    let p = redirected(
        &app,
        &who.browser
            .get(&url(&may.id, &[("scope", "openid"), ("claims", request)]))
            .await,
    );
    let tokens = redeem(&app, &may, get(&p, "code").unwrap(), Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    let id = claims(&tokens.str("id_token"));
    assert_eq!(id["email"], "ada@example.com", "{id}");

    let p = redirected(
        &app,
        &who.browser
            .get(&url(
                &may_not.id,
                &[("scope", "openid"), ("claims", request)],
            ))
            .await,
    );
    let tokens = redeem(&app, &may_not, get(&p, "code").unwrap(), Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert_eq!(tokens.str("scope"), "openid");
    let id = claims(&tokens.str("id_token"));
    assert!(id.get("email").is_none(), "{id}");
    let info = userinfo(&app, &tokens.str("access_token")).await;
    assert!(info.json.get("email").is_none(), "{}", info.json);

    for bad in [
        "not json",
        "[]",
        r#"{"id_token":[]}"#,
        r#"{"userinfo":"email"}"#,
        r#"{"id_token":{"email":true}}"#,
        r#"{"id_token":{"email":{"essential":"yes"}}}"#,
        r#"{"userinfo":{"email":{"values":"a"}}}"#,
    ] {
        let res = who
            .browser
            .get(&url(&may.id, &[("scope", "openid"), ("claims", bad)]))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{bad}: {}", res.body);
        assert_eq!(
            param(res.location(), "error").as_deref(),
            Some("invalid_request"),
            "{bad}: {}",
            res.location()
        );
        assert!(param(res.location(), "code").is_none());
    }
}

// ---------- Pairwise subjects (OIDC Core §8) ----------

/// A tiny HTTP server on 127.0.0.1: answers every request with `status`
/// and `body` (JSON) and passes each request's body on.
async fn serve(status: u16, body: &str) -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let body = body.to_owned();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (tx, body) = (tx.clone(), body.clone());
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    let text = String::from_utf8_lossy(&buf).to_string();
                    if let Some((head, rest)) = text.split_once("\r\n\r\n") {
                        let len = head
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if rest.len() >= len {
                            let _ = tx.send(rest.to_owned());
                            break;
                        }
                    }
                }
                let reply = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (format!("http://127.0.0.1:{}/doc", addr.port()), rx)
}

async fn api(app: &TestApp, method: &str, path: &str, key: &str, body: Value) -> Page {
    app.browser()
        .send_json(
            method.parse().unwrap(),
            path,
            &[("authorization", &format!("Bearer {key}"))],
            &body,
        )
        .await
}

async fn clients_key(app: &TestApp) -> String {
    key(app, |s| s.scopes = vec!["clients:write".into()])
        .await
        .1
}

/// Register a client through the admin API; its id and secret.
async fn register(app: &TestApp, key: &str, body: Value) -> crate::helpers::RegisteredClient {
    let res = api(app, "POST", "/api/v1/clients", key, body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let created: Value = serde_json::from_str(&res.body).unwrap();
    crate::helpers::RegisteredClient {
        id: created["client_id"].as_str().unwrap().to_owned(),
        secret: created["client_secret"].as_str().map(str::to_owned),
    }
}

fn web(id: &str, extra: Value) -> Value {
    let mut body = json!({
        "name": format!("App {id}"),
        "client_id": id,
        "redirect_uris": [REDIRECT],
        "post_logout_redirect_uris": [POST_LOGOUT],
        "consent": "skip",
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// A signed ID token of ours with these claims (a hint made by hand).
fn hand_made_id_token(app: &TestApp, claims: Value) -> String {
    let claims = claims.as_object().unwrap().clone();
    app.state
        .keys
        .snapshot()
        .sign(ostiary::crypto::signing::Alg::RS256, "JWT", claims)
        .unwrap()
}

/// OIDC Core §8.1: two pairwise clients of one sector see the same `sub`,
/// another sector a different one, a public client the user id; the value
/// is the same in the ID token, at userinfo, in the access token and
/// introspection (also of the refresh token), in the back-channel logout
/// token, and from a second instance after a restart; `id_token_hint`
/// (prompt=none, end_session) is compared with the pairwise value, so a
/// hint carrying the user id is another user to a pairwise client.
async fn pairwise_subjects_differ_by_sector_and_agree_everywhere(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let mut who = sign_in(&app, "ada@example.com").await;
    let admin = clients_key(&app).await;
    let (sector_uri, _) = serve(200, &json!([REDIRECT]).to_string()).await;
    let (bcl_uri, mut bcl) = serve(200, "{}").await;
    let a1 = register(
        &app,
        &admin,
        web(
            "pw-a1",
            json!({"subject_type": "pairwise", "backchannel_logout_uri": bcl_uri}),
        ),
    )
    .await;
    let a2 = register(
        &app,
        &admin,
        web("pw-a2", json!({"subject_type": "pairwise"})),
    )
    .await;
    let b = register(
        &app,
        &admin,
        web(
            "pw-b",
            json!({"subject_type": "pairwise", "sector_identifier_uri": sector_uri}),
        ),
    )
    .await;
    let public = register(&app, &admin, web("pub", json!({}))).await;
    let shown: Value =
        serde_json::from_str(&call(&app, "/api/v1/clients/pw-b", &admin).await.body).unwrap();
    assert_eq!(shown["subject_type"], "pairwise", "{shown}");
    assert_eq!(shown["sector_identifier_uri"], sector_uri.as_str());

    let sub_of = |reply: &crate::oauth_support::Reply| {
        claims(&reply.str("id_token"))["sub"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let t_a1 = tokens_for(&app, &a1, &who, "openid offline_access").await;
    let t_a2 = tokens_for(&app, &a2, &who, "openid").await;
    let t_b = tokens_for(&app, &b, &who, "openid").await;
    let t_pub = tokens_for(&app, &public, &who, "openid").await;
    let (s_a1, s_a2, s_b, s_pub) = (sub_of(&t_a1), sub_of(&t_a2), sub_of(&t_b), sub_of(&t_pub));
    assert_eq!(s_pub, who.user_id, "a public client sees the user id");
    assert_eq!(s_a1, s_a2, "one sector, one sub");
    assert_ne!(s_a1, s_b, "another sector, another sub");
    for s in [&s_a1, &s_b] {
        assert_ne!(s, &who.user_id);
        assert_eq!(s.len(), 43, "base64url of 32 bytes: {s}");
    }

    // The same value wherever a sub leaves the server for the client.
    let at = t_a1.str("access_token");
    assert_eq!(claims(&at)["sub"], s_a1.as_str(), "access token");
    let info = userinfo(&app, &at).await;
    assert_eq!(info.status, StatusCode::OK, "{}", info.json);
    assert_eq!(info.json["sub"], s_a1.as_str(), "userinfo");
    assert_eq!(introspect(&app, &a1, &at).await["sub"], s_a1.as_str());
    let rt = t_a1.str("refresh_token");
    assert_eq!(introspect(&app, &a1, &rt).await["sub"], s_a1.as_str());
    let info = userinfo(&app, &t_b.str("access_token")).await;
    assert_eq!(info.json["sub"], s_b.as_str());

    // Stable across a restart / another instance (same database and keys).
    let other = app.second_instance().await;
    let again = tokens_for(&other, &a1, &who, "openid").await;
    assert_eq!(sub_of(&again), s_a1);
    let info = userinfo(&other, &again.str("access_token")).await;
    assert_eq!(info.json["sub"], s_a1.as_str());

    // prompt=none with the pairwise hint: the same user, a code; a hint
    // carrying the plain user id names someone else to this client.
    let hint = t_a1.str("id_token");
    let p = redirected(
        &app,
        &who.browser
            .get(&url(
                &a1.id,
                &[("prompt", "none"), ("id_token_hint", &hint)],
            ))
            .await,
    );
    assert!(get(&p, "code").is_some(), "{p:?}");
    let now = app.state.now().timestamp();
    let plain = hand_made_id_token(
        &app,
        json!({
            "iss": app.state.config.public_base(), "sub": who.user_id, "aud": a1.id,
            "azp": a1.id, "iat": now, "exp": now + 300, "sid": who.session_id,
        }),
    );
    let p = redirected(
        &app,
        &who.browser
            .get(&url(
                &a1.id,
                &[("prompt", "none"), ("id_token_hint", &plain)],
            ))
            .await,
    );
    assert_eq!(get(&p, "error"), Some("login_required"), "{p:?}");

    // end_session: the user-id hint is not silent (a confirmation page);
    // the pairwise one is, and the back-channel logout token carries the
    // pairwise sub.
    let end = |h: &str| {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("id_token_hint", h)
            .append_pair("post_logout_redirect_uri", POST_LOGOUT)
            .finish();
        format!("/end_session?{q}")
    };
    let res = who.browser.get(&end(&plain)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(who.browser.is_signed_in().await);
    let res = who.browser.get(&end(&hint)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(
        res.location().starts_with(POST_LOGOUT),
        "{}",
        res.location()
    );
    let body = tokio::time::timeout(StdDuration::from_secs(10), bcl.recv())
        .await
        .expect("logout token delivered")
        .unwrap();
    let token = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "logout_token")
        .unwrap()
        .1
        .into_owned();
    assert_eq!(claims(&token)["sub"], s_a1.as_str(), "back-channel logout");
    assert_eq!(claims(&token)["aud"], "pw-a1");

    // Discovery.
    assert_eq!(
        discovery(&app).await["subject_types_supported"],
        json!(["public", "pairwise"])
    );
}

/// OIDC Core §8.1: a `sector_identifier_uri` is https (loopback http only
/// where outbound calls may reach private targets), fetched when the
/// client is saved, and must be a JSON array listing every redirect URI;
/// without it the redirect URIs must share one host; it belongs to
/// pairwise clients only. A refused change changes nothing.
async fn sector_identifier_documents_are_fetched_and_checked(backend: Backend) {
    let app = TestApp::spawn_with(backend.clone(), |c| c.oidc.allow_private_targets = true).await;
    let admin = clients_key(&app).await;
    let (good, mut fetched) = serve(
        200,
        &json!([REDIRECT, "https://rp.example/two"]).to_string(),
    )
    .await;
    let (missing, _) = serve(200, &json!(["https://rp.example/two"]).to_string()).await;
    let (not_array, _) = serve(200, r#"{"redirect_uris": []}"#).await;
    let (failing, _) = serve(500, "[]").await;

    register(
        &app,
        &admin,
        web(
            "ok",
            json!({"subject_type": "pairwise", "sector_identifier_uri": good}),
        ),
    )
    .await;
    tokio::time::timeout(StdDuration::from_secs(5), fetched.recv())
        .await
        .expect("the sector document was fetched");

    let refused = |page: &Page, status: StatusCode, field: &str| {
        let p = problem(page, status);
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    };
    for (uri, why) in [
        (&missing, "lists no redirect URI of ours"),
        (&not_array, "not an array"),
        (&failing, "HTTP 500"),
    ] {
        let res = api(
            &app,
            "POST",
            "/api/v1/clients",
            &admin,
            web(
                "nope",
                json!({"subject_type": "pairwise", "sector_identifier_uri": uri}),
            ),
        )
        .await;
        // Well-formed, refused for what the document says: 422.
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{why}: {}",
            res.body
        );
        refused(
            &res,
            StatusCode::UNPROCESSABLE_ENTITY,
            "sector_identifier_uri",
        );
    }
    let res = api(
        &app,
        "POST",
        "/api/v1/clients",
        &admin,
        web(
            "nope",
            json!({"subject_type": "pairwise", "sector_identifier_uri": "http://sector.example/doc"}),
        ),
    )
    .await;
    refused(&res, StatusCode::BAD_REQUEST, "sector_identifier_uri");
    assert!(res.body.contains("https"), "{}", res.body);
    let res = api(
        &app,
        "POST",
        "/api/v1/clients",
        &admin,
        web(
            "nope",
            json!({"subject_type": "pairwise", "redirect_uris": [REDIRECT, "https://other.example/cb"]}),
        ),
    )
    .await;
    refused(&res, StatusCode::UNPROCESSABLE_ENTITY, "redirect_uris");
    let res = api(
        &app,
        "POST",
        "/api/v1/clients",
        &admin,
        web("nope", json!({"sector_identifier_uri": good})),
    )
    .await;
    refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sector_identifier_uri",
    );
    let res = api(
        &app,
        "POST",
        "/api/v1/clients",
        &admin,
        web("nope", json!({"subject_type": "secret"})),
    )
    .await;
    refused(&res, StatusCode::BAD_REQUEST, "subject_type");
    assert_eq!(
        call(&app, "/api/v1/clients/nope", &admin).await.status,
        StatusCode::NOT_FOUND
    );

    // A change the document does not cover is refused; the client stays.
    let res = api(
        &app,
        "PATCH",
        "/api/v1/clients/ok",
        &admin,
        json!({"redirect_uris": [REDIRECT, "https://rp.example/three"]}),
    )
    .await;
    refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sector_identifier_uri",
    );
    let shown: Value =
        serde_json::from_str(&call(&app, "/api/v1/clients/ok", &admin).await.body).unwrap();
    assert_eq!(shown["redirect_uris"], json!([REDIRECT]));
    let res = api(
        &app,
        "PATCH",
        "/api/v1/clients/ok",
        &admin,
        json!({"redirect_uris": [REDIRECT, "https://rp.example/two"]}),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);

    // Where outbound calls may not reach private targets (the default),
    // a loopback sector document is refused too.
    let strict = TestApp::spawn(backend).await;
    let admin = clients_key(&strict).await;
    let res = api(
        &strict,
        "POST",
        "/api/v1/clients",
        &admin,
        web(
            "loop",
            json!({"subject_type": "pairwise", "sector_identifier_uri": good}),
        ),
    )
    .await;
    refused(
        &res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sector_identifier_uri",
    );
}
