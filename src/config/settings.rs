//! The settings structs, documented field by field, with their defaults.
//! Every struct refuses unknown fields so a typo is an error, not a silent
//! default.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::config::secret::Secret;

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Public URL of this identity provider (the OIDC issuer). Links and
    /// redirects are built from it, never from the `Host` header.
    pub issuer: String,
    /// `host:port` to listen on.
    pub listen: String,
    /// `host:port` of the management listener (`/metrics`, `/healthz`,
    /// `/readyz`), never public (S1); empty turns it off.
    pub management_listen: String,
    /// `sqlite://PATH` or `postgres://…` (secret: may hold a password;
    /// also `OSTIARY_DATABASE_URL_FILE`).
    pub database_url: Secret,
    /// Directory for the SQLite database and the generated master key.
    pub data_dir: PathBuf,
    /// File holding the base64 master key; generated in `data_dir` when unset.
    pub master_key_file: Option<PathBuf>,
    /// Earlier master key files, only to unwrap data keys still wrapped by
    /// them while `ostiary keys rotate-master` moves them to the current one.
    pub previous_master_key_files: Vec<PathBuf>,
    /// Where the master key lives: `local` (the file above), a PKCS#11
    /// token or AWS KMS (docs/keys.md).
    pub master_key: MasterKeyConfig,
    /// Earlier master keys of any provider (`[[previous_master_keys]]`,
    /// each like `[master_key]`, a `local` one with `file`), only to unwrap
    /// while `ostiary keys rotate-master` moves data keys to the current one.
    pub previous_master_keys: Vec<MasterKeyConfig>,
    /// `text` or `json`.
    pub log_format: String,
    /// A tracing filter such as `info` or `ostiary=debug,info`.
    pub log_level: String,
    /// Reverse proxies whose `X-Forwarded-For` header is believed: their
    /// addresses, or networks in CIDR notation.
    pub trusted_proxies: Vec<super::proxies::TrustedProxy>,
    /// Optional one-time secret required by `/setup` (field `setup_token`;
    /// also `OSTIARY_SETUP_TOKEN_FILE`).
    pub setup_token: Option<Secret>,
    /// Name of the organization created by `/setup`.
    pub default_organization: String,
    pub database: DatabaseConfig,
    pub server: ServerConfig,
    pub session: SessionConfig,
    pub password: PasswordConfig,
    pub throttle: ThrottleConfig,
    pub oidc: OidcConfig,
    /// SMTP server, `smtp://[user:pass@]host:port` or `smtps://…` (implicit
    /// TLS). Unset: messages are written to the log (development only).
    /// Secret (may hold a password; also `OSTIARY_SMTP_URL_FILE`).
    pub smtp_url: Option<Secret>,
    /// Sign-in needs a verified email address (S2).
    pub require_verified_email: bool,
    pub mail: MailConfig,
    pub webhooks: WebhooksConfig,
    pub keys: KeysConfig,
    pub alerts: AlertsConfig,
    pub registration: RegistrationConfig,
    pub audit: AuditConfig,
}

/// The audit log (S9, docs/audit.md): `[audit]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// How often each instance's sealer links new audit rows into the hash
    /// chain, in milliseconds; 0 turns it off (tests seal by hand).
    pub seal_interval_ms: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            seal_interval_ms: 200,
        }
    }
}

/// Dynamic client registration (RFC 7591 / 7592, S3, SR-141,
/// docs/oidc.md): `[registration]`, e.g. `OSTIARY_REGISTRATION__MODE=token`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RegistrationConfig {
    /// `off` (the default: no `/register`, not in discovery), `token`
    /// (`POST /register` needs an initial access token an administrator
    /// issued) or `open` (anyone may register a client).
    pub mode: RegistrationMode,
    /// Registration attempts (`POST /register`, successful or not) one
    /// client address may make per `rate_window_secs`.
    pub rate_limit: i32,
    /// The window of `rate_limit`, in seconds.
    pub rate_window_secs: i64,
}

/// Who may register a client (`[registration] mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RegistrationMode {
    Off,
    Token,
    Open,
}

impl RegistrationMode {
    pub fn enabled(self) -> bool {
        self != Self::Off
    }
}

impl Default for RegistrationConfig {
    fn default() -> Self {
        Self {
            mode: RegistrationMode::Off,
            rate_limit: 20,
            rate_window_secs: 3600,
        }
    }
}

/// Alert rules (S9, docs/alerts.md); the rules themselves are in the
/// database, edited in the console and the admin API.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertsConfig {
    /// How often each instance evaluates new audit events against the
    /// alert rules, in milliseconds; 0 turns the background evaluator off
    /// (tests drive it by hand).
    pub worker_period_ms: u64,
    /// The language of alert mail (`en` or `de`): it goes to operators, not
    /// to a request with an `Accept-Language`.
    pub mail_locale: String,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            worker_period_ms: 1000,
            mail_locale: "en".into(),
        }
    }
}

/// Data keys in memory (S10, docs/security.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeysConfig {
    /// How long unwrapped data keys are cached: every this many seconds
    /// each instance re-reads the data keys, unwraps them again through the
    /// master key and picks up a key staged or activated by
    /// `ostiary keys rotate-data` (which waits this long between phases).
    pub data_key_cache_ttl_secs: u64,
}

impl Default for KeysConfig {
    fn default() -> Self {
        Self {
            data_key_cache_ttl_secs: 300,
        }
    }
}

/// A master key (S10, docs/keys.md): `provider` says which, the section of
/// that provider says where.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MasterKeyConfig {
    /// `local`, `pkcs11` or `aws_kms`.
    pub provider: String,
    /// `local`: the key file (for the current key `master_key_file` says
    /// the same; set one of them).
    pub file: Option<PathBuf>,
    pub pkcs11: Pkcs11Config,
    pub aws_kms: AwsKmsConfig,
}

impl Default for MasterKeyConfig {
    fn default() -> Self {
        Self {
            provider: "local".into(),
            file: None,
            pkcs11: Pkcs11Config::default(),
            aws_kms: AwsKmsConfig::default(),
        }
    }
}

/// An AES key on a PKCS#11 token (an HSM, a cloud HSM, SoftHSM2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pkcs11Config {
    /// The vendor's PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`.
    pub module: Option<PathBuf>,
    /// The label of the token holding the key.
    pub token_label: String,
    /// The label (`CKA_LABEL`) of the AES key.
    pub key_label: String,
    /// The user PIN (secret; also `OSTIARY_MASTER_KEY__PKCS11__PIN_FILE`).
    pub pin: Option<Secret>,
}

/// A symmetric AWS KMS key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AwsKmsConfig {
    /// The region, e.g. `eu-central-1`.
    pub region: String,
    /// The key ARN (best: it is stored with every wrapped data key), key id
    /// or alias.
    pub key_id: String,
    /// Another endpoint than `https://kms.<region>.amazonaws.com` (a VPC
    /// endpoint; plain http only on loopback, for a local test server).
    pub endpoint: Option<String>,
    /// The access key id; unset: `AWS_ACCESS_KEY_ID` and
    /// `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`) from the environment.
    pub access_key_id: Option<String>,
    /// Secret (also `OSTIARY_MASTER_KEY__AWS_KMS__SECRET_ACCESS_KEY_FILE`).
    pub secret_access_key: Option<Secret>,
    /// For temporary credentials (secret).
    pub session_token: Option<Secret>,
    /// Connect and request timeout of each KMS call.
    pub timeout_secs: u64,
}

impl Default for AwsKmsConfig {
    fn default() -> Self {
        Self {
            region: String::new(),
            key_id: String::new(),
            endpoint: None,
            access_key_id: None,
            secret_access_key: None,
            session_token: None,
            timeout_secs: 10,
        }
    }
}

/// Webhook delivery (S9, docs/webhooks.md).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// How often each instance turns new audit events into deliveries and
    /// sends the due ones, in milliseconds; 0 turns the background worker
    /// off (tests drive it by hand).
    pub worker_period_ms: u64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self {
            worker_period_ms: 1000,
        }
    }
}

/// Outgoing mail and the flows that send it (S6).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailConfig {
    /// Sender, e.g. `Ostiary <noreply@example.com>`.
    pub from: String,
    /// SMTP user name (overrides one in `smtp_url`).
    pub username: Option<String>,
    /// SMTP password (overrides one in `smtp_url`; also
    /// `OSTIARY_MAIL__PASSWORD_FILE`).
    pub password: Option<Secret>,
    /// `none`, `starttls` or `tls`; default: `tls` for `smtps://`, else `starttls`.
    pub tls: Option<String>,
    /// Connect and command timeout of the SMTP client.
    pub timeout_secs: u64,
    /// Lifetime of a sign-in code (at most 10 minutes, SR-93).
    pub code_ttl_secs: i64,
    /// Wrong entries allowed per code.
    pub code_attempts: i32,
    /// Codes per address per hour.
    pub codes_per_hour: i64,
    /// Codes requested from one IP per hour.
    pub codes_per_ip_per_hour: i64,
    /// Lifetime of a password reset link (at most 1 hour, SR-96).
    pub reset_ttl_secs: i64,
    /// Lifetime of an email verification link.
    pub verify_ttl_secs: i64,
    /// Reset and verification mails per address per hour.
    pub links_per_hour: i64,
    /// Default lifetime of an invitation.
    pub invitation_ttl_hours: i64,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            from: "Ostiary <noreply@localhost>".into(),
            username: None,
            password: None,
            tls: None,
            timeout_secs: 10,
            code_ttl_secs: 600,
            code_attempts: 3,
            codes_per_hour: 3,
            codes_per_ip_per_hour: 30,
            reset_ttl_secs: 3600,
            verify_ttl_secs: 24 * 3600,
            links_per_hour: 3,
            invitation_ttl_hours: 7 * 24,
        }
    }
}

/// OpenID Provider lifetimes and key handling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OidcConfig {
    /// Access token lifetime (RFC 9068 JWT; short, SR-38).
    pub access_token_ttl_secs: i64,
    /// ID token lifetime.
    pub id_token_ttl_secs: i64,
    /// Authorization code lifetime (at most 60 s, SR-30).
    pub code_ttl_secs: i64,
    /// A refresh token unused for this long expires.
    pub refresh_token_idle_secs: i64,
    /// A refresh-token family (grant) ends this long after sign-in.
    pub refresh_token_absolute_secs: i64,
    /// Device codes (RFC 8628) expire after this long.
    pub device_code_ttl_secs: i64,
    /// Minimum polling interval told to device clients.
    pub device_poll_interval_secs: i32,
    /// How long a pushed authorization request (RFC 9126) waits for its
    /// first use at `/authorize`.
    pub par_ttl_secs: i64,
    /// Every client must push its authorization requests (RFC 9126 §5);
    /// a client can also be required to alone.
    pub require_pushed_authorization_requests: bool,
    /// Longest lifetime of a signed request object (RFC 9101): its `exp`
    /// may be at most this far ahead, and its `nbf` at most this far back.
    /// Five minutes: enough for a client that signs just before the
    /// redirect (openid-client signs for 60 s) while bounding replay of a
    /// leaked request URL.
    pub request_object_max_age_secs: i64,
    /// How old a DPoP proof (RFC 9449) may be, by its `iat`; also the
    /// length of a server nonce's time window.
    pub dpop_proof_max_age_secs: i64,
    /// Demand a server-provided `nonce` in every DPoP proof (RFC 9449 §8,
    /// §9); nonces are stateless, so every instance accepts every other's.
    pub dpop_require_nonce: bool,
    /// How often each instance checks the database for rotated keys.
    pub key_refresh_secs: u64,
    /// How long a retired signing key stays published in the JWKS.
    pub key_retention_secs: i64,
    /// RSA modulus size for generated RS256 keys.
    pub rsa_bits: u32,
    /// Let outbound calls whose targets arrive from outside reach loopback
    /// and private networks (never needed for admin-registered URLs).
    pub allow_private_targets: bool,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            access_token_ttl_secs: 600,
            id_token_ttl_secs: 3600,
            code_ttl_secs: 60,
            refresh_token_idle_secs: 14 * 24 * 3600,
            refresh_token_absolute_secs: 90 * 24 * 3600,
            device_code_ttl_secs: 600,
            device_poll_interval_secs: 5,
            par_ttl_secs: 60,
            require_pushed_authorization_requests: false,
            request_object_max_age_secs: 300,
            dpop_proof_max_age_secs: 60,
            dpop_require_nonce: false,
            key_refresh_secs: 30,
            key_retention_secs: 24 * 3600,
            rsa_bits: 2048,
            allow_private_targets: false,
        }
    }
}

/// Connection pool settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// Maximum pooled connections.
    pub pool_size: u32,
    /// Seconds to wait for a pooled connection (also libpq's
    /// `connect_timeout` for a new PostgreSQL connection); then the request
    /// fails with 503.
    pub connect_timeout_secs: u64,
    /// SQLite `busy_timeout` in milliseconds: bounds every wait for the
    /// database lock (SQLite has no statement timeout).
    pub sqlite_busy_timeout_ms: u64,
    /// PostgreSQL `statement_timeout` set on every connection: no query runs
    /// longer (the request answers 503); 0 turns it off. Migrations run
    /// without it.
    pub statement_timeout_ms: u64,
    /// PostgreSQL `idle_in_transaction_session_timeout` set on every
    /// connection: a transaction left idle this long is ended by the server
    /// (its locks released); 0 turns it off.
    pub idle_in_transaction_timeout_ms: u64,
    /// While the last connection attempt failed (database down), how long a
    /// request waits for a connection before answering 503, instead of
    /// `connect_timeout_secs`.
    pub unavailable_timeout_ms: u64,
    /// How long `/readyz` waits for a connection and `SELECT 1` before it
    /// answers 503.
    pub readiness_timeout_ms: u64,
}

/// The HTTP server (`[server]`, e.g.
/// `OSTIARY_SERVER__SHUTDOWN_TIMEOUT_SECS=30`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// On SIGTERM or SIGINT: how long in-flight requests may take to finish
    /// after the listeners closed, and then (again at most this long) how
    /// long pending work (mail being sent, background jobs) may take
    /// before the process exits.
    pub shutdown_timeout_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            shutdown_timeout_secs: 30,
        }
    }
}

/// Browser session lifetimes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// A session unused for this long ends (default 8 h).
    pub idle_timeout_secs: i64,
    /// A session ends this long after sign-in, used or not (default 7 days).
    pub absolute_lifetime_secs: i64,
    /// Sensitive account changes (adding or removing a factor) need a
    /// sign-in at most this old (default 10 min, SR-82, SR-94).
    pub reauth_window_secs: i64,
}

/// Password hashing (argon2id) and password rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordConfig {
    /// Memory cost in KiB (OWASP minimum 19456).
    pub memory_kib: u32,
    /// Iterations (OWASP minimum 2).
    pub iterations: u32,
    /// Lanes (minimum 1).
    pub parallelism: u32,
    /// Concurrent hashes; 0 means the number of cores.
    pub max_concurrent_hashes: usize,
    /// How long a login waits for a hashing slot before answering 503.
    pub queue_timeout_ms: u64,
    /// Minimum length in characters (15 when the password is the only factor).
    pub min_length: usize,
}

/// Failed-login throttling, per account and per client IP.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ThrottleConfig {
    /// Failures on one account before each further attempt must wait.
    pub account_delay_after: i32,
    /// Failures on one account that lock it temporarily.
    pub account_lock_after: i32,
    /// Failures from one IP that lock that IP temporarily.
    pub ip_lock_after: i32,
    /// Failed second-factor codes (TOTP, backup code) on one account that
    /// lock that step temporarily (SR-92).
    pub second_factor_lock_after: i32,
    /// First delay; it doubles with every further failure.
    pub base_delay_ms: i64,
    /// Largest delay between attempts.
    pub max_delay_ms: i64,
    /// Length of a temporary lock.
    pub lock_secs: i64,
    /// Failures older than this (counted from the first) are forgotten.
    pub window_secs: i64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            issuer: "http://localhost:8080".into(),
            listen: "127.0.0.1:8080".into(),
            management_listen: "127.0.0.1:9464".into(),
            database_url: "sqlite://./data/ostiary.db".into(),
            data_dir: PathBuf::from("./data"),
            master_key_file: None,
            previous_master_key_files: Vec::new(),
            master_key: MasterKeyConfig::default(),
            previous_master_keys: Vec::new(),
            log_format: "text".into(),
            log_level: "info".into(),
            trusted_proxies: Vec::new(),
            setup_token: None,
            default_organization: "Default".into(),
            database: DatabaseConfig::default(),
            server: ServerConfig::default(),
            session: SessionConfig::default(),
            password: PasswordConfig::default(),
            throttle: ThrottleConfig::default(),
            oidc: OidcConfig::default(),
            smtp_url: None,
            require_verified_email: true,
            mail: MailConfig::default(),
            webhooks: WebhooksConfig::default(),
            keys: KeysConfig::default(),
            alerts: AlertsConfig::default(),
            registration: RegistrationConfig::default(),
            audit: AuditConfig::default(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            pool_size: 10,
            connect_timeout_secs: 5,
            sqlite_busy_timeout_ms: 10_000,
            statement_timeout_ms: 10_000,
            idle_in_transaction_timeout_ms: 60_000,
            unavailable_timeout_ms: 1_000,
            readiness_timeout_ms: 2_000,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout_secs: 8 * 3600,
            reauth_window_secs: 600,
            absolute_lifetime_secs: 7 * 24 * 3600,
        }
    }
}

impl Default for PasswordConfig {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
            max_concurrent_hashes: 0,
            queue_timeout_ms: 1_000,
            min_length: 15,
        }
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            account_delay_after: 3,
            account_lock_after: 10,
            ip_lock_after: 50,
            second_factor_lock_after: 5,
            base_delay_ms: 500,
            max_delay_ms: 30_000,
            lock_secs: 900,
            window_secs: 900,
        }
    }
}

/// Create `dir` (and missing parents) readable by the owner only: it holds
/// the SQLite database and the master key.
pub fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

impl Config {
    /// The master key file of the `local` provider: configured
    /// (`master_key_file` or `master_key.file`), or `master.key` in the
    /// data dir.
    pub fn master_key_path(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .or_else(|| self.master_key.file.clone())
            .unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    /// Whether the local master key file is the generated default (then it
    /// is created on first run).
    pub fn master_key_is_generated(&self) -> bool {
        self.master_key_file.is_none() && self.master_key.file.is_none()
    }

    /// Whether the issuer is served over https (then HSTS is sent).
    pub fn issuer_is_https(&self) -> bool {
        self.issuer.starts_with("https://")
    }

    /// The issuer without a trailing slash.
    pub fn public_base(&self) -> &str {
        self.issuer.trim_end_matches('/')
    }
}
