//! Master key providers (S10, SR-54; issue 16 item 5): an AES key on a
//! PKCS#11 token (SoftHSM2) and an AWS KMS key (moto's KMS-compatible
//! server) wrap the data keys. Each opens its data keys again after a
//! restart, tokens signed with keys sealed under them verify against the
//! JWKS, `keys rotate-master` moves the data keys from a local file to a
//! token and on to KMS, a wrong PIN or an unreachable KMS stops start-up
//! with a message naming the key, and every key access is logged.
//! Peers: `softhsm2` + `opensc` (apt) and `moto[server]` (pip).

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{ostiary, succeeds, text};
use crate::helpers::{Backend, TestApp, TestDatabase, peer_available};
use crate::oauth_support::{jwk_text, post};

crate::on_all_backends!(
    a_pkcs11_token_holds_the_master_key,
    aws_kms_holds_the_master_key,
    rotation_from_a_local_file_to_a_token_and_on_to_kms,
);

const SOFTHSM_MODULE: &str = "/usr/lib/softhsm/libsofthsm2.so";
const TOKEN: &str = "ostiary";
const KEY_LABEL: &str = "master";
const PIN: &str = "4711-0815";

fn installed(program: &str) -> bool {
    Command::new("which")
        .arg(program)
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn pairs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn owned(env: &[(&str, &str)]) -> Vec<(String, String)> {
    env.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// `log` without ANSI color sequences.
fn without_colors(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A SoftHSM2 token store of its own (its own `SOFTHSM2_CONF`) with the
/// token `ostiary` holding the non-extractable AES-256 key `master`.
struct SoftHsm {
    dir: tempfile::TempDir,
    conf: PathBuf,
}

impl SoftHsm {
    fn start() -> Option<Self> {
        let available = Path::new(SOFTHSM_MODULE).is_file()
            && installed("softhsm2-util")
            && installed("pkcs11-tool");
        if !peer_available(
            "softhsm2",
            available,
            "apt-get install softhsm2 opensc (the module must be at /usr/lib/softhsm/libsofthsm2.so)",
        ) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).unwrap();
        let conf = dir.path().join("softhsm2.conf");
        std::fs::write(
            &conf,
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n",
                tokens.display()
            ),
        )
        .unwrap();
        run(Command::new("softhsm2-util")
            .env("SOFTHSM2_CONF", &conf)
            .args(["--init-token", "--free", "--label", TOKEN])
            .args(["--pin", PIN, "--so-pin", "12345678"]));
        run(Command::new("pkcs11-tool")
            .env("SOFTHSM2_CONF", &conf)
            .args(["--module", SOFTHSM_MODULE, "--token-label", TOKEN])
            .args(["--login", "--pin", PIN, "--keygen", "--key-type", "AES:32"])
            .args(["--label", KEY_LABEL, "--sensitive"]));
        std::fs::write(dir.path().join("pin"), format!("{PIN}\n")).unwrap();
        std::fs::write(dir.path().join("wrong-pin"), "1234\n").unwrap();
        Some(Self { dir, conf })
    }

    /// The environment of an `ostiary` using the token's key, with the PIN
    /// from `pin_file` (`pin` or `wrong-pin`).
    fn env(&self, pin_file: &str) -> Vec<(String, String)> {
        let pin = self.dir.path().join(pin_file);
        owned(&[
            ("SOFTHSM2_CONF", self.conf.to_str().unwrap()),
            ("OSTIARY_MASTER_KEY__PROVIDER", "pkcs11"),
            ("OSTIARY_MASTER_KEY__PKCS11__MODULE", SOFTHSM_MODULE),
            ("OSTIARY_MASTER_KEY__PKCS11__TOKEN_LABEL", TOKEN),
            ("OSTIARY_MASTER_KEY__PKCS11__KEY_LABEL", KEY_LABEL),
            (
                "OSTIARY_MASTER_KEY__PKCS11__PIN_FILE",
                pin.to_str().unwrap(),
            ),
        ])
    }
}

/// moto's KMS-compatible server on a free loopback port.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Moto {
    fn start() -> Option<Self> {
        let available = Command::new("python3")
            .args(["-c", "import moto.server"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !peer_available(
            "moto",
            available,
            "pip install 'moto[server]==5.2.1' (a local AWS KMS)",
        ) {
            return None;
        }
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let moto = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "moto did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(moto)
    }

    fn client(&self) -> ostiary::crypto::providers::aws_kms::KmsClient {
        ostiary::crypto::providers::aws_kms::KmsClient::new(
            "us-east-1",
            Some(&self.endpoint),
            ostiary::crypto::providers::sigv4::Credentials {
                access_key_id: "AKIDTEST".into(),
                secret_access_key: zeroize::Zeroizing::new("test-secret".into()),
                session_token: None,
            },
            Duration::from_secs(10),
        )
        .unwrap()
    }

    /// A new symmetric key; its ARN.
    fn create_key(&self) -> String {
        let made = self
            .client()
            .call("TrentService.CreateKey", &json!({}))
            .unwrap();
        made["KeyMetadata"]["Arn"].as_str().unwrap().to_owned()
    }

    /// The environment of an `ostiary` using the KMS key `arn`.
    fn env(&self, arn: &str) -> Vec<(String, String)> {
        owned(&[
            ("OSTIARY_MASTER_KEY__PROVIDER", "aws_kms"),
            ("OSTIARY_MASTER_KEY__AWS_KMS__REGION", "us-east-1"),
            ("OSTIARY_MASTER_KEY__AWS_KMS__KEY_ID", arn),
            (
                "OSTIARY_MASTER_KEY__AWS_KMS__ENDPOINT",
                self.endpoint.as_str(),
            ),
            ("OSTIARY_MASTER_KEY__AWS_KMS__ACCESS_KEY_ID", "AKIDTEST"),
            (
                "OSTIARY_MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY",
                "test-secret",
            ),
        ])
    }

    /// The same as configuration.
    fn configure(&self, key: &mut ostiary::config::MasterKeyConfig, arn: &str) {
        key.provider = "aws_kms".into();
        key.aws_kms.region = "us-east-1".into();
        key.aws_kms.key_id = arn.into();
        key.aws_kms.endpoint = Some(self.endpoint.clone());
        key.aws_kms.access_key_id = Some("AKIDTEST".into());
        key.aws_kms.secret_access_key = Some("test-secret".into());
    }
}

/// The master key id each data key row names.
async fn wrapped_by(url: &str) -> Vec<String> {
    let db = ostiary::db::Db::connect(url, &ostiary::config::DatabaseConfig::default()).unwrap();
    db.run(ostiary::store::data_keys::all)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.master_key_id)
        .collect()
}

/// Verify `jwt` with the key its `kid` names in `jwks`; the claims.
fn verified(jwt: &str, jwks: &Value) -> Value {
    let (header, _) = crate::oauth_support::decode(jwt);
    let kid = header["kid"].as_str().unwrap();
    assert_eq!(header["alg"], "RS256", "{header}");
    let jwk = josekit::jwk::Jwk::from_bytes(jwk_text(jwks, kid).as_bytes()).unwrap();
    let verifier = josekit::jws::RS256.verifier_from_jwk(&jwk).unwrap();
    let (payload, _) = josekit::jwt::decode_with_verifier(jwt, &verifier).unwrap();
    Value::Object(payload.claims_set().clone())
}

async fn a_pkcs11_token_holds_the_master_key(backend: Backend) {
    let Some(hsm) = SoftHsm::start() else {
        return;
    };
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let mut env = hsm.env("pin");
    env.extend(owned(&[
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_LOG_LEVEL", "info"),
    ]));

    // First start: the data keys are made and wrapped by the token's key;
    // each wrap and unwrap is logged, without key material.
    let out = ostiary(dir.path(), &["keys", "list"], &pairs(&env), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before: Value = serde_json::from_slice(&out.stdout).unwrap();
    let log = without_colors(&text(&out.stderr));
    for needle in [
        "key access",
        "provider=\"pkcs11\"",
        "master_key=\"pkcs11:ostiary/master\"",
        "operation=\"wrap\"",
        "operation=\"unwrap\"",
        "outcome=\"success\"",
        "duration_ms=",
    ] {
        assert!(log.contains(needle), "{needle} in {log}");
    }
    assert!(!log.contains(PIN), "{log}");
    let ids = wrapped_by(&db.url).await;
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.iter().all(|id| id == "pkcs11:ostiary/master"),
        "{ids:?}"
    );
    // No local master key file was made.
    assert!(!dir.path().join("data/master.key").exists());

    // Again (a restart): the same signing keys, opened through the token.
    let again = succeeds(dir.path(), &["keys", "list"], &pairs(&env));
    assert_eq!(before, again);

    // A wrong PIN, a missing key, a missing module: start-up stops with a
    // message naming what is wrong.
    let mut wrong = hsm.env("wrong-pin");
    wrong.push(("OSTIARY_DATABASE_URL".into(), db.url.clone()));
    let out = ostiary(dir.path(), &["keys", "list"], &pairs(&wrong), None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("wrong PIN for PKCS#11 token \"ostiary\""),
        "{}",
        text(&out.stderr)
    );
    let mut other_key = env.clone();
    other_key.push((
        "OSTIARY_MASTER_KEY__PKCS11__KEY_LABEL".into(),
        "nope".into(),
    ));
    let out = ostiary(dir.path(), &["keys", "list"], &pairs(&other_key), None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("no AES secret key labelled \"nope\" on PKCS#11 token \"ostiary\""),
        "{}",
        text(&out.stderr)
    );
    let mut no_module = env.clone();
    no_module.push((
        "OSTIARY_MASTER_KEY__PKCS11__MODULE".into(),
        "/nonexistent/libsofthsm2.so".into(),
    ));
    let out = ostiary(dir.path(), &["keys", "list"], &pairs(&no_module), None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr)
            .contains("master_key.pkcs11.module: /nonexistent/libsofthsm2.so does not exist"),
        "{}",
        text(&out.stderr)
    );
    // A local master key cannot open what the token wrapped.
    let local = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    let out = ostiary(dir.path(), &["keys", "list"], &local, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is wrapped by master key pkcs11:ostiary/master"),
        "{}",
        text(&out.stderr)
    );

    // The server on the token's key signs tokens that verify against its JWKS.
    let created = succeeds(
        dir.path(),
        &[
            "client",
            "create",
            "--name",
            "Service",
            "--id",
            "svc",
            "--grant-type",
            "client_credentials",
            "--scope",
            "api.read",
        ],
        &pairs(&env),
    );
    let secret = created["client_secret"].as_str().unwrap().to_owned();
    let server = Served::start(dir.path(), &env);
    let http = reqwest::Client::new();
    let res = http
        .post(format!("{}/token", server.base))
        .basic_auth("svc", Some(&secret))
        .form(&[("grant_type", "client_credentials"), ("scope", "api.read")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    let jwks: Value = http
        .get(format!("{}/jwks", server.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let claims = verified(body["access_token"].as_str().unwrap(), &jwks);
    assert_eq!(claims["client_id"], "svc");
}

/// `ostiary serve` with `env`, stopped when dropped.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    fn start(dir: &Path, env: &[(String, String)]) -> Self {
        let port = free_port();
        let log = dir.join("server.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_ostiary"));
        cmd.current_dir(dir)
            .arg("serve")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
        for (key, _) in std::env::vars() {
            if key.starts_with("OSTIARY_") || key == "RUST_LOG" {
                cmd.env_remove(key);
            }
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.env("OSTIARY_LISTEN", format!("127.0.0.1:{port}"))
            .env("OSTIARY_MANAGEMENT_LISTEN", "");
        let mut served = Self {
            child: cmd.spawn().unwrap(),
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = served.child.try_wait().unwrap() {
                panic!(
                    "the server exited ({status}):\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start:\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        served.base = format!("http://127.0.0.1:{port}");
        served
    }
}

async fn aws_kms_holds_the_master_key(backend: Backend) {
    let Some(kms) = Moto::start() else {
        return;
    };
    let arn = kms.create_key();
    let app =
        TestApp::spawn_with(backend.clone(), |c| kms.configure(&mut c.master_key, &arn)).await;
    let ids = wrapped_by(&app.db.url).await;
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(
        ids.iter().all(|id| *id == format!("aws-kms:{arn}")),
        "{ids:?}"
    );

    // A token signed with a key sealed under the KMS-wrapped data key
    // verifies against the JWKS.
    let svc = app
        .client("svc")
        .grants(&["client_credentials"])
        .no_redirect_uris()
        .scopes(&["api.read"])
        .register()
        .await;
    let secret = svc.secret.clone().unwrap();
    let form = [("grant_type", "client_credentials"), ("scope", "api.read")];
    let res = post(&app, "/token", &form, Some(("svc", &secret))).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.json);
    let jwks: Value = serde_json::from_str(&app.browser().get("/jwks").await.body).unwrap();
    let claims = verified(res.json["access_token"].as_str().unwrap(), &jwks);
    assert_eq!(claims["client_id"], "svc");

    // Another instance (a restart) opens the same keys through KMS.
    let second = app.second_instance().await;
    let again: Value = serde_json::from_str(&second.browser().get("/jwks").await.body).unwrap();
    assert_eq!(jwks, again);

    // KMS refuses a data key of another KMS key, and the message says so.
    let other = kms.create_key();
    let provider =
        ostiary::crypto::providers::aws_kms::AwsKmsKeyProvider::new(&other, kms.client()).unwrap();
    let mine =
        ostiary::crypto::providers::aws_kms::AwsKmsKeyProvider::new(&arn, kms.client()).unwrap();
    use ostiary::crypto::KeyProvider;
    let wrapped = mine.wrap(&[7u8; 32], "data-key:dk-x:data").unwrap();
    assert_eq!(
        &*mine.unwrap(&wrapped, "data-key:dk-x:data").unwrap(),
        &[7u8; 32]
    );
    let err = provider
        .unwrap(&wrapped, "data-key:dk-x:data")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "cannot unwrap data key dk-x with KMS key {other}: AccessDeniedException"
        )),
        "{err}"
    );
    // The context is bound: another data key's context does not open it.
    let err = mine
        .unwrap(&wrapped, "data-key:dk-y:data")
        .unwrap_err()
        .to_string();
    assert!(err.contains("InvalidCiphertextException"), "{err}");

    // KMS unreachable: start-up stops, naming the data key and the KMS
    // key, and the failure is audited.
    let mut config = app.config.clone();
    let data = tempfile::tempdir().unwrap();
    config.data_dir = data.path().to_path_buf();
    config.master_key.aws_kms.endpoint = Some(format!("http://127.0.0.1:{}", free_port()));
    config.master_key.aws_kms.timeout_secs = 2;
    let err = match ostiary::app::Application::build(config, ostiary::app::Options::default()).await
    {
        Ok(_) => panic!("started without KMS"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("cannot unwrap data key")
            && err.contains(&format!("with KMS key {arn}: ConnectionFailed")),
        "{err}"
    );
    let failed = app.audit_rows("key.master_unwrap_failed").await;
    assert_eq!(failed.len(), 1);
    assert!(app.db_run(ostiary::audit::verify).await.ok);
}

async fn rotation_from_a_local_file_to_a_token_and_on_to_kms(backend: Backend) {
    let Some(hsm) = SoftHsm::start() else {
        return;
    };
    let Some(kms) = Moto::start() else {
        return;
    };
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let database = owned(&[("OSTIARY_DATABASE_URL", db.url.as_str())]);
    // The first start makes the local master key file and the data keys.
    let before = succeeds(dir.path(), &["keys", "list"], &pairs(&database));
    let old = dir.path().join("data/master.key");
    let previous = format!("[\"{}\"]", old.display());

    // Local file → token: the token's key current, the file previous.
    let mut to_token = hsm.env("pin");
    to_token.extend(database.clone());
    let mut rotating = to_token.clone();
    rotating.push(("OSTIARY_PREVIOUS_MASTER_KEY_FILES".into(), previous));
    let rotated = succeeds(dir.path(), &["keys", "rotate-master"], &pairs(&rotating));
    assert_eq!(rotated["master_key_id"], "pkcs11:ostiary/master");
    assert_eq!(
        rotated["rewrapped"].as_array().unwrap().len(),
        3,
        "{rotated}"
    );
    let ids = wrapped_by(&db.url).await;
    assert!(
        ids.iter().all(|id| id == "pkcs11:ostiary/master"),
        "{ids:?}"
    );
    // The token alone opens everything.
    assert_eq!(
        succeeds(dir.path(), &["keys", "list"], &pairs(&to_token)),
        before
    );

    // Token → KMS: the token named in `[[previous_master_keys]]`.
    let arn = kms.create_key();
    let config = dir.path().join("ostiary.toml");
    std::fs::write(
        &config,
        format!(
            "[[previous_master_keys]]\nprovider = \"pkcs11\"\n\
             [previous_master_keys.pkcs11]\nmodule = \"{SOFTHSM_MODULE}\"\n\
             token_label = \"{TOKEN}\"\nkey_label = \"{KEY_LABEL}\"\npin = \"{PIN}\"\n"
        ),
    )
    .unwrap();
    let mut to_kms = kms.env(&arn);
    to_kms.extend(database);
    let mut rotating = to_kms.clone();
    rotating.push(("SOFTHSM2_CONF".into(), hsm.conf.to_str().unwrap().into()));
    let rotated = succeeds(dir.path(), &["keys", "rotate-master"], &pairs(&rotating));
    assert_eq!(rotated["master_key_id"], format!("aws-kms:{arn}"));
    assert_eq!(
        rotated["rewrapped"].as_array().unwrap().len(),
        3,
        "{rotated}"
    );
    // KMS alone (no previous keys) opens everything.
    std::fs::remove_file(&config).unwrap();
    assert_eq!(
        succeeds(dir.path(), &["keys", "list"], &pairs(&to_kms)),
        before
    );
    let ids = wrapped_by(&db.url).await;
    assert!(
        ids.iter().all(|id| *id == format!("aws-kms:{arn}")),
        "{ids:?}"
    );

    // Each re-wrap is audited, by the CLI.
    let url = db.url.clone();
    let app = TestApp::spawn_with(backend, |c| {
        c.database_url = url.into();
        kms.configure(&mut c.master_key, &arn);
    })
    .await;
    let rewrapped = app.audit_rows("key.master_rewrapped").await;
    assert_eq!(rewrapped.len(), 6);
    assert!(app.db_run(ostiary::audit::verify).await.ok);
}
