//! Secrets in the configuration (issue 11): `OSTIARY_DATABASE_URL_FILE`,
//! `OSTIARY_SETUP_TOKEN_FILE`, `OSTIARY_SMTP_URL_FILE` and
//! `OSTIARY_MAIL__PASSWORD_FILE` are read like their plain variables, their
//! problems name the variable and the path, and no secret ever prints.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::cli::{fails, ostiary, text};
use crate::helpers::{Backend, Browser, TestApp, TestDatabase};
use crate::setup::root_setup_form;

const TOKEN: &str = "a-long-one-time-setup-secret";

/// Write `content` to `dir/name` and return the path as a string.
fn secret_file(dir: &Path, name: &str, content: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path.display().to_string()
}

#[test]
fn config_check_reads_each_secret_from_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let check = |env: &[(&str, &str)]| ostiary(d, &["config", "check"], env, None);

    // DATABASE_URL_FILE: the backend comes from the file (a trailing line
    // break, as `echo` writes, is dropped).
    let db = secret_file(
        d,
        "db",
        "postgres://ostiary:db-TOPSECRET@db.internal/ostiary\n",
    );
    let out = check(&[("OSTIARY_DATABASE_URL_FILE", &db)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["database"], "postgres");
    assert!(!text(&out.stdout).contains("db-TOPSECRET"));

    // SETUP_TOKEN_FILE: a short token from the file is refused by name.
    let short = secret_file(d, "short", "tok-TOPSECRET\n");
    let err = fails(
        d,
        &["config", "check"],
        &[("OSTIARY_SETUP_TOKEN_FILE", &short)],
        2,
    );
    assert!(err.contains("setup_token: must be at least 16"), "{err}");
    assert!(!err.contains("tok-TOPSECRET"), "{err}");
    let token = secret_file(d, "token", &format!("{TOKEN}\n"));
    let out = check(&[("OSTIARY_SETUP_TOKEN_FILE", &token)]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // SMTP_URL_FILE: the URL from the file is checked.
    let ftp = secret_file(d, "ftp", "ftp://ops:smtp-TOPSECRET@mail.example.com\n");
    let err = fails(
        d,
        &["config", "check"],
        &[("OSTIARY_SMTP_URL_FILE", &ftp)],
        2,
    );
    assert!(err.contains("smtp_url: scheme \"ftp\""), "{err}");
    assert!(!err.contains("smtp-TOPSECRET"), "{err}");

    // MAIL__PASSWORD_FILE: a user name in the URL needs a password, which
    // the file supplies.
    let smtp = secret_file(d, "smtp", "smtp://ops@mail.example.com:587\n");
    let err = fails(
        d,
        &["config", "check"],
        &[("OSTIARY_SMTP_URL_FILE", &smtp)],
        2,
    );
    assert!(err.contains("a user name needs a password"), "{err}");
    let password = secret_file(d, "password", "mail-TOPSECRET\n");
    let out = check(&[
        ("OSTIARY_SMTP_URL_FILE", &smtp),
        ("OSTIARY_MAIL__PASSWORD_FILE", &password),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));

    // A file setting wins over the configuration file, as the variable does.
    std::fs::write(d.join("ostiary.toml"), "database_url = \"mysql://x\"\n").unwrap();
    let out = check(&[("OSTIARY_DATABASE_URL_FILE", &db)]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    fails(d, &["config", "check"], &[], 2);
}

#[test]
fn secret_file_problems_name_the_variable_and_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let check = |env: &[(&str, &str)]| {
        let out = ostiary(d, &["config", "check"], env, None);
        assert_eq!(out.status.code(), Some(2), "{env:?}");
        assert!(out.stdout.is_empty());
        text(&out.stderr)
    };

    // The plain variable and the file variable together.
    let token = secret_file(d, "token", TOKEN);
    let err = check(&[
        ("OSTIARY_SETUP_TOKEN", "another-long-setup-token-TOPSECRET"),
        ("OSTIARY_SETUP_TOKEN_FILE", &token),
    ]);
    assert!(
        err.contains("OSTIARY_SETUP_TOKEN_FILE: OSTIARY_SETUP_TOKEN is set too"),
        "{err}"
    );
    assert!(!err.contains("TOPSECRET") && !err.contains(TOKEN), "{err}");

    // A file that does not exist.
    let missing = d.join("no-such-secret");
    let err = check(&[("OSTIARY_DATABASE_URL_FILE", missing.to_str().unwrap())]);
    assert!(
        err.contains(&format!(
            "OSTIARY_DATABASE_URL_FILE: cannot read {}",
            missing.display()
        )),
        "{err}"
    );

    // An empty file, and a variable naming no file.
    let empty = secret_file(d, "empty", "\n");
    let err = check(&[("OSTIARY_MAIL__PASSWORD_FILE", &empty)]);
    assert!(
        err.contains(&format!("OSTIARY_MAIL__PASSWORD_FILE: {empty} is empty")),
        "{err}"
    );
    let err = check(&[("OSTIARY_SMTP_URL_FILE", "")]);
    assert!(
        err.contains("OSTIARY_SMTP_URL_FILE: is set but names no file"),
        "{err}"
    );

    // Every problem at once, with the rest of the configuration's.
    let err = check(&[
        ("OSTIARY_SMTP_URL", "smtp://mail.example.com"),
        ("OSTIARY_SMTP_URL_FILE", &token),
        ("OSTIARY_DATABASE_URL_FILE", missing.to_str().unwrap()),
        ("OSTIARY_LISTEN_ADDRESS", "x"),
    ]);
    assert!(err.contains("(3 problems)"), "{err}");
    assert!(err.contains("OSTIARY_SMTP_URL_FILE:"), "{err}");
    assert!(err.contains("OSTIARY_DATABASE_URL_FILE:"), "{err}");
    assert!(err.contains("listen_address"), "{err}");
}

/// Regression: a malformed database URL (a password pasted without a
/// scheme, or a scheme-less DSN) is refused without echoing it.
#[test]
fn a_malformed_database_url_is_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for url in [
        "host=db user=ostiary password=TOPSECRET",
        "mysql://ostiary:TOPSECRET@db/ostiary",
        "TOPSECRET",
    ] {
        let out = ostiary(
            d,
            &["config", "check"],
            &[("OSTIARY_DATABASE_URL", url)],
            None,
        );
        assert_eq!(out.status.code(), Some(2), "{url}");
        let err = text(&out.stderr);
        assert!(err.contains("unsupported database URL scheme"), "{err}");
        assert!(!err.contains("TOPSECRET"), "{err}");
    }
}

#[test]
fn a_loaded_config_never_prints_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secrets.toml");
    std::fs::write(
        &file,
        r#"
database_url = "postgres://ostiary:db-TOPSECRET@db/ostiary"
setup_token = "token-TOPSECRET-0123456789"
smtp_url = "smtps://ops:url-TOPSECRET@mail.example.com"

[mail]
password = "mail-TOPSECRET"
"#,
    )
    .unwrap();
    let (config, _) = ostiary::config::load(Some(&file)).unwrap();
    assert_eq!(
        config.database_url.expose(),
        "postgres://ostiary:db-TOPSECRET@db/ostiary"
    );
    assert_eq!(
        config.setup_token.as_ref().map(|t| t.expose()),
        Some("token-TOPSECRET-0123456789")
    );
    assert_eq!(
        config.smtp_url.as_ref().map(|u| u.expose()),
        Some("smtps://ops:url-TOPSECRET@mail.example.com")
    );
    assert_eq!(
        config.mail.password.as_ref().map(|p| p.expose()),
        Some("mail-TOPSECRET")
    );
    for shown in [
        format!("{config:?}"),
        format!("{config:#?}"),
        format!("{:?}", config.mail),
        format!("{}", config.database_url),
    ] {
        assert!(!shown.contains("TOPSECRET"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    // Nor do the SMTP settings built from them.
    let settings = ostiary::mail::transport::Settings::from_config(&config)
        .unwrap()
        .unwrap();
    assert!(!format!("{settings:?}").contains("TOPSECRET"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_state_never_prints_secrets() {
    let app = TestApp::spawn_with(Backend::Sqlite, |c| {
        c.setup_token = Some("token-TOPSECRET-0123456789".into());
        c.mail.password = Some("mail-TOPSECRET".into());
    })
    .await;
    let shown = format!("{:?}", app.state);
    assert!(shown.contains("[redacted]"), "{shown}");
    assert!(!shown.contains("TOPSECRET"), "{shown}");
}

crate::on_all_backends!(served_from_secret_files);

/// Ends the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn served_from_secret_files(backend: Backend) {
    // `ostiary serve` takes its database and its setup token from files, as
    // with Docker or Kubernetes secrets.
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db_file = secret_file(d, "db", &format!("{}\n", db.url));
    let token_file = secret_file(d, "token", &format!("{TOKEN}\n"));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = d.join("server.log");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ostiary"));
    cmd.current_dir(d)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::from(
            std::fs::File::create(d.join("server.out")).unwrap(),
        ))
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
    for (key, _) in std::env::vars() {
        if key.starts_with("OSTIARY_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.env("OSTIARY_LOG_LEVEL", "info")
        .env("OSTIARY_LISTEN", format!("127.0.0.1:{port}"))
        .env("OSTIARY_MANAGEMENT_LISTEN", "")
        .env("OSTIARY_DATABASE_URL_FILE", &db_file)
        .env("OSTIARY_SETUP_TOKEN_FILE", &token_file);
    let mut server = Server(cmd.spawn().unwrap());

    let base = format!("http://127.0.0.1:{port}");
    let mut b = Browser::new(&base);
    let started = Instant::now();
    let page = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!(
                "the server exited ({status}):\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        if reqwest::get(format!("{base}/setup")).await.is_ok() {
            break b.get("/setup").await;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start:\n{}",
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(r#"name="setup_token""#), "{}", page.body);
    let csrf = page.csrf();
    let mut fields = root_setup_form(&csrf, "wrong");
    let refused = b.post_form("/setup", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    // The token from the file, without its line break.
    fields[4].1 = TOKEN;
    let done = b.post_form("/setup", &fields).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    drop(server);

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("configured setup_token"), "{logged}");
    assert!(!logged.contains(TOKEN), "{logged}");
    // The administrator is in the database the file named.
    let err = fails(
        d,
        &["user", "create", "--email", "root@example.com"],
        &[("OSTIARY_DATABASE_URL", db.url.as_str())],
        1,
    );
    assert!(err.contains("already exists"), "{err}");
}
