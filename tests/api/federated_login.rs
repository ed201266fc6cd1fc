//! Signing in through an upstream OpenID Provider (S7, SR-110) against a
//! real one: panva's oidc-provider (peers guide §2) on another port, its
//! login driven over HTTP like a browser would. The start link redirects
//! there with PKCE, state and nonce; the callback signs the person in
//! (created just in time) with `amr: ["fed"]`; a replayed, foreign-browser
//! or refused callback ends on our own page and signs nobody in.

use std::process::Stdio;

use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, BufReader};

use ostiary::federation::Kind;

use crate::helpers::{Backend, Browser, TestApp, hidden_input, interop_dir, peer_available};

crate::on_all_backends!(
    upstream_oidc_sign_in_end_to_end,
    github_sign_in_reads_the_private_email
);

/// The upstream provider, stopped when dropped.
pub struct Upstream {
    pub issuer: String,
    pub port: u16,
    redirect_uri: String,
    env: Vec<(&'static str, String)>,
    _child: tokio::process::Child,
    // Kept open: the server writes notices, and dies on a closed pipe.
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

pub fn node_peer() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    peer_available(
        "node + oidc-provider",
        node && interop_dir().join("node_modules/oidc-provider").exists(),
        "install node, then (cd tests/interop && npm ci)",
    )
}

/// An oidc-provider upstream for `redirect_uri` (comma-separated list),
/// configured by `env` (`HD`, `TENANT`: see the script).
pub async fn upstream(redirect_uri: &str, env: &[(&'static str, &str)]) -> Upstream {
    let env = env.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    upstream_on(free_port(), redirect_uri, env).await
}

/// A node peer script from tests/interop listening on `port`; returns it
/// with its stdout (kept open: the servers write notices, and die on a
/// closed pipe) and the JSON line it printed once listening.
async fn spawn_node(script: &str, port: u16, env: &[(&str, &str)]) -> Started {
    // A start that stalls (seen once in CI: node alive, nothing printed
    // within 180 s, only its runtime warning on stderr) is killed and tried
    // once more; a second stall fails the test with what node said.
    for attempt in 1..=2 {
        match try_spawn_node(script, port, env).await {
            Ok(started) => return started,
            Err(why) if attempt == 1 => eprintln!("{why}; starting it again"),
            Err(why) => panic!("{why}"),
        }
    }
    unreachable!("the second attempt returns or panics")
}

type Started = (
    tokio::process::Child,
    tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
    serde_json::Value,
);

/// One start of [`spawn_node`]: the child once it printed its line, or why
/// it did not.
async fn try_spawn_node(script: &str, port: u16, env: &[(&str, &str)]) -> Result<Started, String> {
    // Node's stderr goes to a file so that a failed start says why (it
    // used to be discarded, which left "did not start" unexplained).
    let log = tempfile::NamedTempFile::new().unwrap();
    let mut child = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg(script)
        .arg(port.to_string())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log.reopen().unwrap()))
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // A readiness wait, not a timing assertion: on a loaded CI machine
    // (Chromium and the whole suite running) node needs a while to start
    // and generate the provider's keys.
    let first = tokio::time::timeout(std::time::Duration::from_secs(120), lines.next_line()).await;
    match first {
        Ok(Ok(Some(line))) => Ok((child, lines, serde_json::from_str(&line).unwrap())),
        other => {
            let _ = child.kill().await;
            let status = child.try_wait().ok().flatten();
            let stderr = std::fs::read_to_string(log.path()).unwrap_or_default();
            Err(format!(
                "{script} on port {port} did not start ({}; exit status {status:?}); its stderr:\n{stderr}",
                match other {
                    Err(_) => "nothing printed within 120 s".to_owned(),
                    Ok(Ok(_)) => "stdout closed".to_owned(),
                    Ok(Err(e)) => format!("stdout: {e}"),
                }
            ))
        }
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn upstream_on(
    port: u16,
    redirect_uri: &str,
    env: Vec<(&'static str, String)>,
) -> Upstream {
    let mut vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    vars.push(("REDIRECT_URI", redirect_uri));
    let (child, lines, started) = spawn_node("oidc_provider_server.mjs", port, &vars).await;
    Upstream {
        issuer: started["issuer"].as_str().unwrap().to_owned(),
        port,
        redirect_uri: redirect_uri.to_owned(),
        env,
        _child: child,
        _stdout: lines,
    }
}

impl Upstream {
    /// The same upstream (issuer, clients) restarted with new signing keys.
    async fn rotate_keys(mut self) -> Upstream {
        self._child.kill().await.unwrap();
        let (port, redirect, env) = (self.port, self.redirect_uri.clone(), self.env.clone());
        drop(self);
        for _ in 0..50 {
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        upstream_on(port, &redirect, env).await
    }
}

/// Sign in at the upstream as `login` (its dev interactions accept any
/// login) and return the redirect to our callback (path and query).
pub async fn upstream_login(authorize_url: &str, login: &str) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut url = authorize_url.to_owned();
    for _ in 0..12 {
        let res = http.get(&url).send().await.unwrap();
        if res.status().is_redirection() {
            let location = res.headers()["location"].to_str().unwrap().to_owned();
            let next = reqwest::Url::parse(&url).unwrap().join(&location).unwrap();
            if next.path().starts_with("/login/providers/") {
                return format!("{}?{}", next.path(), next.query().unwrap_or_default());
            }
            url = next.to_string();
            continue;
        }
        // An interaction page: submit its form (login, then consent).
        let page_url = url.clone();
        let body = res.text().await.unwrap();
        let action = body
            .split("action=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("an interaction form")
            .to_owned();
        let mut fields = vec![("login", login.to_owned()), ("password", "any".to_owned())];
        if let Some(prompt) = hidden_input(&body, "prompt") {
            fields.push(("prompt", prompt));
        }
        let target = reqwest::Url::parse(&page_url)
            .unwrap()
            .join(&action)
            .unwrap();
        let res = http
            .post(target.clone())
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_redirection(),
            "{}",
            res.text().await.unwrap()
        );
        let location = res.headers()["location"].to_str().unwrap().to_owned();
        url = target.join(&location).unwrap().to_string();
    }
    panic!("the upstream never redirected back");
}

pub async fn start(b: &mut Browser, provider: &str) -> String {
    let res = b
        .get(&format!("/login/providers/{provider}?return_to=%2Faccount"))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert!(b.cookies.contains_key("__Host-ostiary_fed"));
    res.location().to_owned()
}

/// A provider named `name` (trusted for email, creating users) whose
/// upstream is a fresh oidc-provider that knows the provider's callback URL.
/// The provider's id is in that URL, so it is registered first with a
/// placeholder issuer, then pointed at the started upstream.
pub async fn registered_upstream(
    app: &TestApp,
    name: &str,
) -> (ostiary::federation::registry::ProviderView, Upstream) {
    let (mut providers, op) = registered_upstreams(app, &[(name, Kind::Oidc, None)]).await;
    (providers.remove(0), op)
}

/// Several providers of one upstream: (name, kind, Google hosted domain).
pub async fn registered_upstreams(
    app: &TestApp,
    wanted: &[(&str, Kind, Option<&str>)],
) -> (Vec<ostiary::federation::registry::ProviderView>, Upstream) {
    let actor = ostiary::audit::Actor::system("test");
    let mut created = Vec::new();
    for (name, kind, hd) in wanted {
        let spec = ostiary::federation::spec::ProviderSpec {
            name: (*name).into(),
            issuer: Some("http://127.0.0.1:9".into()),
            client_id: Some("rp".into()),
            hosted_domain: hd.map(str::to_owned),
            jit: true,
            enabled: true,
            trust_email: true,
            ..Default::default()
        };
        let provider = ostiary::federation::registry::create(
            &app.state,
            &actor,
            &ostiary::federation::registry::Reach::global(),
            *kind,
            spec,
            Some("rp-secret".into()),
        )
        .await
        .unwrap()
        .unwrap();
        created.push(provider);
    }
    let callbacks: Vec<&str> = created.iter().map(|p| p.callback_url.as_str()).collect();
    // Like Google for a Workspace: every ID token says `hd: acme.test`.
    let op = upstream(&callbacks.join(","), &[("HD", "acme.test")]).await;
    let mut providers = Vec::new();
    for provider in created {
        let issuer = op.issuer.clone();
        providers.push(
            ostiary::federation::registry::update(
                &app.state,
                &actor,
                &ostiary::federation::registry::Reach::global(),
                &provider.id,
                move |s| s.issuer = Some(issuer),
                None,
            )
            .await
            .unwrap()
            .unwrap(),
        );
    }
    (providers, op)
}

async fn upstream_oidc_sign_in_end_to_end(backend: Backend) {
    if !node_peer() {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let (mut providers, op) = registered_upstreams(
        &app,
        &[
            ("Corp SSO", Kind::Oidc, None),
            ("Acme Google", Kind::Google, Some("acme.test")),
            ("Other Google", Kind::Google, Some("other.test")),
        ],
    )
    .await;
    let (provider, workspace, other_workspace) = (
        providers.remove(0),
        providers.remove(0),
        providers.remove(0),
    );
    let actor = ostiary::audit::Actor::system("test");

    // "Test connection" reads the upstream's discovery document and keys.
    let tested = ostiary::federation::probe::run(&app.state, &provider)
        .await
        .unwrap();
    assert!(tested.ok, "{tested:?}");
    assert_eq!(tested.issuer.as_deref(), Some(op.issuer.as_str()));
    assert!(tested.jwks_keys.unwrap() >= 1, "{tested:?}");

    // The login page offers the provider.
    let mut b = app.browser();
    let login = b.get("/login?return_to=%2Faccount").await;
    assert!(login.body.contains("Corp SSO"), "{}", login.body);
    let link = format!("/login/providers/{}?return_to=/account", provider.id);
    assert!(login.body.contains(&link), "{link}: {}", login.body);

    // Start: PKCE S256, state and nonce go upstream.
    let authorize = start(&mut b, &provider.id).await;
    assert!(authorize.starts_with(&op.issuer), "{authorize}");
    for part in [
        "code_challenge_method=S256",
        "state=",
        "nonce=",
        "scope=openid",
        "client_id=rp",
    ] {
        assert!(authorize.contains(part), "{part}: {authorize}");
    }
    let callback = upstream_login(&authorize, "alice").await;
    assert!(
        callback.contains("code=") && callback.contains("iss="),
        "{callback}"
    );

    // A callback in another browser (no binding cookie) is refused, and
    // uses the sign-in up.
    let mut other = app.browser();
    let stolen = other.get(&callback).await;
    assert_eq!(stolen.status, StatusCode::BAD_REQUEST, "{}", stolen.body);
    assert!(other.session_cookie().is_none());
    let replay = b.get(&callback).await;
    assert_eq!(
        replay.status,
        StatusCode::BAD_REQUEST,
        "single use: {}",
        replay.body
    );
    assert!(b.session_cookie().is_none());

    // The real thing: signed in, created just in time, amr fed.
    let authorize = start(&mut b, &provider.id).await;
    let callback = upstream_login(&authorize, "alice").await;
    let done = b.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    let account = b.get("/account").await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(
        account.body.contains("alice@example.com"),
        "{}",
        account.body
    );
    // The account page lists the provider it signs in with.
    assert!(
        account.body.contains("Sign-in providers"),
        "{}",
        account.body
    );
    assert!(account.body.contains(">Corp SSO<"), "{}", account.body);
    let session = app.session_of(&b).await;
    assert_eq!(session.amr.to_vec(), ["fed"]);
    assert!(app.audited("user.provisioned").await);
    // Again, in a new browser: the same user, found by (provider, subject).
    let mut again = app.browser();
    let authorize = start(&mut again, &provider.id).await;
    let callback = upstream_login(&authorize, "alice").await;
    assert_eq!(again.get(&callback).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.session_of(&again).await.user_id, session.user_id);

    // The upstream rotates its signing keys: the cached JWKS does not know
    // the new key, so the keys are fetched again (once the minimum
    // interval since the last fetch has passed) and the sign-in works.
    let _op = op.rotate_keys().await;
    app.clock.advance(chrono::Duration::seconds(11));
    let mut rotated = app.browser();
    let authorize = start(&mut rotated, &provider.id).await;
    let callback = upstream_login(&authorize, "alice").await;
    let done = rotated.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(app.session_of(&rotated).await.user_id, session.user_id);

    // An MFA rule for this upstream type applies to federated sign-ins
    // (S5): a person without a factor enrols one before getting in.
    let now = app.state.now();
    app.db_run(move |conn| {
        ostiary::auth::mfa::admin::set(
            conn,
            &ostiary::audit::Actor::system("test"),
            None,
            ostiary::auth::mfa::policy::Scope::Upstream,
            Some("oidc"),
            "required",
            now,
        )
    })
    .await
    .unwrap();
    let mut carol = app.browser();
    let authorize = start(&mut carol, &provider.id).await;
    let callback = upstream_login(&authorize, "carol").await;
    let enrol = carol.get(&callback).await;
    assert!(
        enrol.location().starts_with("/login/mfa/enroll"),
        "{}",
        enrol.location()
    );
    assert!(carol.session_cookie().is_none());

    // From a provider not trusted for email, a new account's address is
    // unverified, so the email gate asks for it first (as for local users).
    ostiary::federation::registry::update(
        &app.state,
        &actor,
        &ostiary::federation::registry::Reach::global(),
        &provider.id,
        |s| s.trust_email = false,
        None,
    )
    .await
    .unwrap()
    .unwrap();
    let mut bob = app.browser();
    let authorize = start(&mut bob, &provider.id).await;
    let callback = upstream_login(&authorize, "bob").await;
    let gated = bob.get(&callback).await;
    assert_eq!(gated.location(), "/verify-email");
    assert!(bob.session_cookie().is_none());

    // A Google provider restricted to a Workspace domain checks `hd` in the
    // ID token: the upstream's accounts are in acme.test, so they get in
    // through the acme.test provider and not through the other.test one.
    let mut member = app.browser();
    let authorize = start(&mut member, &workspace.id).await;
    assert!(authorize.contains("hd=acme.test"), "{authorize}");
    let callback = upstream_login(&authorize, "member").await;
    let done = member.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(member.session_cookie().is_some());
    let mut outsider = app.browser();
    let authorize = start(&mut outsider, &other_workspace.id).await;
    assert!(authorize.contains("hd=other.test"), "{authorize}");
    let callback = upstream_login(&authorize, "outsider").await;
    let page = outsider.get(&callback).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
    assert!(outsider.session_cookie().is_none());
    assert!(!app.audit_rows("login.federated_refused").await.is_empty());

    // The upstream says no: our page, a way back, nobody signed in.
    let mut refused = app.browser();
    let authorize = start(&mut refused, &provider.id).await;
    let state = reqwest::Url::parse(&authorize)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let page = refused
        .get(&format!(
            "/login/providers/{}/callback?error=access_denied&state={state}",
            provider.id
        ))
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    // The way back keeps where the person was going (regression: it was
    // lost once the pending sign-in had been taken).
    assert!(
        page.body.contains("/login?return_to=%2Faccount"),
        "{}",
        page.body
    );
    assert!(refused.session_cookie().is_none());
    let reasons: Vec<String> = app
        .audit_rows("login.federated_refused")
        .await
        .iter()
        .map(|r| r.details.clone())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("upstream_denied")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("state_invalid")),
        "{reasons:?}"
    );

    // An unknown or disabled provider: a clear page, no redirect.
    let missing = app.browser().get("/login/providers/nope").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// The GitHub stand-in (tests/interop/github_standin.mjs), stopped when dropped.
pub struct GithubStandin {
    pub web: String,
    pub api: String,
    _child: tokio::process::Child,
    _stdout: tokio::io::Lines<BufReader<tokio::process::ChildStdout>>,
}

pub async fn github_standin() -> GithubStandin {
    let (child, lines, started) = spawn_node("github_standin.mjs", free_port(), &[]).await;
    GithubStandin {
        web: started["web"].as_str().unwrap().to_owned(),
        api: started["api"].as_str().unwrap().to_owned(),
        _child: child,
        _stdout: lines,
    }
}

async fn github_sign_in_reads_the_private_email(backend: Backend) {
    // S7: GitHub accounts whose email is private (`email: null` on /user)
    // are read from /user/emails (primary verified); identities are keyed
    // by the numeric id; no verified address ends on a clear page.
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !peer_available("node", node, "install node") {
        return;
    }
    let app = TestApp::spawn_with(backend, |c| c.oidc.allow_private_targets = true).await;
    let gh = github_standin().await;
    let actor = ostiary::audit::Actor::system("test");
    let mut ids = Vec::new();
    for client in ["gh-private", "gh-unverified"] {
        let spec = ostiary::federation::spec::ProviderSpec {
            name: client.into(),
            client_id: Some(client.into()),
            api_url: Some(gh.api.clone()),
            web_url: Some(gh.web.clone()),
            jit: true,
            enabled: true,
            trust_email: true,
            ..Default::default()
        };
        let created = ostiary::federation::registry::create(
            &app.state,
            &actor,
            &ostiary::federation::registry::Reach::global(),
            Kind::Github,
            spec,
            Some("gh-secret".into()),
        )
        .await
        .unwrap()
        .unwrap();
        ids.push(created.id);
    }
    let login = app.browser().get("/login").await;
    assert!(login.body.contains("gh-private"), "GitHub gets a button");

    let mut b = app.browser();
    let authorize = start(&mut b, &ids[0]).await;
    assert!(
        authorize.starts_with(&format!("{}/login/oauth/authorize?", gh.web)),
        "{authorize}"
    );
    assert!(authorize.contains("code_challenge_method=S256"));
    let callback = upstream_login(&authorize, "unused").await;
    let done = b.get(&callback).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/account");
    let account = b.get("/account").await;
    assert!(
        account.body.contains("mona@octo.example"),
        "{}",
        account.body
    );
    let session = app.session_of(&b).await;
    assert_eq!(session.amr.to_vec(), ["fed"]);
    let provider = ids[0].clone();
    let identity = app
        .db_run(move |conn| ostiary::store::identities::find(conn, &provider, "4242"))
        .await;
    assert_eq!(
        identity.unwrap().user_id,
        session.user_id,
        "keyed by the numeric id"
    );
    // A replay of the callback changes nothing.
    let replay = b.get(&callback).await;
    assert_eq!(replay.status, StatusCode::BAD_REQUEST);

    // No verified address: a clear page, nobody signed in, nothing created.
    let users = app.user_count().await;
    let mut ghost = app.browser();
    let authorize = start(&mut ghost, &ids[1]).await;
    let callback = upstream_login(&authorize, "unused").await;
    let page = ghost.get(&callback).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    assert!(
        page.body.contains("did not share an email address"),
        "{}",
        page.body
    );
    assert!(ghost.session_cookie().is_none());
    assert_eq!(app.user_count().await, users);
}
