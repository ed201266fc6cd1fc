//! Pushed authorization requests (RFC 9126; SR-15, SR-16, SR-140): `/par` authenticates
//! the client and checks the request as `/authorize` would; `/authorize`
//! takes the stored parameters only (the browser cannot change them), a
//! `request_uri` works once, for its client, before it expires; clients
//! (or the whole server) can be made to push; discovery says so.

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, Browser, Page, REDIRECT, RegisteredClient, TestApp, hidden_input};
use crate::oauth_support::{
    CODE_AND_REFRESH, EMAIL, get, login_via, new_pkce, param, post, post_as, redeem, redirected,
    signed_in,
};

crate::on_all_backends!(
    a_pushed_request_signs_in_and_its_parameters_win,
    request_uris_are_single_use_bound_and_short_lived,
    par_checks_the_client_and_the_request,
    clients_and_servers_can_require_pushed_requests,
    pushed_requests_keep_their_prompt_and_consent_through_the_pages,
    pages_of_a_pushed_request_may_lead_to_its_client,
);

/// The usual authorization parameters, with a fresh PKCE pair.
fn request(challenge: &str, extra: &[(&'static str, &'static str)]) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = [
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid email"),
        ("state", "st-par"),
        ("nonce", "n-par"),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    p.push(("code_challenge".into(), challenge.to_owned()));
    for (k, v) in extra {
        p.retain(|(pk, _)| pk != k);
        p.push(((*k).to_owned(), (*v).to_owned()));
    }
    p
}

async fn push(
    app: &TestApp,
    rp: &RegisteredClient,
    params: &[(String, String)],
) -> crate::oauth_support::Reply {
    let form: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_as(app, rp, "/par", &form).await
}

fn by_reference(client_id: &str, request_uri: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("client_id", client_id);
    s.append_pair("request_uri", request_uri);
    format!("/authorize?{}", s.finish())
}

async fn a_pushed_request_signs_in_and_its_parameters_win(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app
        .client("par-rp")
        .grants(CODE_AND_REFRESH)
        .skip_consent()
        .register()
        .await;
    let (verifier, challenge) = new_pkce();
    let pushed = push(&app, &rp, &request(&challenge, &[])).await;
    assert_eq!(pushed.status, StatusCode::CREATED, "{}", pushed.json);
    assert_eq!(pushed.header("cache-control"), "no-store");
    let uri = pushed.str("request_uri");
    assert!(
        uri.starts_with("urn:ietf:params:oauth:request_uri:"),
        "{uri}"
    );
    assert_eq!(pushed.json["expires_in"], 60);

    // Signed out: the login form, and back to the request by reference
    // (its parameters never travel through the browser).
    let mut b = app.browser();
    app.create_user(EMAIL, crate::helpers::PASSWORD).await;
    // Parameters added in the browser are ignored (§4): the state and the
    // redirect are the pushed ones.
    let tampered = format!(
        "{}&state=evil&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&scope=openid+email+offline_access",
        by_reference(&rp.id, &uri)
    );
    let res = b.get(&tampered).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let login = res.location().to_owned();
    let return_to = param(&login, "return_to").unwrap();
    assert!(return_to.contains("request_uri="), "{return_to}");
    assert!(!return_to.contains("code_challenge"), "{return_to}");
    assert!(!return_to.contains("redirect_uri"), "{return_to}");
    let done = login_via(&mut b, &login).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let p = redirected(&app, &b.get(done.location()).await);
    assert_eq!(get(&p, "state"), Some("st-par"));
    let code = get(&p, "code").unwrap().to_owned();
    let tokens = redeem(&app, &rp, &code, Some(&verifier)).await;
    assert_eq!(tokens.status, StatusCode::OK, "{}", tokens.json);
    assert_eq!(tokens.str("scope"), "openid email");

    // Discovery names the endpoint.
    let doc: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(
        doc["pushed_authorization_request_endpoint"],
        format!("{}/par", doc["issuer"].as_str().unwrap())
    );
    assert_eq!(doc["require_pushed_authorization_requests"], false);
}

async fn request_uris_are_single_use_bound_and_short_lived(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app.client("par-rp").skip_consent().register().await;
    let other = app.client("other").skip_consent().register().await;
    let mut b = signed_in(&app).await;
    let (_, challenge) = new_pkce();

    // Used once: a code; again: the error page, no second code.
    let uri = push(&app, &rp, &request(&challenge, &[]))
        .await
        .str("request_uri");
    let p = redirected(&app, &b.get(&by_reference(&rp.id, &uri)).await);
    assert!(get(&p, "code").is_some(), "{p:?}");
    let again = b.get(&by_reference(&rp.id, &uri)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.body);
    assert!(
        again.body.contains("expired or was already used"),
        "{}",
        again.body
    );
    assert!(again.headers.get("location").is_none());

    // Another client's request_uri is not this client's.
    let uri = push(&app, &rp, &request(&challenge, &[]))
        .await
        .str("request_uri");
    let stolen = b.get(&by_reference(&other.id, &uri)).await;
    assert_eq!(stolen.status, StatusCode::BAD_REQUEST, "{}", stolen.body);
    // (and that attempt did not use it up for its own client)
    let p = redirected(&app, &b.get(&by_reference(&rp.id, &uri)).await);
    assert!(get(&p, "code").is_some(), "{p:?}");

    // Not used within par_ttl_secs: expired.
    let uri = push(&app, &rp, &request(&challenge, &[]))
        .await
        .str("request_uri");
    app.clock.advance(Duration::seconds(61));
    let late = b.get(&by_reference(&rp.id, &uri)).await;
    assert_eq!(late.status, StatusCode::BAD_REQUEST, "{}", late.body);

    // A made-up or foreign-looking reference: the same page.
    for fake in [
        "urn:ietf:params:oauth:request_uri:nope",
        "https://evil.example/req",
    ] {
        let page = b.get(&by_reference(&rp.id, fake)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{fake}");
    }

    // Two completions of one request at once: one code.
    let uri = push(&app, &rp, &request(&challenge, &[]))
        .await
        .str("request_uri");
    let (mut b1, mut b2) = (b.clone(), b.clone());
    let target = by_reference(&rp.id, &uri);
    let (r1, r2) = tokio::join!(b1.get(&target), b2.get(&target));
    let codes = [&r1, &r2]
        .iter()
        .filter(|r| r.status == StatusCode::SEE_OTHER && param(r.location(), "code").is_some())
        .count();
    assert_eq!(codes, 1, "{} / {}", r1.status, r2.status);
}

async fn par_checks_the_client_and_the_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app.client("par-rp").register().await;
    let (_, challenge) = new_pkce();
    let params = request(&challenge, &[]);
    let form: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    // No or wrong client authentication: 401 invalid_client.
    let anonymous = post(&app, "/par", &form, None).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.json
    );
    assert_eq!(anonymous.error(), "invalid_client");
    let wrong = post(&app, "/par", &form, Some((&rp.id, "not-the-secret"))).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);

    // The request's own errors come back as JSON, never as a redirect.
    for (extra, error) in [
        (
            ("redirect_uri", "https://evil.example/cb"),
            "invalid_request",
        ),
        (("response_type", "token"), "unsupported_response_type"),
        (("scope", "email"), "invalid_scope"),
        (("code_challenge_method", "plain"), "invalid_request"),
        (
            ("request_uri", "urn:ietf:params:oauth:request_uri:x"),
            "invalid_request",
        ),
        (
            ("request", "eyJhbGciOiJub25lIn0.e30."),
            "invalid_request_object",
        ),
    ] {
        let res = push(&app, &rp, &request(&challenge, &[extra])).await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{extra:?}: {}",
            res.json
        );
        assert_eq!(res.error(), error, "{extra:?}: {}", res.json);
        assert!(res.headers.get("location").is_none());
    }
    // A repeated parameter.
    let mut twice = form.clone();
    twice.push(("state", "again"));
    let res = post_as(&app, &rp, "/par", &twice).await;
    assert_eq!(res.error(), "invalid_request", "{}", res.json);
    // Nothing was stored by any refusal.
    let stored = app
        .db_run(|conn| {
            use diesel::prelude::*;
            Ok(ostiary::db::schema::pushed_requests::table
                .count()
                .get_result::<i64>(conn)?)
        })
        .await;
    assert_eq!(stored, 0);
}

async fn clients_and_servers_can_require_pushed_requests(backend: Backend) {
    let app = TestApp::spawn(backend.clone()).await;
    let strict = app
        .client("strict")
        .skip_consent()
        .require_par()
        .register()
        .await;
    let mut b = signed_in(&app).await;
    // A plain request is refused to the client (its redirect is verified).
    let p = redirected(
        &app,
        &b.get(&crate::oauth_support::url(&strict.id, &[])).await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request"), "{p:?}");
    assert!(get(&p, "error_description").unwrap().contains("RFC 9126"));
    // Pushed, it works.
    let (_, challenge) = new_pkce();
    let uri = push(&app, &strict, &request(&challenge, &[]))
        .await
        .str("request_uri");
    let p = redirected(&app, &b.get(&by_reference(&strict.id, &uri)).await);
    assert!(get(&p, "code").is_some(), "{p:?}");

    // Server-wide: every client, and discovery says so.
    let app = TestApp::spawn_with(backend, |c| {
        c.oidc.require_pushed_authorization_requests = true;
    })
    .await;
    let rp = app.client("rp").skip_consent().register().await;
    let mut b = signed_in(&app).await;
    let p = redirected(&app, &b.get(&crate::oauth_support::url(&rp.id, &[])).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"), "{p:?}");
    let doc: serde_json::Value =
        reqwest::get(format!("{}/.well-known/openid-configuration", app.base))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(doc["require_pushed_authorization_requests"], true);
}

/// The consent form's fields (but the CSRF token) with `decision`.
fn consent_fields(page: &Page, decision: &str) -> Vec<(String, String)> {
    let mut fields = vec![("decision".to_owned(), decision.to_owned())];
    for name in [
        "client_id",
        "request_uri",
        "prompt",
        "max_age",
        "ui_locales",
    ] {
        if let Some(v) = hidden_input(&page.body, name) {
            fields.push((name.to_owned(), crate::helpers::unescape(&v)));
        }
    }
    fields
}

async fn pushed_requests_keep_their_prompt_and_consent_through_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app.client("third-party").register().await;
    let mut b: Browser = signed_in(&app).await;
    let (_, challenge) = new_pkce();
    // prompt=login: a fresh sign-in once (no loop), then consent, whose
    // form carries the reference only.
    let uri = push(&app, &rp, &request(&challenge, &[("prompt", "login")]))
        .await
        .str("request_uri");
    let res = b.get(&by_reference(&rp.id, &uri)).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let login = res.location().to_owned();
    assert_eq!(param(&login, "force").as_deref(), Some("1"), "{login}");
    let done = login_via(&mut b, &login).await;
    let consent = b.get(done.location()).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.body);
    assert!(consent.body.contains("App third-party"));
    assert!(hidden_input(&consent.body, "request_uri").is_some());
    assert!(hidden_input(&consent.body, "code_challenge").is_none());
    assert!(hidden_input(&consent.body, "redirect_uri").is_none());
    // Putting prompt=login back is not allowed to re-add anything, and
    // adding a prompt the client never asked for is refused.
    let mut forged = consent_fields(&consent, "allow");
    forged.retain(|(k, _)| k != "prompt");
    forged.push(("prompt".into(), "none".into()));
    let refused = b
        .post_from(
            &consent,
            "/authorize/consent",
            &crate::oauth_support::pairs(&forged),
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    let allowed = b
        .post_from(
            &consent,
            "/authorize/consent",
            &crate::oauth_support::pairs(&consent_fields(&consent, "allow")),
        )
        .await;
    let p = redirected(&app, &allowed);
    assert!(get(&p, "code").is_some(), "{p:?}");
    assert_eq!(get(&p, "state"), Some("st-par"));
    app.assert_audited(&["consent.granted"]).await;
}

/// Regression (found in Chromium, SR-73): the login page of a pushed
/// request knows only `client_id` and `request_uri`, yet its CSP
/// `form-action` must allow the client's origin (where the redirects after
/// the form post end) and name the application; a forged `redirect_uri`
/// next to the reference changes neither, and an unknown reference gets no
/// client origin.
async fn pages_of_a_pushed_request_may_lead_to_its_client(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rp = app
        .client_named("Acme Notes")
        .redirect_uris(&[REDIRECT])
        .register()
        .await;
    let (_, challenge) = new_pkce();
    let uri = push(&app, &rp, &request(&challenge, &[]))
        .await
        .str("request_uri");
    let form_action = |page: &Page| {
        page.header("content-security-policy")
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("form-action"))
            .unwrap_or_default()
            .to_owned()
    };
    let mut b = app.browser();
    let forged = format!(
        "{}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb",
        by_reference(&rp.id, &uri)
    );
    let res = b.get(&forged).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let login = b.get(res.location()).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(form_action(&login), "form-action 'self' https://rp.example");
    assert!(login.body.contains("Acme Notes"), "{}", login.body);
    let unknown = format!(
        "/login?return_to={}",
        urlencoding(&by_reference(
            &rp.id,
            "urn:ietf:params:oauth:request_uri:not-one-of-ours"
        ))
    );
    let plain = b.get(&unknown).await;
    assert_eq!(form_action(&plain), "form-action 'self'");
}

fn urlencoding(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
