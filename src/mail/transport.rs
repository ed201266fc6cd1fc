//! The SMTP transport (lettre, async on tokio: sending never blocks a
//! worker thread), built from `smtp_url` and `[mail]`. Without `smtp_url`
//! messages are written to the log instead (development only).

use std::time::Duration;

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::Rendered;
use crate::config::{Config, Secret};

/// TLS mode of the SMTP connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain text (local relays and tests only).
    None,
    /// STARTTLS required before anything is sent.
    StartTls,
    /// Implicit TLS (`smtps://`, port 465).
    Tls,
}

/// Parsed SMTP settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// User name and password (the password never prints).
    pub credentials: Option<(String, Secret)>,
    pub from: Mailbox,
    pub timeout: Duration,
}

/// Parse the sender address (also used without SMTP).
pub fn from_address(config: &Config) -> Result<Mailbox, String> {
    config.mail.from.parse::<Mailbox>().map_err(|e| {
        format!(
            "mail.from: {:?} is not an email address ({e})",
            config.mail.from
        )
    })
}

impl Settings {
    /// The SMTP settings, `None` when `smtp_url` is unset; each problem is
    /// one sentence naming the key.
    pub fn from_config(config: &Config) -> Result<Option<Self>, Vec<String>> {
        let mut problems = Vec::new();
        let from = from_address(config).map_err(|p| problems.push(p)).ok();
        let tls_setting = match config.mail.tls.as_deref() {
            None => None,
            Some("none") => Some(TlsMode::None),
            Some("starttls") => Some(TlsMode::StartTls),
            Some("tls") => Some(TlsMode::Tls),
            Some(other) => {
                problems.push(format!(
                    "mail.tls: {other:?} is not one of \"none\", \"starttls\", \"tls\""
                ));
                None
            }
        };
        if config.mail.timeout_secs == 0 {
            problems.push("mail.timeout_secs: must be at least 1".into());
        }
        let m = &config.mail;
        if !(60..=600).contains(&m.code_ttl_secs) {
            problems.push("mail.code_ttl_secs: must be between 60 and 600 (SR-93)".into());
        }
        if !(60..=3600).contains(&m.reset_ttl_secs) {
            problems.push("mail.reset_ttl_secs: must be between 60 and 3600 (SR-96)".into());
        }
        for (name, value) in [
            ("code_attempts", i64::from(m.code_attempts)),
            ("codes_per_hour", m.codes_per_hour),
            ("codes_per_ip_per_hour", m.codes_per_ip_per_hour),
            ("verify_ttl_secs", m.verify_ttl_secs),
            ("links_per_hour", m.links_per_hour),
            ("invitation_ttl_hours", m.invitation_ttl_hours),
        ] {
            if value <= 0 {
                problems.push(format!("mail.{name}: must be positive"));
            }
        }
        let Some(raw) = config
            .smtp_url
            .as_ref()
            .map(Secret::expose)
            .filter(|u| !u.is_empty())
        else {
            return if problems.is_empty() {
                Ok(None)
            } else {
                Err(problems)
            };
        };
        let url = match url::Url::parse(raw) {
            Ok(url) => url,
            Err(e) => {
                problems.push(format!(
                    "smtp_url: not a URL such as smtp://mail.example.com:587 ({e})"
                ));
                return Err(problems);
            }
        };
        let (default_tls, default_port) = match url.scheme() {
            "smtp" => (TlsMode::StartTls, 587),
            "smtps" => (TlsMode::Tls, 465),
            other => {
                problems.push(format!("smtp_url: scheme {other:?} is not smtp or smtps"));
                (TlsMode::StartTls, 587)
            }
        };
        let host = url
            .host_str()
            .unwrap_or_default()
            .trim_matches(['[', ']'])
            .to_owned();
        if host.is_empty() {
            problems.push("smtp_url: has no host".into());
        }
        let url_user = percent_decode(url.username());
        let url_pass = url.password().map(|p| Secret::from(percent_decode(p)));
        let user = m
            .username
            .clone()
            .or((!url_user.is_empty()).then_some(url_user));
        let pass = m.password.clone().or(url_pass);
        let credentials = match (user, pass) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => {
                problems.push("smtp_url: a user name needs a password and vice versa".into());
                None
            }
        };
        let tls = tls_setting.unwrap_or(default_tls);
        if !problems.is_empty() {
            return Err(problems);
        }
        let Some(from) = from else {
            return Err(problems);
        };
        Ok(Some(Self {
            host,
            port: url.port().unwrap_or(default_port),
            tls,
            credentials,
            from,
            timeout: Duration::from_secs(config.mail.timeout_secs),
        }))
    }
}

/// Decode `%XX` escapes of URL user info.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where messages go.
#[derive(Clone)]
enum Target {
    /// A pooled async SMTP client.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// No SMTP configured: messages are logged (development).
    Log,
}

/// Sends mail on the main tokio runtime (never on an HTTP worker's thread).
#[derive(Clone)]
pub struct Mailer {
    target: Target,
    from: Mailbox,
    runtime: tokio::runtime::Handle,
    /// Where delivery records go, and their clock.
    pub(super) db: crate::db::Db,
    pub(super) clock: std::sync::Arc<dyn crate::clock::Clock>,
    /// Background sends in flight; shutdown waits for them.
    pub pending: super::pending::Pending,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let target = match self.target {
            Target::Smtp(_) => "smtp",
            Target::Log => "log",
        };
        f.debug_struct("Mailer").field("target", &target).finish()
    }
}

impl Mailer {
    /// Build from the configuration (already validated); sending runs on
    /// `runtime`, delivery records go to `db` stamped by `clock`.
    pub fn from_config(
        config: &Config,
        runtime: tokio::runtime::Handle,
        db: crate::db::Db,
        clock: std::sync::Arc<dyn crate::clock::Clock>,
    ) -> Result<Self, String> {
        let settings = Settings::from_config(config).map_err(|p| p.join("; "))?;
        let Some(s) = settings else {
            return Ok(Self {
                target: Target::Log,
                from: from_address(config)?,
                pending: super::pending::Pending::new(runtime.clone()),
                runtime,
                db,
                clock,
            });
        };
        let tls_params = || {
            TlsParameters::new(s.host.clone())
                .map_err(|e| format!("smtp_url: cannot set up TLS for {}: {e}", s.host))
        };
        let tls = match s.tls {
            TlsMode::None => Tls::None,
            TlsMode::StartTls => Tls::Required(tls_params()?),
            TlsMode::Tls => Tls::Wrapper(tls_params()?),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
            .port(s.port)
            .tls(tls)
            .timeout(Some(s.timeout));
        if let Some((user, pass)) = s.credentials {
            builder = builder.credentials(Credentials::new(user, pass.expose().to_owned()));
        }
        Ok(Self {
            target: Target::Smtp(builder.build()),
            from: s.from,
            pending: super::pending::Pending::new(runtime.clone()),
            runtime,
            db,
            clock,
        })
    }

    /// Whether messages only go to the log.
    pub fn is_log_only(&self) -> bool {
        matches!(self.target, Target::Log)
    }

    /// Send one message; the error is a reason safe to store (no secrets).
    pub async fn send(&self, to: &str, rendered: &Rendered) -> Result<(), String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e| format!("invalid recipient address: {e}"))?;
        let transport = match &self.target {
            Target::Log => {
                tracing::info!(
                    to = %to,
                    subject = %rendered.subject,
                    body = %rendered.text,
                    "development mail (no smtp_url configured)"
                );
                return Ok(());
            }
            Target::Smtp(transport) => transport.clone(),
        };
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                rendered.text.clone(),
                rendered.html.clone(),
            ))
            .map_err(|e| format!("cannot build the message: {e}"))?;
        self.runtime
            .spawn(async move { transport.send(message).await.map(|_| ()) })
            .await
            .map_err(|e| format!("mail task failed: {e}"))?
            .map_err(|e| format!("SMTP delivery failed: {e}"))
    }

    /// Check that the SMTP server answers (used where no message is sent,
    /// so the answer does not depend on whether an account exists).
    pub async fn probe(&self) -> Result<(), String> {
        let transport = match &self.target {
            Target::Log => return Ok(()),
            Target::Smtp(transport) => transport.clone(),
        };
        match self
            .runtime
            .spawn(async move { transport.test_connection().await })
            .await
        {
            Ok(Ok(true)) => Ok(()),
            Ok(Ok(false)) => Err("SMTP server did not accept the connection".into()),
            Ok(Err(e)) => Err(format!("SMTP connection failed: {e}")),
            Err(e) => Err(format!("mail task failed: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(url: &str) -> Config {
        Config {
            smtp_url: Some(url.into()),
            ..Config::default()
        }
    }

    #[test]
    fn parses_urls() {
        let s = Settings::from_config(&with("smtp://u:p%40ss@mail.example.com"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.tls),
            ("mail.example.com", 587, TlsMode::StartTls)
        );
        let (user, pass) = s.credentials.unwrap();
        assert_eq!((user.as_str(), pass.expose()), ("u", "p@ss"));
        let s = Settings::from_config(&with("smtps://mail.example.com"))
            .unwrap()
            .unwrap();
        assert_eq!((s.port, s.tls), (465, TlsMode::Tls));
        assert!(Settings::from_config(&Config::default()).unwrap().is_none());
    }

    #[test]
    fn explains_problems() {
        let mut c = with("http://x");
        c.mail.tls = Some("maybe".into());
        let problems = Settings::from_config(&c).unwrap_err();
        assert!(problems.iter().any(|p| p.starts_with("mail.tls:")));
        assert!(problems.iter().any(|p| p.starts_with("smtp_url:")));
    }
}
