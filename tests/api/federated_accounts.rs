//! Federated identities on the account page and on the login page (S7,
//! SR-111…SR-113), against the real oidc-provider upstream: a person who
//! may not be linked automatically signs in to their account and links the
//! provider explicitly (only to the account still signed in, never an
//! identity another account holds); unlinking never removes the last way
//! to sign in; upstream tokens are kept, sealed, only when the provider
//! says so; Microsoft Entra's multi-tenant authorities check the issuer
//! against the token's tenant; identifier-first login sends addresses of a
//! claimed domain to their provider.

use reqwest::StatusCode;

use ostiary::federation::Kind;
use ostiary::federation::registry::{self, ProviderView, Reach};
use ostiary::federation::spec::ProviderSpec;

use crate::federated_login::{node_peer, registered_upstream, start, upstream, upstream_login};
use crate::helpers::{Backend, Browser, PASSWORD, TestApp, unescape};

crate::on_all_backends!(
    linking_and_unlinking_from_the_account_page,
    upstream_tokens_are_kept_sealed_only_when_configured,
    entra_multi_tenant_checks_the_issuer_against_the_tenant,
    identifier_first_sends_claimed_domains_to_their_provider,
    starts_in_flight_per_address_are_bounded,
    another_ostiary_as_the_upstream,
);

fn actor() -> ostiary::audit::Actor {
    ostiary::audit::Actor::system("test")
}

async fn set(
    app: &TestApp,
    provider: &str,
    change: impl FnOnce(&mut ProviderSpec) + Clone + Send + 'static,
) {
    registry::update(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        provider,
        change,
        None,
    )
    .await
    .unwrap()
    .unwrap();
}

async fn identity_of(
    app: &TestApp,
    provider: &str,
    subject: &str,
) -> Option<ostiary::store::identities::IdentityRow> {
    let (p, s) = (provider.to_owned(), subject.to_owned());
    app.db_run(move |conn| ostiary::store::identities::find(conn, &p, &s))
        .await
}

/// Where a "continuing to sign-in" page leads (its refresh and its link
/// agree).
fn continued(page: &crate::helpers::Page) -> String {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let refresh = page
        .body
        .split("http-equiv=\"refresh\" content=\"0;url=")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no refresh: {}", page.body));
    let url = unescape(refresh);
    assert!(
        page.body.contains(&format!("href=\"{refresh}\"")),
        "{}",
        page.body
    );
    url
}

/// From the account page, link `provider` as upstream user `login`; the
/// answer of our callback.
async fn link_from_account(
    b: &mut Browser,
    provider: &ProviderView,
    login: &str,
) -> crate::helpers::Page {
    let account = b.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    let action = format!("/account/providers/{}/link", provider.id);
    assert!(account.body.contains(&action), "{}", account.body);
    let sent = b.post_from(&account, &action, &[]).await;
    // A page that leads on, not a redirect: the form's CSP allows only our
    // own origin, and a redirect would carry the form submission along.
    let callback = upstream_login(&continued(&sent), login).await;
    b.get(&callback).await
}

async fn linking_and_unlinking_from_the_account_page(backend: Backend) {
    // SR-112: without the email rules, the person proves the account by
    // signing in to it; SR-111: the identity is (provider, subject).
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let (provider, _op) = registered_upstream(&app, "Corp SSO").await;
    // Not trusted for email: an existing account is never linked by email.
    set(&app, &provider.id, |s| s.trust_email = false).await;
    let dora = app.create_user("dora@example.com", PASSWORD).await;

    // SR-112: the upstream asserts dora's address; that alone links nothing.
    let mut stranger = app.browser();
    let authorize = start(&mut stranger, &provider.id).await;
    let callback = upstream_login(&authorize, "dora").await;
    let page = stranger.get(&callback).await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(
        page.body
            .contains("link this provider on your account page"),
        "{}",
        page.body
    );
    assert!(identity_of(&app, &provider.id, "dora").await.is_none());

    // Dora signs in with her password and links the provider herself.
    let (mut b, _) = app.login("dora@example.com", PASSWORD).await;
    let done = link_from_account(&mut b, &provider, "dora").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account?notice=provider-linked");
    let linked = identity_of(&app, &provider.id, "dora").await.unwrap();
    assert_eq!(linked.user_id.as_str(), dora);
    let rows = app.audit_rows("identity.linked").await;
    assert!(
        rows[0].details.contains("signed_in_user"),
        "{}",
        rows[0].details
    );
    let account = b.get(done.location()).await;
    assert!(
        account.body.contains("provider is linked"),
        "{}",
        account.body
    );
    assert!(account.body.contains("/unlink"), "{}", account.body);
    // Now the provider signs her in, in any browser.
    let mut elsewhere = app.browser();
    let authorize = start(&mut elsewhere, &provider.id).await;
    let callback = upstream_login(&authorize, "dora").await;
    assert_eq!(elsewhere.get(&callback).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.session_of(&elsewhere).await.user_id.as_str(), dora);

    // Erin cannot take dora's upstream identity into her account.
    let erin = app.create_user("erin@example.com", PASSWORD).await;
    let (mut e, _) = app.login("erin@example.com", PASSWORD).await;
    let taken = link_from_account(&mut e, &provider, "dora").await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    assert_eq!(
        identity_of(&app, &provider.id, "dora")
            .await
            .unwrap()
            .user_id
            .as_str(),
        dora
    );

    // A link started by one account finishes for that account only: signed
    // out (or someone else signed in) meanwhile, nothing is linked.
    let account = e.get("/account").await;
    let action = format!("/account/providers/{}/link", provider.id);
    let sent = e.post_from(&account, &action, &[]).await;
    let callback = upstream_login(&continued(&sent), "erin-upstream").await;
    e.logout().await;
    let stale = e.get(&callback).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert!(
        identity_of(&app, &provider.id, "erin-upstream")
            .await
            .is_none()
    );
    assert!(
        app.db_run(move |conn| ostiary::store::identities::of_user(conn, &erin.as_str().into()))
            .await
            .is_empty()
    );

    // Linking needs a CSRF token like every form.
    let forged = b.post_form(&action, &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // Someone else's identity cannot be unlinked from here.
    let unlink = format!("/account/providers/{}/unlink", provider.id);
    let (mut e, _) = app.login("erin@example.com", PASSWORD).await;
    let account = e.get("/account").await;
    let foreign = e.post_from(&account, &unlink, &[("subject", "dora")]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(identity_of(&app, &provider.id, "dora").await.is_some());

    // Dora has a password, so she may unlink the provider.
    let account = b.get("/account").await;
    let gone = b.post_from(&account, &unlink, &[("subject", "dora")]).await;
    assert_eq!(gone.location(), "/account?notice=provider-unlinked");
    assert!(identity_of(&app, &provider.id, "dora").await.is_none());
    let rows = app.audit_rows("identity.unlinked").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].actor_id.as_deref(), Some(dora.as_str()));

    // Frank came in through the provider (no password, no passkey): it is
    // his only way in, so it stays.
    set(&app, &provider.id, |s| s.trust_email = true).await;
    let mut f = app.browser();
    let authorize = start(&mut f, &provider.id).await;
    let callback = upstream_login(&authorize, "frank").await;
    assert_eq!(f.get(&callback).await.status, StatusCode::SEE_OTHER);
    let account = f.get("/account").await;
    let kept = f
        .post_from(&account, &unlink, &[("subject", "frank")])
        .await;
    assert_eq!(kept.location(), "/account?notice=provider-last-method");
    assert!(identity_of(&app, &provider.id, "frank").await.is_some());
    let account = f.get(kept.location()).await;
    assert!(
        account.body.contains("only way to sign in"),
        "{}",
        account.body
    );
}

async fn upstream_tokens_are_kept_sealed_only_when_configured(backend: Backend) {
    // SR-115: upstream tokens encrypted at rest, bound to the identity.
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let (provider, _op) = registered_upstream(&app, "Corp SSO").await;
    let sign_in = |login: &'static str| {
        let (app, id) = (&app, provider.id.clone());
        async move {
            let mut b = app.browser();
            let authorize = start(&mut b, &id).await;
            let callback = upstream_login(&authorize, login).await;
            assert_eq!(b.get(&callback).await.status, StatusCode::SEE_OTHER);
        }
    };
    // Not configured: nothing kept.
    sign_in("gus").await;
    assert!(
        identity_of(&app, &provider.id, "gus")
            .await
            .unwrap()
            .tokens
            .is_none()
    );

    // Configured: sealed for this identity, readable only with its context.
    set(&app, &provider.id, |s| s.keep_tokens = true).await;
    sign_in("gus").await;
    let sealed = identity_of(&app, &provider.id, "gus")
        .await
        .unwrap()
        .tokens
        .unwrap();
    assert!(!sealed.contains("access_token"), "stored sealed: {sealed}");
    let context = ostiary::federation::provisioning::tokens_context(&provider.id, "gus");
    let plain = app.state.envelope.decrypt(&sealed, &context).unwrap();
    let tokens: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert!(!access.is_empty() && !sealed.contains(access));
    assert!(tokens["id_token"].as_str().unwrap().split('.').count() == 3);
    let other = ostiary::federation::provisioning::tokens_context(&provider.id, "someone");
    assert!(app.state.envelope.decrypt(&sealed, &other).is_err());

    // Switched off again: the next sign-in forgets them.
    set(&app, &provider.id, |s| s.keep_tokens = false).await;
    sign_in("gus").await;
    assert!(
        identity_of(&app, &provider.id, "gus")
            .await
            .unwrap()
            .tokens
            .is_none()
    );
}

/// The tenant of the Entra-like upstream.
const TENANT: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

async fn entra_multi_tenant_checks_the_issuer_against_the_tenant(backend: Backend) {
    // SR-110: the issuer matched exactly (for a multi-tenant authority,
    // the template filled with the token's own tenant); SR-111: tid+oid.
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let mut created = Vec::new();
    for (name, tenant) in [
        ("Entra common", "common"),
        ("Entra organizations", "organizations"),
        ("Entra tenant", TENANT),
    ] {
        let spec = ProviderSpec {
            name: name.into(),
            tenant: Some(tenant.into()),
            authority_url: Some("http://127.0.0.1:9".into()),
            client_id: Some("rp".into()),
            jit: true,
            enabled: true,
            trust_email: true,
            ..Default::default()
        };
        let view = registry::create(
            &app.state,
            &actor(),
            &Reach::global(),
            Kind::Entra,
            spec,
            Some("rp-secret".into()),
        )
        .await
        .unwrap()
        .unwrap();
        created.push(view);
    }
    let callbacks: Vec<&str> = created.iter().map(|p| p.callback_url.as_str()).collect();
    let op = upstream(&callbacks.join(","), &[("TENANT", TENANT)]).await;
    let authority = format!("http://127.0.0.1:{}", op.port);
    assert_eq!(op.issuer, format!("{authority}/{TENANT}/v2.0"));
    for p in &created {
        let a = authority.clone();
        set(&app, &p.id, move |s| s.authority_url = Some(a)).await;
    }

    // `common`: discovery names the template; "test connection" accepts it.
    let common = registry::show(&app.state, &Reach::global(), &created[0].id, false)
        .await
        .unwrap();
    let tested = ostiary::federation::probe::run(&app.state, &common)
        .await
        .unwrap();
    assert!(tested.ok, "{tested:?}");
    assert_eq!(
        tested.issuer.as_deref(),
        Some(format!("{authority}/{{tenantid}}/v2.0").as_str())
    );

    // Each configuration signs the person in, keyed by tenant and object id
    // (never the email), the same user every time.
    let mut user = None;
    for provider in &created {
        let mut b = app.browser();
        let authorize = start(&mut b, &provider.id).await;
        assert!(authorize.starts_with(&op.issuer), "{authorize}");
        let callback = upstream_login(&authorize, "mia").await;
        let done = b.get(&callback).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{}: {}",
            provider.name,
            done.body
        );
        let session = app.session_of(&b).await;
        assert_eq!(
            *user.get_or_insert(session.user_id.clone()),
            session.user_id
        );
        let id = provider.id.clone();
        let rows = app
            .db_run(move |conn| ostiary::store::identities::of_user(conn, &session.user_id))
            .await;
        let subject = &rows
            .iter()
            .find(|(r, _)| r.provider_id == id)
            .unwrap()
            .0
            .subject;
        let (tid, oid) = subject.split_once(':').unwrap();
        assert_eq!(tid, TENANT);
        assert_eq!(oid.len(), 32, "{subject}");
    }

    // A single-tenant configuration for another tenant is not this
    // upstream: its discovery address does not exist there.
    let other = "00000000-0000-0000-0000-00000000beef";
    set(&app, &created[2].id, move |s| s.tenant = Some(other.into())).await;
    app.clock.advance(chrono::Duration::minutes(16));
    let mut b = app.browser();
    let res = b
        .get(&format!(
            "/login/providers/{}?return_to=%2Faccount",
            created[2].id
        ))
        .await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY, "{}", res.body);
}

async fn identifier_first_sends_claimed_domains_to_their_provider(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let spec = ProviderSpec {
        name: "Corp SSO".into(),
        issuer: Some("http://127.0.0.1:9".into()),
        client_id: Some("rp".into()),
        domains: vec!["corp.test".into()],
        jit: true,
        enabled: true,
        ..Default::default()
    };
    let provider = registry::create(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        Kind::Oidc,
        spec,
        Some("s".into()),
    )
    .await
    .unwrap()
    .unwrap();
    app.create_user("gina@corp.test", PASSWORD).await;
    app.create_user("hal@elsewhere.test", PASSWORD).await;
    let to_provider = format!("/login/providers/{}?return_to=", provider.id);

    // A claimed domain goes to its provider, with or without a password
    // (which is never checked: no failure is counted).
    for password in ["", PASSWORD, "wrong"] {
        let mut b = app.browser();
        let res = b
            .submit(
                "/login?return_to=%2Faccount",
                "/login",
                &[
                    ("email", "Gina@Corp.Test"),
                    ("password", password),
                    ("return_to", "/account"),
                ],
            )
            .await;
        let next = continued(&res);
        assert!(next.starts_with(&to_provider), "{next}");
        assert!(next.ends_with("%2Faccount"), "{next}");
        assert!(b.session_cookie().is_none());
    }
    assert!(!app.audited("login.failure").await);
    // An email code is a local method too: no code is sent, on to the
    // provider.
    let mut b = app.browser();
    let res = b
        .submit(
            "/login/email",
            "/login/email",
            &[("email", "gina@corp.test")],
        )
        .await;
    assert!(continued(&res).starts_with(&to_provider));
    assert!(!app.audited("email_code.issued").await);

    // Another address without a password: asked for it, nothing counted.
    let mut b = app.browser();
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", "hal@elsewhere.test"), ("password", "")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.body.contains("Enter your password"), "{}", res.body);
    assert!(!app.audited("login.failure").await);
    assert_eq!(
        b.login("hal@elsewhere.test", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );

    // With --allow-local-passwords, the local account signs in with its
    // password; an empty one still goes to the provider.
    set(&app, &provider.id, |s| s.allow_local_passwords = true).await;
    let (b, res) = app.login("gina@corp.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(b.session_cookie().is_some());
    let mut b = app.browser();
    let res = b
        .submit(
            "/login",
            "/login",
            &[("email", "gina@corp.test"), ("password", "")],
        )
        .await;
    assert!(continued(&res).starts_with(&to_provider));

    // A disabled provider routes nobody: local passwords work again.
    set(&app, &provider.id, |s| {
        s.allow_local_passwords = false;
        s.enabled = false;
    })
    .await;
    let (b, res) = app.login("gina@corp.test", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(b.session_cookie().is_some());
}

async fn starts_in_flight_per_address_are_bounded(backend: Backend) {
    // SR-114 (bounded upstream calls per client) and the lesson that
    // throttles must hold under parallel requests.
    // Each start stores a pending sign-in: one address may have at most
    // IN_FLIGHT_PER_IP in flight, also when they arrive all at once
    // (counted and stored in one serialized transaction). GitHub needs no
    // discovery, so no upstream has to run.
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let spec = ProviderSpec {
        name: "GitHub".into(),
        client_id: Some("gh".into()),
        api_url: Some("http://127.0.0.1:9/api".into()),
        web_url: Some("http://127.0.0.1:9".into()),
        jit: true,
        enabled: true,
        ..Default::default()
    };
    let provider = registry::create(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        Kind::Github,
        spec,
        Some("s".into()),
    )
    .await
    .unwrap()
    .unwrap();
    let limit = ostiary::federation::pending::IN_FLIGHT_PER_IP as usize;
    let path = format!("/login/providers/{}", provider.id);
    let handles: Vec<_> = (0..limit + 10)
        .map(|_| {
            let (mut b, path) = (app.browser(), path.clone());
            tokio::spawn(async move { b.get(&path).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    let sent = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((sent, refused), (limit, 10), "{statuses:?}");
    let page = app.browser().get(&path).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("Too many sign-ins"), "{}", page.body);
    // Nothing audited for the refusals; after the pending ones expire the
    // address may start again.
    assert!(!app.audited("login.federated_refused").await);
    app.clock.advance(chrono::Duration::minutes(11));
    assert_eq!(app.browser().get(&path).await.status, StatusCode::SEE_OTHER);
}

async fn another_ostiary_as_the_upstream(backend: Backend) {
    // An independent OpenID Provider implementation as the upstream:
    // another Ostiary instance (its own database, keys and users).
    // (It serves its real address as its issuer.)
    let upstream = TestApp::spawn_for_browser(backend.clone()).await;
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let spec = ProviderSpec {
        name: "Partner Ostiary".into(),
        issuer: Some("http://127.0.0.1:9".into()),
        client_id: Some("placeholder".into()),
        jit: true,
        enabled: true,
        trust_email: true,
        ..Default::default()
    };
    let provider = registry::create(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        Kind::Oidc,
        spec,
        Some("s".into()),
    )
    .await
    .unwrap()
    .unwrap();
    let client = upstream
        .client_named("Downstream Ostiary")
        .redirect_uris(&[&provider.callback_url])
        .register()
        .await;
    let (issuer, client_id) = (upstream.base.clone(), client.id.clone());
    registry::update(
        &app.state,
        &actor(),
        &ostiary::federation::registry::Reach::global(),
        &provider.id,
        move |s| {
            s.issuer = Some(issuer);
            s.client_id = Some(client_id);
        },
        client.secret.clone(),
    )
    .await
    .unwrap()
    .unwrap();
    let ann = upstream.create_user("ann@partner.example", PASSWORD).await;

    // Downstream sends the browser to the upstream Ostiary, where Ann signs
    // in with her password and allows the application; back downstream she
    // is signed in, created just in time, keyed by the upstream's `sub`.
    let mut down = app.browser();
    let authorize = start(&mut down, &provider.id).await;
    let authorize = authorize
        .strip_prefix(&upstream.base)
        .unwrap_or_else(|| panic!("{authorize}"))
        .to_owned();
    let (mut up, signed_in) = upstream.login("ann@partner.example", PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let mut res = up.get(&authorize).await;
    if res.status == StatusCode::OK {
        // Consent at the upstream: the form carries the request again.
        let query = authorize.split_once('?').unwrap().1;
        let request: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let mut fields = vec![("decision", "allow")];
        fields.extend(request.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        res = up.post_from(&res, "/authorize/consent", &fields).await;
    }
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let back = reqwest::Url::parse(res.location()).unwrap();
    assert_eq!(provider.callback_url, &back[..url::Position::AfterPath]);
    let callback = format!("{}?{}", back.path(), back.query().unwrap_or_default());
    assert!(callback.contains("iss="), "RFC 9207 iss: {callback}");
    let done = down.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    let session = app.session_of(&down).await;
    assert_eq!(session.amr.to_vec(), ["fed"]);
    let linked = identity_of(&app, &provider.id, &ann).await.unwrap();
    assert_eq!(linked.user_id, session.user_id);
    assert_eq!(linked.email.as_deref(), Some("ann@partner.example"));
}
