//! LDAP providers from the CLI, the admin API and the console (S7, S8,
//! SR-100, SR-132): the `ldap` flags and object checked like every provider
//! setting (plaintext refused, the bind password write-only and sealed),
//! `provider test` naming each step against a real slapd, and the console
//! showing, testing and saving a directory without losing its settings.

use reqwest::StatusCode;

use ostiary::federation::registry::{self, Reach};

use crate::cli::{ostiary as ostiary_cli, text};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::ldap_support::{
    GROUPS, PEOPLE, PEOPLE_LIST, SERVICE_DN, SERVICE_PASSWORD, Slapd, ldap_provider, post_login,
    slapd_peer, spawn, starttls_spec,
};

crate::on_all_backends!(
    ldap_providers_from_the_cli_and_tested,
    ldap_providers_through_the_admin_api,
    ldap_providers_in_the_console,
);

/// `provider create --kind ldap` (S7 flags, the bind password on stdin,
/// plaintext refused) and `provider test` naming each step.
async fn ldap_providers_from_the_cli_and_tested(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_OIDC__ALLOW_PRIVATE_TARGETS", "true"),
    ];
    let ca = slapd.ca_file.display().to_string();
    let create = |url: &str, extra: &[&str]| {
        let mut args = vec![
            "provider",
            "create",
            "--kind",
            "ldap",
            "--name",
            "Corp Directory",
            "--url",
            url,
            "--bind-dn",
            SERVICE_DN,
            "--bind-password-stdin",
            "--user-base-dn",
            PEOPLE,
            "--user-filter",
            "(mail={username})",
            "--group-base-dn",
            GROUPS,
        ];
        args.extend_from_slice(extra);
        args.iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<String>>()
    };
    let run = |args: &[String], stdin: Option<&str>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ostiary_cli(dir.path(), &args, &env, stdin)
    };
    // SR-132: ldap:// without StartTLS is refused unless allowed.
    let plain = run(&create(&slapd.ldap_url, &[]), Some("x\n"));
    assert_eq!(plain.status.code(), Some(1));
    assert!(
        text(&plain.stderr).contains("--starttls"),
        "{}",
        text(&plain.stderr)
    );
    // The bind password is required for search-then-bind.
    let no_pw: Vec<String> = create(&slapd.ldap_url, &["--starttls", "--ca-file", &ca])
        .into_iter()
        .filter(|a| a != "--bind-password-stdin")
        .collect();
    let missing = run(&no_pw, None);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("--bind-password-stdin"),
        "{}",
        text(&missing.stderr)
    );

    let out = run(
        &create(
            &slapd.ldap_url,
            &["--starttls", "--ca-file", &ca, "--domain", "example.com"],
        ),
        Some(&format!("{SERVICE_PASSWORD}\n")),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["kind"], "ldap");
    assert_eq!(created["has_secret"], true);
    assert_eq!(
        created["settings"]["ldap"]["user_filter"],
        "(mail={username})"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(SERVICE_PASSWORD));
    let id = created["id"].as_str().unwrap().to_owned();

    let tested = run(&["provider".into(), "test".into(), id.clone()], None);
    assert!(tested.status.success(), "{}", text(&tested.stderr));
    let report: serde_json::Value = serde_json::from_slice(&tested.stdout).unwrap();
    let steps: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["connect", "tls", "service_bind", "search_base"]);

    // A wrong service password: the service bind step fails, by name.
    let updated = run(
        &[
            "provider".into(),
            "update".into(),
            id.clone(),
            "--bind-password-stdin".into(),
        ],
        Some("wrong-service-pw\n"),
    );
    assert!(updated.status.success(), "{}", text(&updated.stderr));
    let failed = run(&["provider".into(), "test".into(), id], None);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        text(&failed.stderr).contains("service_bind: bind_refused"),
        "{}",
        text(&failed.stderr)
    );
}

/// An API key with `scopes`, of the organization `org` when given.
async fn api_key(app: &TestApp, scopes: &[&str], org: Option<&str>) -> String {
    if let Some(name) = org {
        let (name, now) = (name.to_owned(), app.state.now().naive_utc());
        app.db_run(move |conn| ostiary::store::orgs::find_or_create(conn, &name, now))
            .await;
    }
    let spec = ostiary::admin::api_keys::KeySpec {
        name: "test key".into(),
        scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        organization: org.map(str::to_owned),
        ..Default::default()
    };
    ostiary::admin::api_keys::create(&app.state, &ostiary::audit::Actor::system("test"), spec)
        .await
        .unwrap()
        .key
}

async fn api(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    key: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let res = reqwest::Client::new()
        .request(method, format!("{}/api/v1{path}", app.base))
        .bearer_auth(key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(
        !text.contains(SERVICE_PASSWORD),
        "the bind password came back: {text}"
    );
    (status, serde_json::from_str(&text).unwrap_or_default())
}

/// The admin API's `ldap` object: the same rules as the CLI; the bind
/// password is write-only; a CA file (a server path) is for global callers.
async fn ldap_providers_through_the_admin_api(backend: Backend) {
    let app = spawn(backend, |_| {}).await;
    let global = api_key(&app, &["providers:write"], None).await;
    let ldap = serde_json::json!({
        "url": "ldap://ldap.example.com",
        "bind_dn": SERVICE_DN,
        "user_base_dn": PEOPLE,
        "user_filter": "(mail={username})",
    });
    let body = |ldap: serde_json::Value| serde_json::json!({"kind": "ldap", "name": "Directory", "ldap": ldap});
    // SR-132: plaintext refused, naming the field.
    let (status, refused) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &global,
        body(ldap.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert!(refused.to_string().contains("starttls"), "{refused}");
    let mut tls = ldap.clone();
    tls["starttls"] = true.into();
    // The bind password is required to search.
    let (status, missing) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &global,
        body(tls.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{missing}");
    assert!(missing.to_string().contains("bind_password"), "{missing}");
    tls["bind_password"] = SERVICE_PASSWORD.into();
    let (status, made) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &global,
        body(tls.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    assert_eq!(made["kind"], "ldap");
    assert_eq!(made["has_secret"], true);
    assert_eq!(made["settings"]["ldap"]["url"], "ldap://ldap.example.com");
    let id = made["id"].as_str().unwrap().to_owned();
    // A change keeps what is not sent.
    let (status, changed) = api(
        &app,
        reqwest::Method::PATCH,
        &format!("/providers/{id}"),
        &global,
        serde_json::json!({"ldap": {"group_base_dn": GROUPS}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["settings"]["ldap"]["group_base_dn"], GROUPS);
    assert_eq!(changed["settings"]["ldap"]["bind_dn"], SERVICE_DN);
    // Unknown fields in the object are refused.
    let mut odd = tls.clone();
    odd["password_attribute"] = "userPassword".into();
    let (status, _) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &global,
        body(odd),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // An organization's key may not name a file on the server, nor
    // register a directory at all (SR-100).
    let org_key = api_key(&app, &["providers:write"], Some("Org A")).await;
    let mut with_ca = tls.clone();
    with_ca["ca_file"] = "/etc/ssl/certs/ca-certificates.crt".into();
    let (status, refused) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &org_key,
        body(with_ca),
    )
    .await;
    assert!(status.is_client_error(), "{status} {refused}");
    assert!(refused.to_string().contains("ca_file"), "{refused}");
    let (status, refused) = api(
        &app,
        reqwest::Method::POST,
        "/providers",
        &org_key,
        body(tls),
    )
    .await;
    assert!(status.is_client_error(), "{status} {refused}");
    assert!(refused.to_string().contains("global reach"), "{refused}");
}

/// The console shows an LDAP provider (set up with the CLI or the API),
/// tests its directory step by step, and saves a change without losing the
/// directory's settings or its bind password.
async fn ldap_providers_in_the_console(backend: Backend) {
    if !slapd_peer() {
        return;
    }
    let slapd = Slapd::start().await;
    let app = spawn(backend, |_| {}).await;
    let admin = crate::console_support::superuser(&app, "root@example.org").await;
    let mut b = crate::console_support::signed_in(&app, &admin).await;
    let provider = ldap_provider(&app, starttls_spec(&slapd), Some(SERVICE_PASSWORD)).await;
    let path = format!("/admin/providers/{}", provider.id);
    let shown = crate::console_support::page(&mut b, &path, StatusCode::OK).await;
    assert!(shown.body.contains("Corp Directory"), "{}", shown.body);
    // No redirect URI to register: people type their password here.
    assert!(
        !shown.body.contains(&provider.callback_url),
        "{}",
        shown.body
    );
    assert!(
        shown
            .body
            .contains("directory password on the sign-in page")
    );
    // A directory bind is a password: no upstream MFA to accept (the
    // page says so and offers no button; the service refuses it).
    assert!(
        shown.body.contains("no upstream MFA to accept")
            && !shown.body.contains(&format!("{path}/accept-mfa")),
        "{}",
        shown.body
    );
    let refused = b
        .post_form(
            &format!("{path}/accept-mfa"),
            &[("csrf_token", &shown.csrf())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(!app.audited("mfa.upstream_acknowledged").await);
    let tested = b.post_from(&shown, &format!("{path}/test"), &[]).await;
    assert!(tested.status.is_success(), "{}", tested.body);
    for step in [
        "Directory connection",
        "TLS",
        "Service account",
        "Search bases",
    ] {
        assert!(tested.body.contains(step), "{step}: {}", tested.body);
    }
    // Posted as a browser would: the directory's fields as shown (never
    // the bind password: left empty, the stored one is kept).
    let shown_fields: Vec<(&str, String)> = [
        "url",
        "ca_file",
        "bind_dn",
        "user_base_dn",
        "user_filter",
        "group_base_dn",
    ]
    .into_iter()
    .map(|f| (f, shown.field(f)))
    .collect();
    assert_eq!(shown.field("bind_password"), "");
    assert!(!shown.body.contains(SERVICE_PASSWORD));
    let mut fields: Vec<(&str, &str)> = vec![
        ("name", "Corp Directory 2"),
        ("privileged", "1"),
        ("domains", "example.com"),
        ("trust_email", "on"),
        ("jit", "on"),
        ("enabled", "on"),
        ("starttls", "on"),
    ];
    fields.extend(shown_fields.iter().map(|(f, v)| (*f, v.as_str())));
    let saved = b.post_from(&shown, &path, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let after = registry::show(&app.state, &Reach::global(), &provider.id, false)
        .await
        .unwrap();
    assert_eq!(after.name, "Corp Directory 2");
    assert!(after.has_secret);
    assert_eq!(after.settings.ldap, provider.settings.ldap);
    let (_, alice_mail, _, alice_pw) = PEOPLE_LIST[0];
    let mut person = app.browser();
    let ok = post_login(&mut person, alice_mail, alice_pw).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}
