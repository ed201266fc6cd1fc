//! A real SMTP server for the email tests: `tests/smtp_sink.py` (aiosmtpd)
//! in a child process, storing each received message as a JSON file.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::peer_available;

/// A running SMTP capture server; stopped on drop.
pub struct MailSink {
    pub port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

/// One received message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn aiosmtpd_installed() -> bool {
    Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A free local port (bound and released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl MailSink {
    /// Start the sink, or `None` (skipped loudly; a failure with
    /// `OSTIARY_REQUIRE_PEERS=1`) when aiosmtpd is missing.
    pub fn start() -> Option<Self> {
        if !peer_available(
            "aiosmtpd",
            aiosmtpd_installed(),
            "pip install aiosmtpd==1.4.6",
        ) {
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .args([script, &port.to_string(), dir.path().to_str().unwrap()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "READY", "SMTP sink did not start");
        Some(Self { port, dir, child })
    }

    /// `smtp_url` for Ostiary (plain SMTP, no TLS, as to a local relay).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The directory holding one JSON file per message (read by the
    /// browser suite's script).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Mail> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| {
                let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
                Mail {
                    to: v["to"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().to_owned())
                        .collect(),
                    subject: v["subject"].as_str().unwrap().to_owned(),
                    text: v["text"].as_str().unwrap().to_owned(),
                    html: v["html"].as_str().unwrap().to_owned(),
                }
            })
            .collect()
    }

    /// Messages to `to`.
    pub fn to(&self, to: &str) -> Vec<Mail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    /// Wait until `n` messages to `to` arrived; returns the newest.
    pub async fn wait_for(&self, to: &str, n: usize) -> Mail {
        for _ in 0..100 {
            let got = self.to(to);
            if got.len() >= n {
                return got.last().unwrap().clone();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no message #{n} to {to}; got {:?}", self.messages());
    }
}

impl Drop for MailSink {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The sign-in code in a message.
pub fn code_in(mail: &Mail) -> String {
    mail.text
        .split_whitespace()
        .find(|w| w.len() == 8 && w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {}", mail.text))
        .to_owned()
}

/// The first link (`http…`) in a message.
pub fn link_in(mail: &Mail) -> String {
    mail.text
        .split_whitespace()
        .find(|w| w.starts_with("http://") || w.starts_with("https://"))
        .unwrap_or_else(|| panic!("no link in {}", mail.text))
        .to_owned()
}

/// The path and query of an absolute link.
pub fn path_of(link: &str) -> String {
    let url = url::Url::parse(link).unwrap();
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}
