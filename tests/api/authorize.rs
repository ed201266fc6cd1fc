//! `/authorize`: client and redirect_uri checks, request validation, the
//! sign-in and consent steps, codes, form_post, and consent revocation.

use chrono::Duration;
use reqwest::StatusCode;

use crate::helpers::{Backend, Browser, PASSWORD, Page, REDIRECT, TestApp, hidden_input};
use crate::oauth_support::*;
use crate::on_all_backends;

on_all_backends!(
    bad_client_or_redirect_uri_shows_an_error_page,
    invalid_requests_are_redirected_with_state_and_iss,
    pkce_is_required_for_public_clients_and_plain_refused,
    prompt_none_without_session_is_login_required,
    anonymous_user_signs_in_and_gets_a_code,
    consent_is_asked_remembered_and_asked_again_on_prompt_consent,
    max_age_and_prompt_login_force_a_fresh_sign_in,
    form_post_renders_an_escaped_form_to_the_redirect_uri,
    account_page_revokes_a_consent_and_its_grants,
    id_token_hint_of_another_user_forces_sign_in,
    claims_parameter_widens_scopes_within_what_the_client_may_ask,
    many_parameters_are_refused_cheaply,
);

async fn many_parameters_are_refused_cheaply(backend: Backend) {
    // Issue 10 item 15: the duplicate check is linear and the number of
    // parameters bounded; a request with thousands is an error page (never a
    // redirect), answered at once.
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").register().await.id;
    let mut b = signed_in(&app).await;
    let mut form: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), id.clone()),
        ("redirect_uri".into(), REDIRECT.into()),
    ];
    for i in 0..1500 {
        form.push((format!("p{i}"), "x".into()));
    }
    let res = b.post_form("/authorize", &pairs(&form)).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert!(res.headers.get("location").is_none());
    assert!(res.body.contains("too many parameters"), "{}", res.body);
    // Positive control: the same request without the padding goes on (to
    // the consent page).
    let ok = b.get(&url(&id, &[])).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert!(ok.body.contains("action=\"/authorize/consent\""));
}

async fn claims_parameter_widens_scopes_within_what_the_client_may_ask(backend: Backend) {
    // OIDC Core 5.5: claims requested individually are released through
    // their scope (so the consent covers them); a scope the client may not
    // request is not added, and unknown claims are ignored.
    let app = TestApp::spawn(backend).await;
    let id = app
        .client("claims-rp")
        .skip_consent()
        .scopes(&["openid", "email", "profile"])
        .register()
        .await
        .id;
    let mut b = signed_in(&app).await;
    let claims = r#"{"id_token":{"email":{"essential":true},"groups":null},"userinfo":{"name":null,"shoe_size":null}}"#;
    let row = authorized(
        &app,
        &mut b,
        &id,
        &[("scope", "openid"), ("claims", claims)],
    )
    .await;
    assert_eq!(row.scope, "openid email profile");
    assert_eq!(row.claims.as_deref(), Some(claims));
    // Not a JSON object: invalid_request, redirected with state and iss.
    let p = redirected(&app, &b.get(&url(&id, &[("claims", "[1,2]")])).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"));
}

async fn bad_client_or_redirect_uri_shows_an_error_page(backend: Backend) {
    // SR-01, SR-03: never redirect to an unverified redirect_uri.
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").register().await.id;
    let mut b = signed_in(&app).await;
    let cases = [
        url("nope", &[]),
        url(&id, &[("redirect_uri", "")]),
        url(&id, &[("redirect_uri", "https://RP.example/cb")]),
        url(&id, &[("redirect_uri", "https://rp.example/CB")]),
        url(&id, &[("redirect_uri", "https://rp.example/cb/extra")]),
        url(&id, &[("redirect_uri", "https://rp.example/cb?x=1")]),
        url(&id, &[("redirect_uri", "https://rp.example/cb#frag")]),
        url(&id, &[("redirect_uri", "https://rp.example/c")]),
        url(&id, &[("redirect_uri", "https://evil.example/cb")]),
        format!("{}&client_id={id}", url(&id, &[])),
    ];
    for path in cases {
        let page = b.get(&path).await;
        assert_eq!(
            page.status,
            StatusCode::BAD_REQUEST,
            "{path}: {}",
            page.body
        );
        assert!(page.headers.get("location").is_none(), "{path}");
        assert!(page.body.contains("not redirected"), "{path}");
    }
}

async fn invalid_requests_are_redirected_with_state_and_iss(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").register().await.id;
    let narrow = app.client("narrow").scopes(&["openid"]).register().await.id;
    let mut b = app.browser();
    let cases: Vec<(String, &str)> = vec![
        (
            url(&id, &[("response_type", "token")]),
            "unsupported_response_type",
        ),
        (url(&id, &[("response_type", "")]), "invalid_request"),
        // SR-15/SR-16; RFC 9101 (a malformed request object, the
        // query's registered redirect_uri gets the error)
        (
            url(&id, &[("request", "eyJ.e30.")]),
            "invalid_request_object",
        ),
        (
            url(&id, &[("request_uri", "https://evil.example/req")]),
            "request_uri_not_supported",
        ),
        // SR-37
        (url(&narrow, &[]), "invalid_scope"),
        (url(&id, &[("scope", "email")]), "invalid_scope"),
        (url(&id, &[("prompt", "none login")]), "invalid_request"),
        (url(&id, &[("max_age", "-1")]), "invalid_request"),
        (
            url(&id, &[("response_mode", "fragment")]),
            "invalid_request",
        ),
        (url(&id, &[("id_token_hint", "x.y.z")]), "invalid_request"),
        (url(&id, &[("claims", "[1]")]), "invalid_request"),
        // SR-104
        (url(&id, &[("nonce", &"n".repeat(3000))]), "invalid_request"),
        (
            url(&id, &[("login_hint", &"a".repeat(3000))]),
            "invalid_request",
        ),
    ];
    for (path, error) in cases {
        let p = redirected(&app, &b.get(&path).await);
        assert_eq!(get(&p, "error"), Some(error), "{path}");
        assert_eq!(get(&p, "state"), Some("st-123"), "{path}");
        assert!(get(&p, "error_description").is_some());
    }
    // A state over the cap is refused and not echoed.
    let long = "s".repeat(3000);
    let p = redirected(&app, &b.get(&url(&id, &[("state", &long)])).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"));
    assert_eq!(get(&p, "state"), None);
    assert!(app.audited("authorization.failed").await);
}

async fn pkce_is_required_for_public_clients_and_plain_refused(backend: Backend) {
    // SR-10, SR-13
    let app = TestApp::spawn(backend).await;
    let public = app
        .client("spa")
        .public()
        .skip_consent()
        .register()
        .await
        .id;
    let confidential = app.client("web").skip_consent().register().await.id;
    let mut b = signed_in(&app).await;
    let no_pkce = [("code_challenge", ""), ("code_challenge_method", "")];
    for (path, error) in [
        (url(&public, &no_pkce), "invalid_request"),
        (
            url(&public, &[("code_challenge_method", "plain")]),
            "invalid_request",
        ),
        (
            url(&public, &[("code_challenge_method", "")]),
            "invalid_request",
        ),
        (
            url(&confidential, &[("code_challenge_method", "plain")]),
            "invalid_request",
        ),
        (
            url(&public, &[("code_challenge", "short")]),
            "invalid_request",
        ),
    ] {
        let p = redirected(&app, &b.get(&path).await);
        assert_eq!(get(&p, "error"), Some(error), "{path}");
    }
    // With S256 the public client gets a code bound to the challenge.
    let row = authorized(&app, &mut b, &public, &[]).await;
    assert_eq!(row.code_challenge, Some(pkce().1));
    // PKCE stays optional for confidential clients …
    let row = authorized(&app, &mut b, &confidential, &no_pkce).await;
    assert_eq!(row.code_challenge, None);
    // … unless they require it (SR-13: recommended for all clients).
    let strict = app
        .client("strict-web")
        .require_pkce()
        .skip_consent()
        .register()
        .await
        .id;
    let p = redirected(&app, &b.get(&url(&strict, &no_pkce)).await);
    assert_eq!(get(&p, "error"), Some("invalid_request"));
    let row = authorized(&app, &mut b, &strict, &[]).await;
    assert_eq!(row.code_challenge, Some(pkce().1));
}

async fn prompt_none_without_session_is_login_required(backend: Backend) {
    // SR-20, SR-21: no page, an error with state and iss.
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").register().await.id;
    let mut b = app.browser();
    let p = redirected(&app, &b.get(&url(&id, &[("prompt", "none")])).await);
    assert_eq!(get(&p, "error"), Some("login_required"));
    assert_eq!(get(&p, "state"), Some("st-123"));
    // Signed in but without consent: consent_required, no page.
    let mut b = signed_in(&app).await;
    let p = redirected(&app, &b.get(&url(&id, &[("prompt", "none")])).await);
    assert_eq!(get(&p, "error"), Some("consent_required"));
}

async fn anonymous_user_signs_in_and_gets_a_code(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("first-party").skip_consent().register().await.id;
    app.create_user(EMAIL, PASSWORD).await;
    let mut b = app.browser();
    let start = url(&id, &[("login_hint", EMAIL)]);
    let res = b.get(&start).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let login = res.location().to_owned();
    assert_eq!(param(&login, "login_hint").as_deref(), Some(EMAIL));
    // The login form is prefilled from login_hint.
    let form = b.get(&login).await;
    assert!(
        form.body.contains(&format!("value=\"{EMAIL}\"")),
        "{}",
        form.body
    );
    let done = login_via(&mut b, &login).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(
        done.location().starts_with("/authorize?"),
        "{}",
        done.location()
    );
    // Back at /authorize: a consent-skip client gets its code right away.
    let p = redirected(&app, &b.get(done.location()).await);
    assert_eq!(get(&p, "state"), Some("st-123"));
    let code = get(&p, "code").unwrap();
    assert!(code.len() >= 43);
    let row = code_row(&app, code).await;
    assert_eq!(row.client_id, id);
    assert_eq!(row.redirect_uri, REDIRECT);
    assert_eq!(row.nonce.as_deref(), Some("n-456"));
    assert_eq!(row.scope, "openid email");
    assert_eq!(row.amr.to_json(), "[\"pwd\"]");
    assert!(row.expires_at > row.created_at);
    // The code is stored hashed only.
    assert_ne!(row.code_hash, code);
    // POST /authorize works the same.
    let p = redirected(
        &app,
        &b.post_form("/authorize", &pairs(&params(&start))).await,
    );
    assert!(get(&p, "code").is_some());
}

/// Answer the consent page shown for the authorization request `request`.
async fn decide(b: &mut Browser, page: &Page, decision: &str, request: &str) -> Page {
    b.post_from(
        page,
        "/authorize/consent",
        &pairs(&decision_fields(decision, request)),
    )
    .await
}

/// The consent form's fields but the CSRF token.
fn decision_fields(decision: &str, request: &str) -> Vec<(String, String)> {
    let mut fields = vec![("decision".to_owned(), decision.to_owned())];
    fields.extend(params(request));
    fields
}

async fn consent_is_asked_remembered_and_asked_again_on_prompt_consent(backend: Backend) {
    // SR-22
    let app = TestApp::spawn(backend).await;
    let id = app.client("third-party").register().await.id;
    let mut b = signed_in(&app).await;
    let page = b.get(&url(&id, &[])).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("App third-party"));
    assert!(page.body.contains("See your email address"));
    assert!(page.body.contains(EMAIL));
    let plain = url(&id, &[]);
    // A forged decision without the CSRF token is refused.
    let forged = decision_fields("allow", &plain);
    assert_eq!(
        b.post_form("/authorize/consent", &pairs(&forged))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Deny → access_denied.
    let p = redirected(&app, &decide(&mut b, &page, "deny", &plain).await);
    assert_eq!(get(&p, "error"), Some("access_denied"));
    assert_eq!(get(&p, "state"), Some("st-123"));
    // Asked again; allow → code.
    let page = b.get(&plain).await;
    assert_eq!(page.status, StatusCode::OK);
    let p = redirected(&app, &decide(&mut b, &page, "allow", &plain).await);
    assert!(get(&p, "code").is_some(), "{p:?}");
    // Remembered: no page, also for prompt=none.
    let p = redirected(&app, &b.get(&url(&id, &[])).await);
    assert!(get(&p, "code").is_some());
    let p = redirected(&app, &b.get(&url(&id, &[("prompt", "none")])).await);
    assert!(get(&p, "code").is_some());
    // A wider request asks again.
    let page = b.get(&url(&id, &[("scope", "openid email profile")])).await;
    assert_eq!(page.status, StatusCode::OK);
    // prompt=consent asks again, and allowing it does not loop.
    let again = url(&id, &[("prompt", "consent")]);
    let page = b.get(&again).await;
    assert_eq!(page.status, StatusCode::OK);
    let p = redirected(&app, &decide(&mut b, &page, "allow", &again).await);
    assert!(get(&p, "code").is_some(), "{p:?}");
    app.assert_audited(&["consent.denied", "consent.granted"])
        .await;
}

async fn max_age_and_prompt_login_force_a_fresh_sign_in(backend: Backend) {
    // SR-60, SR-63: a new session cookie with a later auth_time.
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    let mut b = signed_in(&app).await;
    let first = authorized(&app, &mut b, &id, &[]).await;

    for extra in [("max_age", "60"), ("prompt", "login"), ("max_age", "0")] {
        app.clock.advance(Duration::seconds(120));
        let before = b.session_cookie().cloned();
        // prompt=none cannot re-authenticate.
        if extra.0 == "max_age" {
            let p = redirected(&app, &b.get(&url(&id, &[extra, ("prompt", "none")])).await);
            assert_eq!(get(&p, "error"), Some("login_required"), "{extra:?}");
        }
        let res = b.get(&url(&id, &[extra])).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{extra:?}");
        let login = res.location().to_owned();
        assert_eq!(param(&login, "force").as_deref(), Some("1"), "{login}");
        let done = login_via(&mut b, &login).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert_ne!(b.session_cookie(), before.as_ref(), "new session id");
        let p = redirected(&app, &b.get(done.location()).await);
        let row = code_row(&app, get(&p, "code").unwrap()).await;
        assert!(row.auth_time > first.auth_time, "{extra:?}");
        // The cookie changed; the sid relying parties know stays (grants
        // made in the session keep being reachable by logout).
        assert_eq!(row.session_id, first.session_id);
    }
    // A fresh enough session passes max_age without a login.
    let p = redirected(&app, &b.get(&url(&id, &[("max_age", "60")])).await);
    assert!(get(&p, "code").is_some());
    // Regression: a max_age no duration holds panicked the worker (the
    // connection dropped); it is simply never exceeded.
    let huge = i64::MAX.to_string();
    let p = redirected(&app, &b.get(&url(&id, &[("max_age", huge.as_str())])).await);
    assert!(get(&p, "code").is_some());
}

async fn form_post_renders_an_escaped_form_to_the_redirect_uri(backend: Backend) {
    // SR-18
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    let mut b = signed_in(&app).await;
    let evil = "\"><script>alert(1)</script>";
    let page = b
        .get(&url(
            &id,
            &[("response_mode", "form_post"), ("state", evil)],
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.headers.get("location").is_none());
    assert!(
        page.body.contains("action=\"https://rp.example/cb\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>"));
    assert!(page.body.contains("&#60;script&#62;"), "{}", page.body);
    assert!(hidden_input(&page.body, "code").is_some());
    assert!(page.body.contains("name=\"iss\""));
    assert!(page.body.contains("type=\"submit\""));
    let csp = page.header("content-security-policy");
    assert!(csp.contains("form-action https://rp.example"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    // Errors use form_post too.
    let page = b
        .get(&url(
            &id,
            &[("response_mode", "form_post"), ("response_type", "token")],
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        hidden_input(&page.body, "error").as_deref(),
        Some("unsupported_response_type")
    );
    // An unverified redirect_uri never gets a form.
    let page = b
        .get(&url(
            &id,
            &[
                ("response_mode", "form_post"),
                ("redirect_uri", "https://evil.example/"),
            ],
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(!page.body.contains("evil.example"));
}

async fn account_page_revokes_a_consent_and_its_grants(backend: Backend) {
    // SR-22: consents can be reviewed and revoked.
    let app = TestApp::spawn(backend).await;
    let id = app.client("third-party").register().await.id;
    let mut b = signed_in(&app).await;
    let page = b.get(&url(&id, &[])).await;
    let p = redirected(&app, &decide(&mut b, &page, "allow", &url(&id, &[])).await);
    let row = code_row(&app, get(&p, "code").unwrap()).await;
    let grant_id = insert_grant(&app, &row).await;

    let account = b.get("/account").await;
    assert!(account.body.contains("Connected applications"));
    assert!(account.body.contains("App third-party"), "{}", account.body);
    let revoke = format!("/account/consents/{id}/revoke");
    assert_eq!(
        b.post_form(&revoke, &[("csrf_token", "wrong")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let res = b
        .post_form(&revoke, &[("csrf_token", &account.csrf())])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let account = b.get("/account").await;
    assert!(!account.body.contains("App third-party"));
    assert!(grant_revoked(&app, &grant_id).await);
    // Consent is asked again.
    assert_eq!(b.get(&url(&id, &[])).await.status, StatusCode::OK);
    assert!(app.audited("consent.revoked").await);
}

async fn id_token_hint_of_another_user_forces_sign_in(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let id = app.client("web").skip_consent().register().await.id;
    let other = app.create_user("other@example.com", PASSWORD).await;
    let mut b = signed_in(&app).await;
    let me = authorized(&app, &mut b, &id, &[]).await.user_id;
    // The signed-in user's own hint: silent success.
    let mine = id_token(&app, &id, &me, None).await;
    let p = redirected(
        &app,
        &b.get(&url(&id, &[("id_token_hint", &mine), ("prompt", "none")]))
            .await,
    );
    assert!(get(&p, "code").is_some(), "{p:?}");
    // Someone else's: login_required with prompt=none, else the login form.
    let theirs = id_token(&app, &id, &other, None).await;
    let p = redirected(
        &app,
        &b.get(&url(&id, &[("id_token_hint", &theirs), ("prompt", "none")]))
            .await,
    );
    assert_eq!(get(&p, "error"), Some("login_required"));
    let res = b.get(&url(&id, &[("id_token_hint", &theirs)])).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login?"), "{}", res.location());
    // An unsigned (alg none) copy of a valid hint is refused.
    let p = redirected(
        &app,
        &b.get(&url(&id, &[("id_token_hint", &alg_none(&mine))]))
            .await,
    );
    assert_eq!(get(&p, "error"), Some("invalid_request"));
}
