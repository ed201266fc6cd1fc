//! Graceful shutdown (issue 18 item 5): `ostiary serve` on SIGTERM stops
//! accepting connections, finishes the requests in flight with their normal
//! answers, waits for mail still being sent (its delivery record becomes
//! `sent`) and exits 0. The SMTP server here holds every connection until
//! the test releases it, so "in flight" is certain, not a matter of timing.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::cli::{ostiary, text};
use crate::helpers::{Browser, PASSWORD};
use crate::mail_sink::free_port;

const BOUND: Duration = Duration::from_secs(60);

/// An SMTP server that accepts connections but greets only once
/// released; then it takes every message (recipients recorded).
struct HeldSmtp {
    port: u16,
    accepted: mpsc::UnboundedReceiver<()>,
    release: watch::Sender<bool>,
    recipients: Arc<Mutex<Vec<String>>>,
}

impl HeldSmtp {
    async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (accepted_tx, accepted) = mpsc::unbounded_channel();
        let (release, released) = watch::channel(false);
        let recipients = Arc::new(Mutex::new(Vec::new()));
        let store = recipients.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = accepted_tx.send(());
                let mut released = released.clone();
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = released.wait_for(|r| *r).await;
                    let _ = converse(stream, store).await;
                });
            }
        });
        Self {
            port,
            accepted,
            release,
            recipients,
        }
    }

    /// Wait until Ostiary opened a connection (bounded).
    async fn wait_accepted(&mut self) {
        tokio::time::timeout(BOUND, self.accepted.recv())
            .await
            .expect("Ostiary connects to SMTP")
            .unwrap();
    }

    fn release(&self) {
        self.release.send_replace(true);
    }

    fn recipients(&self) -> Vec<String> {
        self.recipients.lock().unwrap().clone()
    }
}

/// Just enough SMTP for lettre: greet, accept everything, keep `RCPT TO`.
async fn converse(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 held ESMTP\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250 held\r\n"
        } else if upper.starts_with("RCPT TO:") {
            let to = line[8..].trim().trim_matches(['<', '>']).to_owned();
            store.lock().unwrap().push(to);
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            while let Some(data) = lines.next_line().await? {
                if data == "." {
                    break;
                }
            }
            b"250 OK queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"250 OK\r\n"
        };
        write.write_all(reply).await?;
    }
    Ok(())
}

/// `ostiary serve`, killed when the test ends early.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn mail_statuses(db: &Path) -> Vec<String> {
    let mut conn = diesel::SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    diesel::select(diesel::dsl::sql::<
        diesel::sql_types::Nullable<diesel::sql_types::Text>,
    >(
        "(SELECT group_concat(kind || ':' || status, ',') FROM mail_deliveries)",
    ))
    .get_result::<Option<String>>(&mut conn)
    .unwrap()
    .map(|s| {
        let mut all: Vec<String> = s.split(',').map(str::to_owned).collect();
        all.sort();
        all
    })
    .unwrap_or_default()
}

fn refused(port: u16) -> bool {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    )
    .is_err()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_and_mail_in_flight_then_exits_0() {
    let mut smtp = HeldSmtp::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (port, management) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("OSTIARY_ISSUER", base.clone()),
        ("OSTIARY_LISTEN", format!("127.0.0.1:{port}")),
        (
            "OSTIARY_MANAGEMENT_LISTEN",
            format!("127.0.0.1:{management}"),
        ),
        (
            "OSTIARY_SMTP_URL",
            format!("smtp://127.0.0.1:{}", smtp.port),
        ),
        ("OSTIARY_MAIL__TLS", "none".to_owned()),
        ("OSTIARY_MAIL__TIMEOUT_SECS", "60".to_owned()),
        ("OSTIARY_REQUIRE_VERIFIED_EMAIL", "false".to_owned()),
        ("OSTIARY_SERVER__SHUTDOWN_TIMEOUT_SECS", "30".to_owned()),
        ("OSTIARY_ALERTS__WORKER_PERIOD_MS", "0".to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let email = "ann@example.com";
    let out = ostiary(
        d,
        &["user", "create", "--email", email, "--password-stdin"],
        &env,
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));

    let log = d.join("server.log");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ostiary"));
    cmd.current_dir(d)
        .arg("serve")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()));
    for (key, _) in std::env::vars() {
        if key.starts_with("OSTIARY_") || key == "RUST_LOG" {
            cmd.env_remove(key);
        }
    }
    cmd.env("OSTIARY_LOG_LEVEL", "info")
        .envs(env.iter().copied());
    let mut server = Server(cmd.spawn().unwrap());
    let server_log = || std::fs::read_to_string(&log).unwrap_or_default();
    let started = Instant::now();
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        if let Some(status) = server.0.try_wait().unwrap() {
            panic!("the server exited ({status}):\n{}", server_log());
        }
        assert!(started.elapsed() < BOUND, "no start:\n{}", server_log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // A password change: its notice goes out in the background, and SMTP
    // holds it.
    let mut b = Browser::new(&base);
    let signed_in = b.login(email, PASSWORD).await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    let new_password = "another long passphrase for ann";
    let changed = b
        .submit(
            "/account/password",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert!(
        changed.status.is_redirection() || changed.status.is_success(),
        "{}",
        changed.body
    );
    smtp.wait_accepted().await;

    // A password reset request waits for SMTP within the request: in
    // flight.
    let mut reset_browser = Browser::new(&base);
    let form = reset_browser.get("/password/reset").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let reset = tokio::spawn(async move {
        reset_browser
            .post_from(&form, "/password/reset", &[("email", email)])
            .await
    });
    smtp.wait_accepted().await;

    // SIGTERM: the listeners close at once…
    let kill = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let closing = Instant::now();
    while !(refused(port) && refused(management)) {
        assert!(closing.elapsed() < BOUND, "still accepting after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // …while the request and the mail are still in flight.
    assert!(!reset.is_finished());
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "exited too early:\n{}",
        server_log()
    );

    smtp.release();
    let answer = tokio::time::timeout(BOUND, reset).await.unwrap().unwrap();
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let exited = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(closing.elapsed() < BOUND, "no exit:\n{}", server_log());
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(exited.code(), Some(0), "{}", server_log());

    // Both messages were delivered and recorded as sent.
    let mut to = smtp.recipients();
    to.sort();
    assert_eq!(to, [email, email], "{}", server_log());
    assert_eq!(
        mail_statuses(&d.join("data/ostiary.db")),
        ["password_changed:sent", "password_reset:sent"],
        "{}",
        server_log()
    );
    let logged = server_log();
    assert!(logged.contains("shutting down"), "{logged}");
    assert!(logged.contains("shutdown complete"), "{logged}");
}
