//! `ostiary provider …` (S1, S7): the registry of upstream identity
//! providers through the real binary — per-kind flags and defaults, the
//! callback URL to register upstream, claimed domains (one provider each),
//! the client secret sealed at rest and never printed (SR-115), the
//! outbound-URL rules for provider addresses (SR-114), and an audited
//! actor for every change.

use std::path::Path;

use crate::cli::{ostiary, serve_after_cli, succeeds, text};
use crate::helpers::{Backend, TestDatabase};

crate::on_all_backends!(
    providers_are_created_listed_changed_and_deleted,
    bad_provider_settings_are_explained_and_change_nothing,
);

const SECRET: &str = "upstream-secret-0123456789";

/// An Okta provider claiming acme.test (its secret comes on stdin).
const OKTA_FOR_ACME: &[&str] = &[
    "provider",
    "create",
    "--kind",
    "okta",
    "--name",
    "Okta",
    "--issuer",
    "https://acme.okta.com",
    "--client-id",
    "o",
    "--client-secret-stdin",
    "--domain",
    "acme.test",
];

/// Run with the secret on stdin; the JSON printed.
fn with_secret(dir: &Path, args: &[&str], env: &[(&str, &str)], secret: &str) -> serde_json::Value {
    let out = ostiary(dir, args, env, Some(&format!("{secret}\n")));
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Run and expect exit code 1; what it said on stderr.
fn refused(dir: &Path, args: &[&str], env: &[(&str, &str)], secret: Option<&str>) -> String {
    let out = ostiary(dir, args, env, secret);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    err
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

async fn providers_are_created_listed_changed_and_deleted(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "ops@acme.test",
            "--org",
            "Acme",
            "--password-stdin",
        ],
        &env,
        Some("a long enough password 1\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let google = with_secret(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "google",
            "--name",
            "Acme Google",
            "--client-id",
            "acme.apps.googleusercontent.com",
            "--client-secret-stdin",
            "--hosted-domain",
            "Acme.test",
            "--domain",
            "ACME.test",
            "--domain",
            "acme.test",
            "--organization",
            "Acme",
            "--trust-email",
            "--keep-tokens",
        ],
        &env,
        SECRET,
    );
    let id = google["id"].as_str().unwrap().to_owned();
    assert_eq!(google["kind"], "google");
    assert_eq!(google["settings"]["issuer"], "https://accounts.google.com");
    assert_eq!(google["settings"]["hosted_domain"], "acme.test");
    assert_eq!(
        google["settings"]["scopes"],
        serde_json::json!(["openid", "email", "profile"])
    );
    assert_eq!(
        google["settings"]["token_endpoint_auth_method"],
        "client_secret_basic"
    );
    assert_eq!(google["domains"], serde_json::json!(["acme.test"]));
    assert_eq!(google["organization"], "Acme");
    assert_eq!(
        (google["trust_email"].clone(), google["jit"].clone()),
        (true.into(), true.into())
    );
    assert_eq!(google["has_secret"], true);
    assert_eq!(
        (
            google["keep_tokens"].clone(),
            google["allow_local_passwords"].clone()
        ),
        (true.into(), false.into())
    );
    let callback = google["callback_url"].as_str().unwrap();
    assert!(
        callback.starts_with("http")
            && callback.ends_with(&format!("/login/providers/{id}/callback")),
        "{callback}"
    );

    let entra = with_secret(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "entra",
            "--name",
            "Contoso",
            "--tenant",
            "organizations",
            "--client-id",
            "c1",
            "--client-secret-stdin",
        ],
        &env,
        "entra-secret",
    );
    assert_eq!(
        entra["settings"]["issuer"],
        "https://login.microsoftonline.com/organizations/v2.0"
    );
    let github = succeeds(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "github",
            "--name",
            "GHE",
            "--client-id",
            "gh",
            "--api-url",
            "https://ghe.acme.test/api/v3",
            "--web-url",
            "https://ghe.acme.test",
            "--token-endpoint-auth-method",
            "private_key_jwt",
            "--no-jit",
            "--disabled",
        ],
        &env,
    );
    assert_eq!(
        github["settings"]["api_url"],
        "https://ghe.acme.test/api/v3"
    );
    assert_eq!(
        (github["jit"].clone(), github["enabled"].clone()),
        (false.into(), false.into())
    );
    assert_eq!(github["has_secret"], false);

    // Listing and showing never print a secret.
    let out = ostiary(dir.path(), &["provider", "list"], &env, None);
    let listed = text(&out.stdout);
    assert!(
        !listed.contains(SECRET) && !listed.contains("entra-secret"),
        "{listed}"
    );
    let list: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme Google", "Contoso", "GHE"]);
    assert_eq!(
        succeeds(dir.path(), &["provider", "show", &id], &env)["name"],
        "Acme Google"
    );

    // `provider test` names the step that failed and why (exit 1): the
    // GitHub Enterprise API and the Entra tenant's discovery cannot be reached.
    let gh = github["id"].as_str().unwrap();
    let err = refused(dir.path(), &["provider", "test", gh], &env, None);
    assert!(err.contains("api: unreachable"), "{err}");
    let entra_id = entra["id"].as_str().unwrap();
    let err = refused(dir.path(), &["provider", "test", entra_id], &env, None);
    assert!(err.contains("discovery: "), "{err}");

    // A claimed domain belongs to one provider.
    let err = refused(dir.path(), OKTA_FOR_ACME, &env, Some("s\n"));
    assert!(err.contains("acme.test") && err.contains(&id), "{err}");

    // The secret is sealed at rest and opens back to what was given.
    let app = serve_after_cli(backend, &db, dir.path()).await;
    let pid = id.clone();
    let row = app
        .db_run(move |conn| ostiary::store::providers::find(conn, &pid))
        .await
        .unwrap();
    let sealed = row.secret.clone().unwrap();
    assert!(!sealed.contains(SECRET));
    assert_eq!(
        ostiary::federation::registry::open_secret(&app.state, &id, &sealed).unwrap(),
        SECRET
    );
    // Sealed for this provider only: another id cannot open it.
    assert!(ostiary::federation::registry::open_secret(&app.state, "other", &sealed).is_err());

    // Update: given flags change, the rest stays; a new secret replaces the old.
    let updated = with_secret(
        dir.path(),
        &[
            "provider",
            "update",
            &id,
            "--name",
            "Acme",
            "--jit",
            "false",
            "--allow-local-passwords",
            "true",
            "--domain",
            "acme.example",
            "--client-secret-stdin",
        ],
        &env,
        "rotated-secret",
    );
    assert_eq!(updated["name"], "Acme");
    assert_eq!(updated["jit"], false);
    assert_eq!(updated["allow_local_passwords"], true);
    assert_eq!(
        updated["keep_tokens"], true,
        "flags not given keep their value"
    );
    assert_eq!(updated["domains"], serde_json::json!(["acme.example"]));
    assert_eq!(updated["settings"]["hosted_domain"], "acme.test");
    assert_eq!(updated["organization"], "Acme");
    let pid = id.clone();
    let row = app
        .db_run(move |conn| ostiary::store::providers::find(conn, &pid))
        .await
        .unwrap();
    assert_eq!(
        ostiary::federation::registry::open_secret(&app.state, &id, row.secret.as_deref().unwrap())
            .unwrap(),
        "rotated-secret"
    );
    // Without a new secret the sealed one is kept.
    let kept = succeeds(
        dir.path(),
        &["provider", "update", &id, "--enabled", "false"],
        &env,
    );
    // SAML flags on another kind are refused, not ignored.
    let err = refused(
        dir.path(),
        &["provider", "update", &id, "--attribute-email", "mail"],
        &env,
        None,
    );
    assert!(err.contains("apply to --kind saml only"), "{err}");
    assert_eq!(
        (kept["enabled"].clone(), kept["has_secret"].clone()),
        (false.into(), true.into())
    );

    // The freed domain can be claimed again; delete hides the provider.
    let okta = with_secret(dir.path(), OKTA_FOR_ACME, &env, "s");
    assert_eq!(okta["settings"]["issuer"], "https://acme.okta.com");
    let gone = succeeds(dir.path(), &["provider", "delete", &id], &env);
    assert_eq!(gone["deleted"], id.as_str());
    let err = refused(dir.path(), &["provider", "show", &id], &env, None);
    assert!(err.to_lowercase().contains("not found"), "{err}");
    // Deleting is soft: `restore` brings it back (audited).
    let back = succeeds(dir.path(), &["provider", "restore", &id], &env);
    assert_eq!(back["provider"]["id"], id.as_str());
    assert_eq!(back["provider"]["has_secret"], true);
    succeeds(dir.path(), &["provider", "show", &id], &env);
    assert_eq!(app.audit_rows("provider.restored").await.len(), 1);

    // Every change is audited with its actor, never with the secret.
    let rows = app.audit_rows("provider.created").await;
    assert_eq!(rows.len(), 4);
    assert_eq!(app.audit_rows("provider.updated").await.len(), 2);
    assert_eq!(app.audit_rows("provider.deleted").await.len(), 1);
    for row in rows.iter().chain(&app.audit_rows("provider.updated").await) {
        assert_eq!(row.actor_type, "system", "{row:?}");
        assert_eq!(row.actor_id.as_deref(), Some("cli"), "{row:?}");
        assert!(!row.details.contains(SECRET) && !row.details.contains("rotated-secret"));
    }
}

async fn bad_provider_settings_are_explained_and_change_nothing(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let oidc = |issuer: &str| {
        vec![
            "provider".to_owned(),
            "create".into(),
            "--kind".into(),
            "oidc".into(),
            "--name".into(),
            "Corp".into(),
            "--client-id".into(),
            "c".into(),
            "--client-secret-stdin".into(),
            "--issuer".into(),
            issuer.to_owned(),
        ]
    };
    // SR-114: provider addresses are https and public unless the
    // deployment allows private targets (development and tests).
    for (issuer, says) in [
        ("http://idp.example.com", "--issuer: must be an https URL"),
        ("https://127.0.0.1:9443", "loopback or private"),
        ("https://169.254.169.254", "loopback or private"),
        ("https://localhost", "loopback or private"),
        ("https://idp.example.com?x=1", "query"),
    ] {
        let err = refused(dir.path(), &args(&oidc(issuer)), &env, Some("s\n"));
        assert!(err.contains(says), "{issuer}: {err}");
    }
    let mut private = env.to_vec();
    private.push(("OSTIARY_OIDC__ALLOW_PRIVATE_TARGETS", "true"));
    let local = with_secret(
        dir.path(),
        &args(&oidc("http://127.0.0.1:9000")),
        &private,
        "s",
    );
    assert_eq!(local["settings"]["issuer"], "http://127.0.0.1:9000");

    for (extra, says) in [
        (
            vec!["--kind", "oidc", "--name", "X", "--client-id", "c"],
            "needs --issuer",
        ),
        (
            vec!["--kind", "entra", "--name", "X", "--client-id", "c"],
            "needs --tenant",
        ),
        (vec!["--kind", "google", "--name", "X"], "needs --client-id"),
        (
            vec![
                "--kind",
                "google",
                "--name",
                "X",
                "--client-id",
                "c",
                "--tenant",
                "t",
            ],
            "--tenant does not apply",
        ),
        (
            vec![
                "--kind",
                "github",
                "--name",
                "X",
                "--client-id",
                "c",
                "--api-url",
                "https://ghe.example.com",
            ],
            "--api-url and --web-url go together",
        ),
        (
            vec!["--kind", "saml", "--name", "X", "--client-id", "c"],
            if cfg!(feature = "saml") {
                "--kind saml needs --metadata-url"
            } else {
                "not available yet"
            },
        ),
        (
            vec![
                "--kind",
                "google",
                "--name",
                "X",
                "--client-id",
                "c",
                "--domain",
                "nodot",
            ],
            "--domain",
        ),
        (
            vec![
                "--kind",
                "google",
                "--name",
                "X",
                "--client-id",
                "c",
                "--organization",
                "Nowhere",
            ],
            "no organization named",
        ),
    ] {
        let mut all = vec!["provider", "create", "--client-secret-stdin"];
        all.extend(extra);
        let err = refused(dir.path(), &all, &env, Some("s\n"));
        assert!(err.contains(says), "{all:?}: {err}");
    }
    // A client secret is required for the secret-based methods.
    let err = refused(
        dir.path(),
        &[
            "provider",
            "create",
            "--kind",
            "google",
            "--name",
            "X",
            "--client-id",
            "c",
        ],
        &env,
        None,
    );
    assert!(err.contains("needs --client-secret-stdin"), "{err}");
    // --client-secret-stdin with nothing on stdin.
    let err = refused(
        dir.path(),
        &args(&oidc("https://idp.example.com")),
        &env,
        Some(""),
    );
    assert!(err.contains("no client secret on stdin"), "{err}");

    // Only the one allowed provider exists, and only its creation is audited.
    let list = succeeds(dir.path(), &["provider", "list"], &env);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let app = serve_after_cli(backend, &db, dir.path()).await;
    assert_eq!(app.audit_rows("provider.created").await.len(), 1);
}
