//! The `ostiary` binary: `config check`, `user create`, `migrate`,
//! `audit verify`, `--help`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use reqwest::StatusCode;

use crate::helpers::{Backend, PASSWORD, TestApp, TestDatabase};

/// Run the binary in an empty directory with a clean `OSTIARY_*` environment.
pub fn ostiary(dir: &Path, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ostiary"));
    cmd.current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, _) in std::env::vars() {
        if key.starts_with("OSTIARY_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.env("OSTIARY_LOG_LEVEL", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Run the binary without input and expect the exit code `code`; returns
/// what it said on stderr.
pub fn fails(dir: &Path, args: &[&str], env: &[(&str, &str)], code: i32) -> String {
    let out = ostiary(dir, args, env, None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
    err
}

/// Run the binary without input and expect success; returns the JSON it
/// printed.
pub fn succeeds(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let out = ostiary(dir, args, env, None);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Serve on the database `db` the CLI used, with the master key it made in
/// `dir` (its own data directory).
pub async fn serve_after_cli(backend: Backend, db: &TestDatabase, dir: &Path) -> TestApp {
    let url = db.url.clone();
    TestApp::spawn_with(backend, |c| {
        c.database_url = url.into();
        c.master_key_file = Some(dir.join("data/master.key"));
    })
    .await
}

#[test]
fn help_is_available_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["user", "create", "--help"],
        vec!["config", "check", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "checkpoint", "--help"],
        vec!["audit", "seal", "--help"],
        vec!["migrate", "--help"],
    ] {
        let out = ostiary(dir.path(), &args, &[], None);
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn config_check_accepts_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let json = succeeds(dir.path(), &["config", "check"], &[]);
    assert_eq!(json["ok"], true);
    assert_eq!(json["issuer"], "http://localhost:8080");
    assert_eq!(json["database"], "sqlite");
}

#[test]
fn config_check_explains_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let check = ["config", "check"];
    // Semantic problems, from the environment.
    let err = fails(
        dir.path(),
        &check,
        &[
            ("OSTIARY_ISSUER", "http://idp.example.com"),
            ("OSTIARY_LISTEN", "somewhere"),
            ("OSTIARY_DATABASE_URL", "mysql://db/x"),
            ("OSTIARY_PASSWORD__MEMORY_KIB", "1024"),
        ],
        2,
    );
    for needle in [
        "issuer:",
        "must use https",
        "listen:",
        "database_url:",
        "unsupported database URL scheme",
        "password.memory_kib:",
        "OWASP",
    ] {
        assert!(err.contains(needle), "{needle:?} missing in:\n{err}");
    }
    // Unknown keys are refused, in the file and in the environment.
    std::fs::write(
        dir.path().join("ostiary.toml"),
        "issuer = \"http://localhost:8080\"\nlisten_address = \"x\"\n",
    )
    .unwrap();
    let err = fails(dir.path(), &check, &[], 2);
    assert!(
        err.contains("listen_address") && err.contains("ostiary.toml"),
        "{err}"
    );
    std::fs::remove_file(dir.path().join("ostiary.toml")).unwrap();
    for (key, value, named) in [
        ("OSTIARY_SESSION__IDLE_TIMEOUT", "5", "idle_timeout"),
        // A wrong type names the key.
        ("OSTIARY_DATABASE__POOL_SIZE", "many", "pool_size"),
    ] {
        let err = fails(dir.path(), &check, &[(key, value)], 2);
        assert!(err.contains(named), "{err}");
    }
    // A named file that does not exist.
    let err = fails(
        dir.path(),
        &["--config", "missing.toml", "config", "check"],
        &[],
        2,
    );
    assert!(err.contains("missing.toml"));
    // An explicit valid file is reported.
    std::fs::write(
        dir.path().join("custom.toml"),
        "[session]\nidle_timeout_secs = 600\n",
    )
    .unwrap();
    let out = ostiary(
        dir.path(),
        &["config", "check", "--config", "custom.toml"],
        &[],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

crate::on_all_backends!(
    user_create_then_login_and_audit_verify,
    client_create_and_keys_commands
);

async fn user_create_then_login_and_audit_verify(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    // Regression: logs (here the master-key notice at info level) go to
    // stderr, so stdout stays parseable JSON for scripts.
    let mut loud = env.to_vec();
    loud.push(("OSTIARY_LOG_LEVEL", "info"));
    let out = ostiary(dir.path(), &["keys", "list"], &loud, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("stdout is JSON only");
    assert!(
        text(&out.stderr).contains("master key"),
        "{}",
        text(&out.stderr)
    );
    let out = ostiary(dir.path(), &["migrate"], &env, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "Ops@Example.com",
            "--password-stdin",
            "--admin",
            "--org",
            "Acme",
        ],
        &env,
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["email"], "ops@example.com");
    assert_eq!(json["superuser"], true);
    assert_eq!(json["organization"]["name"], "Acme");
    assert_eq!(json["organization"]["role"], "owner");
    assert_eq!(json["id"].as_str().unwrap().len(), 36);

    // The same email again: a clear error, not a crash.
    let err = fails(
        dir.path(),
        &["user", "create", "--email", "ops@example.com"],
        &env,
        1,
    );
    assert!(err.contains("already exists"), "{err}");
    // A weak password is refused before anything is stored.
    let out = ostiary(
        dir.path(),
        &[
            "user",
            "create",
            "--email",
            "x@example.com",
            "--password-stdin",
        ],
        &env,
        Some("short\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("at least 15 characters"));

    // The server sees the CLI's user (same database and master key, its own data dir).
    let app = serve_after_cli(backend, &db, dir.path()).await;
    let (mut b, res) = app.login("ops@example.com", PASSWORD).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = b.get("/account").await;
    assert!(page.body.contains("Acme"));
    assert!(page.body.contains("Administrator"));

    // audit verify: intact → 0 (rows only the CLI wrote are reported
    // unsealed until `audit seal`); tampered → 1 naming the row.
    let report = succeeds(dir.path(), &["audit", "verify"], &env);
    assert_eq!(report["ok"], true);
    let sealed = succeeds(dir.path(), &["audit", "seal"], &env);
    assert_eq!(sealed["waiting"], false, "{sealed}");
    let report = succeeds(dir.path(), &["audit", "verify"], &env);
    assert_eq!(report["ok"], true);
    assert_eq!(report["unsealed_rows"], 0, "{report}");
    let tamper = if db.is_postgres() {
        "ALTER TABLE security_audit_logs DISABLE TRIGGER USER; UPDATE security_audit_logs SET details = '{}' WHERE seq = 2; ALTER TABLE security_audit_logs ENABLE TRIGGER USER;"
    } else {
        "DROP TRIGGER security_audit_logs_no_update; UPDATE security_audit_logs SET details = '{}' WHERE seq = 2;"
    };
    app.sql(tamper).await.unwrap();
    let out = ostiary(dir.path(), &["audit", "verify"], &env, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("row 2"), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["first_broken_seq"], 2);
}

#[test]
fn unknown_database_scheme_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = fails(
        dir.path(),
        &["migrate"],
        &[("OSTIARY_DATABASE_URL", "redis://localhost")],
        2,
    );
    assert!(
        err.contains("unsupported database URL scheme \"redis\""),
        "{err}"
    );
}

async fn client_create_and_keys_commands(backend: Backend) {
    // S1: `client create` prints the id and a secret shown once; `keys
    // rotate`/`keys list` manage signing keys.
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let json = succeeds(
        dir.path(),
        &[
            "client",
            "create",
            "--name",
            "Wiki",
            "--id",
            "wiki",
            "--redirect-uri",
            "https://wiki.example.com/cb",
            "--post-logout-redirect-uri",
            "https://wiki.example.com/bye",
            "--scope",
            "openid",
            "--scope",
            "email",
            "--id-token-signed-response-alg",
            "ES256",
            "--consent",
            "skip",
        ],
        &env,
    );
    assert_eq!(json["client_id"], "wiki");
    let secret = json["client_secret"].as_str().unwrap();
    assert!(secret.len() >= 43, "256-bit secret");
    // Only a keyed hash is stored (SR-35).
    let app = serve_after_cli(backend, &db, dir.path()).await;
    let client = app
        .db_run(|conn| ostiary::store::clients::find(conn, &"wiki".into()))
        .await
        .unwrap();
    assert_ne!(client.secret_hash.as_deref(), Some(secret));
    assert!(
        app.state
            .envelope
            .secret_matches(secret, client.secret_hash.as_deref().unwrap())
    );
    assert_eq!(client.id_token_signed_response_alg, "ES256");
    assert!(client.skips_consent());
    assert!(app.audited("client.created").await);

    // Public clients get no secret; bad settings are explained.
    let json = succeeds(
        dir.path(),
        &[
            "client",
            "create",
            "--name",
            "SPA",
            "--public",
            "--redirect-uri",
            "http://127.0.0.1:3000/cb",
        ],
        &env,
    );
    assert!(json["client_secret"].is_null());
    for (args, needle) in [
        (
            vec!["--redirect-uri", "http://evil.example.com/cb"],
            "plain http",
        ),
        (
            vec!["--redirect-uri", "https://a.example.com/*"],
            "wildcards",
        ),
        (vec!["--redirect-uri", "javascript:alert(1)"], "not allowed"),
        (
            vec!["--redirect-uri", "https://a.example.com/cb#frag"],
            "fragment",
        ),
        (vec![], "at least one redirect URI"),
        (vec!["--grant-type", "password"], "password"),
        (
            vec!["--public", "--grant-type", "client_credentials"],
            "public clients cannot",
        ),
        (
            vec!["--id", "wiki", "--redirect-uri", "https://x.example.com/cb"],
            "already exists",
        ),
        (
            vec![
                "--redirect-uri",
                "https://x.example.com/cb",
                "--id-token-signed-response-alg",
                "HS256",
            ],
            "HS256",
        ),
    ] {
        let mut full = vec!["client", "create", "--name", "Bad"];
        full.extend(args.iter());
        let out = ostiary(dir.path(), &full, &env, None);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(
            text(&out.stderr).contains(needle),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }

    let keys = succeeds(dir.path(), &["keys", "list"], &env);
    assert_eq!(keys.as_array().unwrap().len(), 6);
    let rotation = succeeds(dir.path(), &["keys", "rotate", "--alg", "ES256"], &env);
    assert_eq!(rotation["alg"], "ES256");
    let keys = succeeds(dir.path(), &["keys", "list"], &env);
    let states: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["alg"] == "ES256")
        .map(|k| k["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 3);
    assert!(states.contains(&"retired") && states.contains(&"current") && states.contains(&"next"));
    assert!(
        keys.to_string().find("private").is_none(),
        "keys list never prints private keys"
    );
}
