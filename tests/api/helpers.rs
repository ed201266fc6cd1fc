//! Test harness: `TestApp` (fresh database, real server on port 0, manual
//! clock), the one way tests register OIDC clients (`TestApp::client`), and
//! `Browser` (a cookie jar that follows nothing by itself, with the form
//! steps tests repeat: `submit`, `login`, `logout`).

use std::collections::BTreeMap;
use std::sync::Arc;

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use ostiary::app::{Application, Options};
use ostiary::clock::ManualClock;
use ostiary::config::Config;
use ostiary::crypto::signing::Alg;
use ostiary::db::DbConnection;
use ostiary::domain::UserId;
use ostiary::error::AppError;
use ostiary::oidc::clients::ClientSpec;
use ostiary::state::AppState;
use ostiary::store::sessions::AuthSession;
use ostiary::users::accounts::UserSpec;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Which database a test runs on.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `OSTIARY_TEST_DATABASE_URL` is set. Without it the
    /// test is skipped loudly, unless `OSTIARY_REQUIRE_PEERS=1` (CI), where a
    /// missing PostgreSQL is a failure.
    pub fn postgres() -> Option<Self> {
        match std::env::var("OSTIARY_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => Some(Self::Postgres(url)),
            _ => {
                if std::env::var("OSTIARY_REQUIRE_PEERS").as_deref() == Ok("1") {
                    panic!(
                        "OSTIARY_REQUIRE_PEERS=1 but OSTIARY_TEST_DATABASE_URL is not set: PostgreSQL is required"
                    );
                }
                eprintln!(
                    "SKIPPED (PostgreSQL): set OSTIARY_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres to run this test on PostgreSQL"
                );
                None
            }
        }
    }
}

/// Run each listed `async fn name(backend: Backend)` as a test on SQLite and
/// on PostgreSQL.
#[macro_export]
macro_rules! on_all_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name($crate::helpers::Backend::Sqlite).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(backend) = $crate::helpers::Backend::postgres() {
                        super::$name(backend).await
                    }
                }
            )*
        }
    };
}

/// A database made for one test and dropped after it.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub fn create(backend: &Backend) -> Self {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite://{}", dir.path().join("ostiary.db").display());
                Self {
                    url,
                    admin_url: None,
                    name: String::new(),
                    _dir: Some(dir),
                }
            }
            Backend::Postgres(admin_url) => {
                let name = format!("ostiary_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = PgConnection::establish(admin_url)
                    .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is not reachable: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE {name}"))
                    .unwrap();
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(admin_url);
                Self {
                    url: format!("{base}/{name}"),
                    admin_url: Some(admin_url.clone()),
                    name,
                    _dir: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.admin_url.is_some()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(admin) = &self.admin_url
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = conn.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// Whether a peer program is usable. Missing: skipped loudly, or a failure
/// when `OSTIARY_REQUIRE_PEERS=1` (CI).
pub fn peer_available(name: &str, available: bool, how: &str) -> bool {
    if available {
        return true;
    }
    if std::env::var("OSTIARY_REQUIRE_PEERS").as_deref() == Ok("1") {
        panic!("OSTIARY_REQUIRE_PEERS=1 but the peer {name} is missing: {how}");
    }
    eprintln!("SKIPPED: peer {name} is missing ({how})");
    false
}

/// A running Ostiary.
pub struct TestApp {
    pub base: String,
    /// The management listener (`/metrics`), on its own port.
    pub management: String,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    pub config: Config,
    pub db: Arc<TestDatabase>,
    _data: tempfile::TempDir,
}

/// The configuration tests start from: fast enough argon2 (the OWASP
/// minimum), a fresh data dir, port 0.
pub fn test_config(db: &TestDatabase, data: &std::path::Path) -> Config {
    let mut config = Config {
        listen: "127.0.0.1:0".into(),
        management_listen: "127.0.0.1:0".into(),
        database_url: db.url.clone().into(),
        data_dir: data.to_path_buf(),
        ..Config::default()
    };
    config.database.pool_size = 5;
    // Alert rules are evaluated by hand (`alerts::evaluate::run_once`):
    // a background pass would add `alert.fired` events to other tests'
    // audit logs at random moments.
    config.alerts.worker_period_ms = 0;
    // Audit rows are sealed into the hash chain by hand
    // (`TestApp::seal_audit`), so tests that tamper with the chain know
    // what is sealed; `audit::sealed_in_the_background` runs the sealer.
    config.audit.seal_interval_ms = 0;
    config
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let db = Arc::new(TestDatabase::create(&backend));
        let data = tempfile::tempdir().unwrap();
        let mut config = test_config(&db, data.path());
        tweak(&mut config);
        Self::start(config, db, data).await
    }

    /// Serve on a fixed free port with the issuer `http://localhost:PORT`, as
    /// a real browser must see it (cookies, Origin, WebAuthn).
    pub async fn spawn_for_browser(backend: Backend) -> Self {
        Self::spawn_for_browser_with(backend, |_| {}).await
    }

    /// [`Self::spawn_for_browser`] with further settings.
    pub async fn spawn_for_browser_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut app = Self::spawn_with(backend, |c| {
            c.listen = format!("127.0.0.1:{port}");
            c.issuer = format!("http://localhost:{port}");
            tweak(c);
        })
        .await;
        app.base = format!("http://localhost:{port}");
        app
    }

    /// Another instance on the same database and master key (as behind a
    /// load balancer), with its own clock and data directory.
    pub async fn second_instance(&self) -> Self {
        self.second_instance_with(|_| {}).await
    }

    /// [`Self::second_instance`] with further settings (e.g. other master
    /// key files).
    pub async fn second_instance_with(&self, tweak: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = self.config.clone();
        config.data_dir = data.path().to_path_buf();
        config.master_key_file = Some(self.config.master_key_path());
        tweak(&mut config);
        Self::start(config, self.db.clone(), data).await
    }

    async fn start(config: Config, db: Arc<TestDatabase>, data: tempfile::TempDir) -> Self {
        let clock = Arc::new(ManualClock::default());
        let app = Application::build(
            config.clone(),
            Options {
                clock: clock.clone(),
                workers: Some(2),
            },
        )
        .await
        .expect("application builds");
        let base = format!("http://127.0.0.1:{}", app.port());
        let management = format!(
            "http://127.0.0.1:{}",
            app.management_port()
                .expect("the management listener is on")
        );
        let state = app.state().clone();
        tokio::spawn(app.run_until_stopped());
        Self {
            base,
            management,
            state,
            clock,
            config,
            db,
            _data: data,
        }
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base)
    }

    /// Complete `/setup` in a new browser, which ends up signed in.
    pub async fn setup_admin(&self, email: &str, password: &str) -> Browser {
        let mut b = self.browser();
        let res = b
            .submit(
                "/setup",
                "/setup",
                &[
                    ("email", email),
                    ("display_name", "Ada Admin"),
                    ("password", password),
                    ("password_confirm", password),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        b
    }

    /// Create a user with a password directly (no HTTP).
    pub async fn create_user(&self, email: &str, password: &str) -> String {
        self.create_user_with(email, password, |_| {}).await
    }

    /// [`Self::create_user`] with other settings (organization, unverified
    /// email…) than a verified "Test User" of no organization.
    pub async fn create_user_with(
        &self,
        email: &str,
        password: &str,
        tweak: impl FnOnce(&mut UserSpec),
    ) -> String {
        let hash = self
            .state
            .hasher
            .hash(&ostiary::domain::Password::new(password.into()))
            .await
            .unwrap();
        let mut spec = UserSpec {
            email: ostiary::domain::Email::parse(email).unwrap(),
            display_name: "Test User".into(),
            password_hash: Some(hash),
            superuser: false,
            email_verified: true,
            organization: None,
        };
        tweak(&mut spec);
        let now = self.state.now();
        self.db_run(move |conn| {
            ostiary::users::accounts::create_user(
                conn,
                &ostiary::audit::Actor::system("test"),
                &spec,
                now,
            )
        })
        .await
        .id
        .into_string()
    }

    /// Delete a user as an administrator would (no HTTP).
    pub async fn delete_user(&self, user_id: &str) {
        let (id, now) = (UserId::from(user_id), self.state.now());
        self.db_run(move |conn| {
            ostiary::users::accounts::delete_user(
                conn,
                &ostiary::audit::Actor::system("test"),
                &id,
                now,
            )
        })
        .await;
    }

    /// Create `email` (password [`PASSWORD`]) and sign in through the login
    /// form in a new browser.
    pub async fn signed_in_user(&self, email: &str) -> Browser {
        self.create_user(email, PASSWORD).await;
        let (b, res) = self.login(email, PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        b
    }

    /// Sign in through the login form in a new browser.
    pub async fn login(&self, email: &str, password: &str) -> (Browser, Page) {
        let mut b = self.browser();
        let res = b.login(email, password).await;
        (b, res)
    }

    /// A new browser holding only this session cookie (an old or stolen one).
    pub fn browser_with_session(&self, cookie: &str) -> Browser {
        let mut b = self.browser();
        b.cookies.insert(SESSION_COOKIE.into(), cookie.to_owned());
        b
    }

    /// The session row behind a signed-in browser's cookie.
    pub async fn session_of(&self, b: &Browser) -> AuthSession {
        let hash =
            ostiary::crypto::token::sha256_hex(b.session_cookie().expect("signed in").as_bytes());
        self.db_run(move |conn| ostiary::store::sessions::find_by_token_hash(conn, &hash))
            .await
            .expect("a session row for the cookie")
    }

    /// Run `f` on a pooled connection (no HTTP); a database error fails the
    /// test.
    pub async fn db_run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
    ) -> T {
        self.state.db.run(f).await.unwrap()
    }

    /// Run SQL on a pooled connection.
    pub async fn sql(&self, sql: &str) -> Result<(), String> {
        let sql = sql.to_owned();
        self.db_run(move |conn| Ok(conn.batch_execute(&sql)))
            .await
            .map_err(|e| e.to_string())
    }

    /// Audit actions recorded so far, oldest first, without the `key.created`
    /// records of the signing keys generated at start-up.
    pub async fn audit_actions(&self) -> Vec<String> {
        self.db_run(|conn| {
            let mut all = Vec::new();
            let mut after = 0;
            loop {
                let page = ostiary::store::audit::page(conn, after, 500)?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                all.extend(
                    page.into_iter()
                        .map(|r| r.action)
                        .filter(|a| a != "key.created"),
                );
            }
            Ok(all)
        })
        .await
    }

    /// The audit records with this action, newest first.
    pub async fn audit_rows(&self, action: &str) -> Vec<ostiary::store::audit::AuditRow> {
        let action = action.to_owned();
        self.db_run(move |conn| ostiary::store::audit::by_action(conn, &action))
            .await
    }

    /// Whether an audit record with this action exists.
    pub async fn audited(&self, action: &str) -> bool {
        self.audit_actions().await.iter().any(|a| a == action)
    }

    /// Assert that each of `expected` has been audited.
    pub async fn assert_audited(&self, expected: &[&str]) {
        let actions = self.audit_actions().await;
        for action in expected {
            assert!(
                actions.iter().any(|a| a == action),
                "{action} not audited: {actions:?}"
            );
        }
    }

    /// Number of audit rows (sealed or not).
    pub async fn audit_row_count(&self) -> i64 {
        use diesel::prelude::*;
        use ostiary::db::schema::security_audit_logs::dsl::*;
        self.db_run(|conn| Ok(security_audit_logs.count().get_result::<i64>(conn)?))
            .await
    }

    /// Seal every committed audit row into the hash chain now.
    pub async fn seal_audit(&self) -> ostiary::audit::seal::Pass {
        let now = self.state.now();
        self.db_run(move |conn| ostiary::audit::seal::seal_now(conn, now))
            .await
    }

    /// Number of live users.
    pub async fn user_count(&self) -> i64 {
        self.db_run(ostiary::store::users::count).await
    }

    /// Number of sessions not revoked.
    pub async fn live_session_count(&self) -> i64 {
        use diesel::prelude::*;
        use ostiary::db::schema::auth_sessions::dsl::*;
        self.db_run(|conn| {
            Ok(auth_sessions
                .filter(revoked_at.is_null())
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
    }
}

/// The redirect URI of the clients tests register.
pub const REDIRECT: &str = "https://rp.example/cb";

/// Their post-logout redirect URI.
pub const POST_LOGOUT: &str = "https://rp.example/bye";

/// A client being registered: [`TestApp::client`] starts one, each method
/// changes one setting, [`ClientBuilder::register`] stores it.
pub struct ClientBuilder<'a> {
    app: &'a TestApp,
    spec: ClientSpec,
}

/// A registered client: its id and, for a confidential one, its secret.
#[derive(Debug, Clone)]
pub struct RegisteredClient {
    pub id: String,
    pub secret: Option<String>,
}

impl TestApp {
    /// A client with the id `id`, named "App {id}": confidential, redirect
    /// URI [`REDIRECT`], post-logout URI [`POST_LOGOUT`], the server's
    /// default grants and scopes, consent asked.
    pub fn client(&self, id: &str) -> ClientBuilder<'_> {
        ClientBuilder {
            app: self,
            spec: ClientSpec {
                name: format!("App {id}"),
                id: Some(id.into()),
                redirect_uris: vec![REDIRECT.into()],
                post_logout_redirect_uris: vec![POST_LOGOUT.into()],
                ..ClientSpec::default()
            },
        }
    }

    /// A client named `name` whose id the server makes up, with no redirect
    /// or post-logout URI yet.
    pub fn client_named(&self, name: &str) -> ClientBuilder<'_> {
        ClientBuilder {
            app: self,
            spec: ClientSpec {
                name: name.into(),
                ..ClientSpec::default()
            },
        }
    }
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| (*v).to_owned()).collect()
}

impl ClientBuilder<'_> {
    pub fn name(mut self, name: &str) -> Self {
        self.spec.name = name.into();
        self
    }

    pub fn redirect_uris(mut self, uris: &[&str]) -> Self {
        self.spec.redirect_uris = strings(uris);
        self
    }

    /// No secret (token endpoint auth method `none`).
    pub fn public(mut self) -> Self {
        self.spec.public = true;
        self
    }

    pub fn post_logout_uris(mut self, uris: &[&str]) -> Self {
        self.spec.post_logout_redirect_uris = strings(uris);
        self
    }

    /// Neither redirect nor post-logout URIs (client credentials, device).
    pub fn no_redirect_uris(self) -> Self {
        self.redirect_uris(&[]).post_logout_uris(&[])
    }

    pub fn grants(mut self, grants: &[&str]) -> Self {
        self.spec.grant_types = strings(grants);
        self
    }

    /// A first-party client: no consent page.
    pub fn skip_consent(mut self) -> Self {
        self.spec.consent = Some("skip".into());
        self
    }

    pub fn scopes(mut self, scopes: &[&str]) -> Self {
        self.spec.scopes = strings(scopes);
        self
    }

    pub fn auth_method(mut self, method: &str) -> Self {
        self.spec.token_endpoint_auth_method = Some(method.into());
        self
    }

    /// Resource servers its access tokens may be for (RFC 8707).
    pub fn audiences(mut self, audiences: &[&str]) -> Self {
        self.spec.audiences = strings(audiences);
        self
    }

    /// Public keys for `private_key_jwt` (a JWKS document).
    pub fn jwks(mut self, jwks: String) -> Self {
        self.spec.jwks = Some(jwks);
        self
    }

    /// Where its public keys are fetched (instead of `jwks`).
    pub fn jwks_uri(mut self, uri: &str) -> Self {
        self.spec.jwks_uri = Some(uri.into());
        self
    }

    /// The one algorithm its request objects must use (RFC 9101).
    pub fn request_object_signing_alg(mut self, alg: &str) -> Self {
        self.spec.request_object_signing_alg = Some(alg.into());
        self
    }

    /// Authorization requests only in a signed request object (RFC 9101
    /// §10.5).
    pub fn require_signed_request_object(mut self) -> Self {
        self.spec.require_signed_request_object = true;
        self
    }

    /// Browser origins allowed to call the token endpoints (CORS).
    pub fn allowed_origins(mut self, origins: &[&str]) -> Self {
        self.spec.allowed_origins = strings(origins);
        self
    }

    /// Logo, privacy policy and terms shown to users.
    pub fn links(mut self, logo: &str, policy: &str, tos: &str) -> Self {
        self.spec.logo_uri = Some(logo.into());
        self.spec.policy_uri = Some(policy.into());
        self.spec.tos_uri = Some(tos.into());
        self
    }

    /// PKCE required although confidential.
    pub fn require_pkce(mut self) -> Self {
        self.spec.require_pkce = true;
        self
    }

    /// Authorization requests only through `/par` (RFC 9126).
    /// `public` or `pairwise` (OIDC Core §8).
    pub fn subject_type(mut self, subject_type: &str) -> Self {
        self.spec.subject_type = Some(subject_type.into());
        self
    }

    pub fn require_par(mut self) -> Self {
        self.spec.require_par = true;
        self
    }

    /// Token requests only with a DPoP proof (RFC 9449 §5.2).
    pub fn dpop_bound(mut self) -> Self {
        self.spec.dpop_bound_access_tokens = true;
        self
    }

    pub fn backchannel_logout_uri(mut self, uri: &str) -> Self {
        self.spec.backchannel_logout_uri = Some(uri.into());
        self
    }

    pub fn id_token_alg(mut self, alg: Alg) -> Self {
        self.spec.id_token_signed_response_alg = Some(alg);
        self
    }

    /// Store the client through `oidc::clients::create`, as the CLI does.
    pub async fn register(self) -> RegisteredClient {
        let Self { app, spec } = self;
        let envelope = app.state.envelope.clone();
        let now = app.state.now();
        let created = app
            .db_run(move |conn| {
                ostiary::oidc::clients::create(
                    conn,
                    &envelope,
                    &ostiary::audit::Actor::system("test"),
                    &spec,
                    now,
                )
            })
            .await;
        RegisteredClient {
            id: created.client_id.into_string(),
            secret: created.client_secret,
        }
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    /// The `csrf_token` hidden input of the (first) form.
    pub fn csrf(&self) -> String {
        hidden_input(&self.body, "csrf_token")
            .unwrap_or_else(|| panic!("no csrf_token in page:\n{}", self.body))
    }

    /// The value of the hidden input `name`, HTML escaping undone (as a
    /// browser would post it back).
    pub fn field(&self, name: &str) -> String {
        hidden_input(&self.body, name)
            .map(|v| unescape(&v))
            .unwrap_or_else(|| panic!("no {name} in page:\n{}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }
}

/// Value of `<input … name="NAME" value="…">`.
pub fn hidden_input(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let at = html.find(&marker)?;
    let tag_start = html[..at].rfind('<')?;
    let tag_end = at + html[at..].find('>')?;
    let tag = &html[tag_start..tag_end];
    let v = tag.find("value=\"")? + 7;
    let end = tag[v..].find('"')?;
    Some(tag[v..v + end].to_owned())
}

/// Undo askama's HTML escaping of an attribute value.
pub fn unescape(v: &str) -> String {
    v.replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "__Host-ostiary_session";

/// A browser: keeps cookies like one (by name; `Max-Age=0` deletes), sends
/// them on every request, follows no redirects by itself.
#[derive(Clone)]
pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    pub user_agent: String,
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
                .into(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        for value in res.headers().get_all("set-cookie") {
            let raw = value.to_str().unwrap();
            let (pair, attrs) = raw.split_once(';').unwrap_or((raw, ""));
            let (name, val) = pair.split_once('=').unwrap();
            let deleted = attrs.to_ascii_lowercase().contains("max-age=0");
            if deleted || val.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), val.trim().to_owned());
            }
        }
        Page {
            status: res.status(),
            headers: res.headers().clone(),
            body: res.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Page {
        let mut req = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    /// A request of any method without a body (the admin API).
    pub async fn send(
        &mut self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    /// A request of any method with a JSON body (the admin API).
    pub async fn send_json(
        &mut self,
        method: reqwest::Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Page {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .json(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_form_with(path, fields, &[]).await
    }

    pub async fn post_form_with(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let mut req = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("user-agent", &self.user_agent)
            .form(fields);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    /// Fill in a form the way a person does: open `page` (it must answer
    /// 200), then post `fields` to `action` with the page's CSRF token.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(page).await;
        assert_eq!(form.status, StatusCode::OK, "{page}: {}", form.body);
        self.post_from(&form, action, fields).await
    }

    /// Post `fields` to `action` with the CSRF token of `form`, a page this
    /// browser has open.
    pub async fn post_from(&mut self, form: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
        self.post_from_with(form, action, fields, &[]).await
    }

    /// [`Self::post_from`] with extra request headers.
    pub async fn post_from_with(
        &mut self,
        form: &Page,
        action: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Page {
        let csrf = form.csrf();
        let mut all = vec![("csrf_token", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_with(action, &all, headers).await
    }

    /// Fill and submit the login form.
    pub async fn login(&mut self, email: &str, password: &str) -> Page {
        self.login_from("/login", email, password).await
    }

    /// Sign in again while signed in (re-authentication): the login form
    /// posted with the account page's token.
    pub async fn reauthenticate(&mut self, email: &str, password: &str) -> Page {
        self.login_from("/account", email, password).await
    }

    async fn login_from(&mut self, page: &str, email: &str, password: &str) -> Page {
        let fields = [("email", email), ("password", password)];
        self.submit(page, "/login", &fields).await
    }

    /// Sign out through the logout page's form.
    pub async fn logout(&mut self) -> Page {
        self.submit("/logout", "/logout", &[]).await
    }

    /// Whether `/account` shows the account page (else it redirects to login).
    pub async fn is_signed_in(&mut self) -> bool {
        let page = self.get("/account").await;
        match page.status {
            StatusCode::OK => true,
            StatusCode::SEE_OTHER => {
                assert!(page.location().starts_with("/login"), "{}", page.location());
                false
            }
            other => panic!("unexpected {other}: {}", page.body),
        }
    }

    pub fn session_cookie(&self) -> Option<&String> {
        self.cookies.get(SESSION_COOKIE)
    }
}

/// A strong password for tests.
pub const PASSWORD: &str = "correct horse battery staple";

/// `tests/interop`: the node scripts and their `node_modules`.
pub fn interop_dir() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop"))
}

/// Whether node, Chromium and playwright-core are there (skips loudly, or
/// fails under `OSTIARY_REQUIRE_PEERS=1`).
pub fn browser_peer() -> bool {
    let node = std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let chromium = std::path::Path::new(
        &std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
    )
    .exists();
    let playwright = interop_dir().join("node_modules/playwright-core").exists();
    peer_available(
        "chromium + playwright-core",
        node && chromium && playwright,
        "apt-get install chromium; (cd tests/interop && npm ci)",
    )
}

/// Run the Chromium script `script` of `tests/interop` with the app's base
/// URL, the screenshot directory (`OSTIARY_SCREENSHOT_DIR`, else
/// `target/tmp/screenshots`, kept for people to look at) and `args`; asserts that it succeeded and returns what it saw (the
/// JSON of its last output line).
pub async fn run_in_chromium(app: &TestApp, script: &str, args: &[&str]) -> serde_json::Value {
    let shots = crate::browser_flows::screenshot_dir();
    std::fs::create_dir_all(&shots).unwrap();
    let output = tokio::process::Command::new("node")
        .current_dir(interop_dir())
        .arg(script)
        .arg(&app.base)
        .arg(&shots)
        .args(args)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "browser run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap()).unwrap()
}
