//! Issue 18 item 3, the test of record: two `ostiary serve` processes on
//! one PostgreSQL database behind nginx (round robin). Concurrent loops of
//! sign-in → code → token → refresh → userinfo → replays → logout run
//! through the load balancer while one instance is killed with SIGKILL and
//! started again; only requests in flight on the killed instance may fail.
//! Then: codes and refresh tokens raced across the instances are usable
//! once, a signing key rotated by the CLI reaches both instances within the
//! key refresh interval, and the sign-in throttle and the registration rate
//! limit count as one across the instances.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::cluster::{Cluster, nginx_peer};
use crate::helpers::{
    Backend, PASSWORD, POST_LOGOUT, REDIRECT, SESSION_COOKIE, TestDatabase, hidden_input,
};

/// Concurrent flows through the load balancer.
const LOOPS: usize = 4;
/// The whole test, hard cap.
const TEST_TIMEOUT: Duration = Duration::from_secs(240);
/// One HTTP request, hard cap.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait for a phase of the run (enough iterations done).
const PHASE_TIMEOUT: Duration = Duration::from_secs(60);
/// The key refresh interval of the instances (`oidc.key_refresh_secs`).
const KEY_REFRESH_SECS: u64 = 1;

/// Why a step did not give what it should.
#[derive(Debug, Clone)]
enum Failure {
    /// The request did not reach an instance or its answer was lost: a
    /// connection error, or nginx's 502/504 (the instance died).
    Transport(String),
    /// An instance answered something wrong: always a failure.
    Wrong(String),
}

/// A response, read whole, with the instance that answered.
#[derive(Debug)]
struct Resp {
    status: StatusCode,
    location: String,
    upstream: String,
    body: String,
}

impl Resp {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    fn expect(self, status: StatusCode, what: &str) -> Result<Self, Failure> {
        if self.status == status {
            Ok(self)
        } else {
            Err(Failure::Wrong(format!(
                "{what}: expected {status}, got {} from {}: {}",
                self.status,
                self.upstream,
                self.body.chars().take(400).collect::<String>()
            )))
        }
    }

    /// A 400 `invalid_grant`, as a refused code or refresh token answers.
    fn expect_invalid_grant(self, what: &str) -> Result<Self, Failure> {
        let this = self.expect(StatusCode::BAD_REQUEST, what)?;
        if this.json()["error"] == "invalid_grant" {
            Ok(this)
        } else {
            Err(Failure::Wrong(format!("{what}: {}", this.body)))
        }
    }

    fn str(&self, key: &str, what: &str) -> Result<String, Failure> {
        self.json()[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| Failure::Wrong(format!("{what}: no {key} in {}", self.body)))
    }
}

/// A browser and a relying party in one: a cookie jar, no redirects
/// followed, every error returned (the instance behind may be dead).
#[derive(Clone)]
struct Agent {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
    /// The instances that answered, in order.
    upstreams: Vec<String>,
}

impl Agent {
    fn new(base: &str) -> Self {
        Self {
            base: base.to_owned(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(REQUEST_TIMEOUT)
                .build()
                .unwrap(),
            cookies: BTreeMap::new(),
            upstreams: Vec::new(),
        }
    }

    /// The same cookies, sent to another address (an instance directly).
    fn at(&self, base: &str) -> Self {
        Self {
            base: base.to_owned(),
            ..self.clone()
        }
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Result<Resp, Failure> {
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let res = req
            .header("cookie", cookie)
            .send()
            .await
            .map_err(|e| Failure::Transport(format!("{e}")))?;
        let status = res.status();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let (location, upstream) = (header("location"), header("x-upstream"));
        for value in res.headers().get_all("set-cookie") {
            let raw = value.to_str().unwrap_or_default();
            let (pair, attrs) = raw.split_once(';').unwrap_or((raw, ""));
            let Some((name, val)) = pair.split_once('=') else {
                continue;
            };
            if attrs.to_ascii_lowercase().contains("max-age=0") || val.is_empty() {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), val.trim().to_owned());
            }
        }
        let body = res
            .text()
            .await
            .map_err(|e| Failure::Transport(format!("reading the body: {e}")))?;
        if matches!(
            status,
            StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
        ) {
            return Err(Failure::Transport(format!(
                "{status} from the load balancer (upstream {upstream})"
            )));
        }
        self.upstreams.push(upstream.clone());
        Ok(Resp {
            status,
            location,
            upstream,
            body,
        })
    }

    async fn get(&mut self, path: &str) -> Result<Resp, Failure> {
        let req = self.client.get(format!("{}{path}", self.base));
        self.send(req).await
    }

    async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Resp, Failure> {
        let req = self.client.post(format!("{}{path}", self.base)).form(form);
        self.send(req).await
    }

    /// POST to `/token` as the confidential client.
    async fn token(&mut self, rp: &Client, form: &[(&str, &str)]) -> Result<Resp, Failure> {
        let req = self
            .client
            .post(format!("{}/token", self.base))
            .header("authorization", rp.basic())
            .form(form);
        self.send(req).await
    }

    async fn userinfo(&mut self, access_token: &str) -> Result<Resp, Failure> {
        let req = self
            .client
            .get(format!("{}/userinfo", self.base))
            .bearer_auth(access_token);
        self.send(req).await
    }

    /// Sign in through the hosted login page (CSRF token from the form).
    async fn sign_in(&mut self, email: &str, password: &str) -> Result<Resp, Failure> {
        let form = self
            .get("/login")
            .await?
            .expect(StatusCode::OK, "GET /login")?;
        let csrf = hidden_input(&form.body, "csrf_token")
            .ok_or_else(|| Failure::Wrong(format!("no csrf_token: {}", form.body)))?;
        self.post_form(
            "/login",
            &[
                ("csrf_token", &csrf),
                ("email", email),
                ("password", password),
            ],
        )
        .await
    }

    /// `/authorize` for the client, signed in, consent skipped: the code,
    /// with its PKCE verifier.
    async fn code(&mut self, rp: &Client) -> Result<(String, String), Failure> {
        let verifier = random();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let (state, nonce) = (random(), random());
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &rp.id)
            .append_pair("redirect_uri", REDIRECT)
            .append_pair("scope", "openid email offline_access")
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        let res = self
            .get(&format!("/authorize?{query}"))
            .await?
            .expect(StatusCode::SEE_OTHER, "GET /authorize")?;
        let back = res
            .location
            .strip_prefix(&format!("{REDIRECT}?"))
            .ok_or_else(|| Failure::Wrong(format!("/authorize went to {}", res.location)))?;
        let params: BTreeMap<String, String> = url::form_urlencoded::parse(back.as_bytes())
            .into_owned()
            .collect();
        if params.get("state") != Some(&state) {
            return Err(Failure::Wrong(format!("state lost: {}", res.location)));
        }
        params
            .get("code")
            .map(|code| (code.clone(), verifier))
            .ok_or_else(|| Failure::Wrong(format!("no code: {}", res.location)))
    }
}

fn random() -> String {
    ostiary::crypto::token::random_token()
}

/// The confidential client the CLI registered.
#[derive(Clone)]
struct Client {
    id: String,
    secret: String,
}

impl Client {
    fn basic(&self) -> String {
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", self.id, self.secret))
        )
    }
}

/// The claims (or, with `part` 0, the header) of a JWT, unverified.
fn jwt_part(jwt: &str, part: usize) -> Value {
    jwt.split('.')
        .nth(part)
        .and_then(|p| URL_SAFE_NO_PAD.decode(p).ok())
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}

/// What one successful loop iteration saw.
#[derive(Debug)]
struct Seen {
    /// Every instance that answered, in order.
    upstreams: Vec<String>,
}

impl Seen {
    /// Whether the session was made on one instance and used on another.
    fn crossed_instances(&self) -> bool {
        self.upstreams.iter().collect::<BTreeSet<_>>().len() > 1
    }
}

/// One iteration of a loop, recorded.
#[derive(Debug)]
struct Record {
    started: Instant,
    ended: Instant,
    outcome: Result<Seen, Failure>,
}

/// One full flow through the load balancer.
async fn iteration(base: &str, rp: &Client, email: &str) -> Result<Seen, Failure> {
    let mut a = Agent::new(base);
    a.sign_in(email, PASSWORD)
        .await?
        .expect(StatusCode::SEE_OTHER, "POST /login")?;
    if !a.cookies.contains_key(SESSION_COOKIE) {
        return Err(Failure::Wrong("signed in without a session cookie".into()));
    }
    let (code, verifier) = a.code(rp).await?;
    let redeem = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier.as_str()),
    ];
    let first = a
        .token(rp, &redeem)
        .await?
        .expect(StatusCode::OK, "code redemption")?;
    let (rt1, id_token) = (
        first.str("refresh_token", "code redemption")?,
        first.str("id_token", "code redemption")?,
    );
    let refresh1 = [
        ("grant_type", "refresh_token"),
        ("refresh_token", rt1.as_str()),
    ];
    let second = a
        .token(rp, &refresh1)
        .await?
        .expect(StatusCode::OK, "refresh")?;
    let (rt2, at2) = (
        second.str("refresh_token", "refresh")?,
        second.str("access_token", "refresh")?,
    );
    if rt2 == rt1 {
        return Err(Failure::Wrong("the refresh token was not rotated".into()));
    }
    let info = a.userinfo(&at2).await?.expect(StatusCode::OK, "userinfo")?;
    if info.json()["email"] != email {
        return Err(Failure::Wrong(format!("userinfo: {}", info.body)));
    }
    // The rotated-out refresh token comes back: refused, and the whole
    // family is revoked (RFC 9700 §4.14.2): its successor and the access
    // token it brought stop working.
    a.token(rp, &refresh1)
        .await?
        .expect_invalid_grant("replayed refresh token")?;
    let refresh2 = [
        ("grant_type", "refresh_token"),
        ("refresh_token", rt2.as_str()),
    ];
    a.token(rp, &refresh2)
        .await?
        .expect_invalid_grant("refresh token of a revoked family")?;
    a.userinfo(&at2)
        .await?
        .expect(StatusCode::UNAUTHORIZED, "userinfo after family revocation")?;
    // The code a second time: refused.
    a.token(rp, &redeem)
        .await?
        .expect_invalid_grant("code redeemed twice")?;
    // RP-initiated logout ends the session on every instance.
    let logout = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", &id_token)
        .append_pair("post_logout_redirect_uri", POST_LOGOUT)
        .append_pair("state", "bye")
        .finish();
    let res = a
        .get(&format!("/end_session?{logout}"))
        .await?
        .expect(StatusCode::SEE_OTHER, "end_session")?;
    if res.location != format!("{POST_LOGOUT}?state=bye") {
        return Err(Failure::Wrong(format!(
            "end_session went to {}",
            res.location
        )));
    }
    let account = a
        .get("/account")
        .await?
        .expect(StatusCode::SEE_OTHER, "account after logout")?;
    if !account.location.starts_with("/login") {
        return Err(Failure::Wrong(format!(
            "still signed in after logout: {}",
            account.location
        )));
    }
    Ok(Seen {
        upstreams: a.upstreams,
    })
}

/// Run iterations for `email` until `stop`.
async fn run_loop(
    base: String,
    rp: Client,
    email: String,
    stop: Arc<AtomicBool>,
    records: Arc<Mutex<Vec<Record>>>,
) {
    while !stop.load(Ordering::Relaxed) {
        let started = Instant::now();
        let outcome = iteration(&base, &rp, &email).await;
        let failed = outcome.is_err();
        records.lock().unwrap().push(Record {
            started,
            ended: Instant::now(),
            outcome,
        });
        if failed {
            // Do not spin while an instance is down.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Wait until `enough` holds of the records (bounded).
async fn wait_for(records: &Mutex<Vec<Record>>, what: &str, enough: impl Fn(&[Record]) -> bool) {
    let started = Instant::now();
    loop {
        if enough(&records.lock().unwrap()) {
            return;
        }
        assert!(
            started.elapsed() < PHASE_TIMEOUT,
            "not reached within {PHASE_TIMEOUT:?}: {what}: {:#?}",
            records.lock().unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn successes_after(records: &[Record], after: Instant) -> usize {
    records
        .iter()
        .filter(|r| r.started > after && r.outcome.is_ok())
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn multi_instance() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    if !nginx_peer() {
        return;
    }
    let db = TestDatabase::create(&backend);
    let mut cluster = Cluster::start(
        db,
        2,
        &[
            ("OSTIARY_OIDC__KEY_REFRESH_SECS", "1"),
            ("OSTIARY_THROTTLE__ACCOUNT_DELAY_AFTER", "100"),
            ("OSTIARY_THROTTLE__ACCOUNT_LOCK_AFTER", "4"),
            ("OSTIARY_THROTTLE__LOCK_SECS", "600"),
            // A busy machine (four loops hashing on two cores) must not
            // turn sign-ins into 503s.
            ("OSTIARY_PASSWORD__QUEUE_TIMEOUT_MS", "30000"),
            ("OSTIARY_REGISTRATION__MODE", "open"),
            ("OSTIARY_REGISTRATION__RATE_LIMIT", "3"),
            ("OSTIARY_REGISTRATION__RATE_WINDOW_SECS", "3600"),
        ],
    )
    .await;
    if tokio::time::timeout(TEST_TIMEOUT, scenario(&mut cluster))
        .await
        .is_err()
    {
        panic!(
            "multi_instance did not finish within {TEST_TIMEOUT:?}\n{}",
            cluster.logs()
        );
    }
}

async fn scenario(cluster: &mut Cluster) {
    let created: Value = serde_json::from_str(&cluster.cli(
        &[
            "client",
            "create",
            "--name",
            "Load RP",
            "--id",
            "rp",
            "--redirect-uri",
            REDIRECT,
            "--post-logout-redirect-uri",
            POST_LOGOUT,
            "--consent",
            "skip",
        ],
        None,
    ))
    .unwrap();
    let rp = Client {
        id: created["client_id"].as_str().unwrap().to_owned(),
        secret: created["client_secret"].as_str().unwrap().to_owned(),
    };
    let emails: Vec<String> = (0..LOOPS)
        .map(|i| format!("loop{i}@example.com"))
        .chain(["keeper@example.com".into(), "racer@example.com".into()])
        .collect();
    for email in &emails {
        cluster.cli(
            &["user", "create", "--email", email, "--password-stdin"],
            Some(&format!("{PASSWORD}\n")),
        );
    }

    // A session made before the kill, to be found again after it.
    let base = cluster.base();
    let mut keeper = Agent::new(&base);
    keeper
        .sign_in("keeper@example.com", PASSWORD)
        .await
        .unwrap()
        .expect(StatusCode::SEE_OTHER, "keeper sign-in")
        .unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let records = Arc::new(Mutex::new(Vec::<Record>::new()));
    let loops: Vec<_> = emails[..LOOPS]
        .iter()
        .map(|email| {
            tokio::spawn(run_loop(
                base.clone(),
                rp.clone(),
                email.clone(),
                stop.clone(),
                records.clone(),
            ))
        })
        .collect();
    let t0 = Instant::now();
    wait_for(&records, "8 flows before the kill", |r| {
        successes_after(r, t0) >= 8
    })
    .await;

    // SIGKILL instance 2 mid-run; start it again 2 s later.
    let killed_at = Instant::now();
    cluster.instances[1].kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    wait_for(&records, "flows while instance 2 is down", |r| {
        successes_after(r, killed_at + Duration::from_millis(500)) >= 2
    })
    .await;
    cluster.instances[1].restart().await;
    let ready_at = Instant::now();
    let instance2 = cluster.instances[1].upstream();
    wait_for(
        &records,
        "8 flows after the restart, some on instance 2",
        |r| {
            let after = ready_at + Duration::from_secs(1);
            successes_after(r, after) >= 8
                && r.iter().any(|rec| {
                    rec.started > after
                        && rec
                            .outcome
                            .as_ref()
                            .is_ok_and(|seen| seen.upstreams.contains(&instance2))
                })
        },
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.await.unwrap();
    }

    let records = std::mem::take(&mut *records.lock().unwrap());
    // Requests in flight on the killed instance may fail, and only they:
    // a transport failure overlapping the kill (until nginx noticed it),
    // nothing else, ever.
    let window = (killed_at, killed_at + Duration::from_secs(2));
    let mut tolerated = 0;
    for r in &records {
        match &r.outcome {
            Ok(_) => {}
            Err(Failure::Transport(why)) => {
                assert!(
                    r.started <= window.1 && r.ended >= window.0,
                    "a transport failure outside the kill window ({:?} after the kill): {why}\n{}",
                    r.started.checked_duration_since(killed_at),
                    cluster.logs()
                );
                // nginx names the instance it tried: the killed one.
                assert!(
                    why.contains(&instance2),
                    "a transport failure on another instance than the killed one: {why}"
                );
                eprintln!("multi_instance: cut by the SIGKILL: {why}");
                tolerated += 1;
            }
            Err(Failure::Wrong(why)) => panic!("a flow failed: {why}\n{}", cluster.logs()),
        }
    }
    let ok: Vec<&Seen> = records
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    eprintln!(
        "multi_instance: {} flows, {} succeeded, {tolerated} cut by the SIGKILL",
        records.len(),
        ok.len()
    );
    assert!(
        tolerated <= LOOPS,
        "more failures than requests in flight: {tolerated}"
    );
    // Round robin mixed the instances inside flows: sessions, codes and
    // refresh tokens made on one instance were used on the other — while
    // both were up (from the kill until nginx tries the restarted one
    // again, every flow stays on the survivor; a fast machine runs many).
    let both_up: Vec<&Seen> = records
        .iter()
        .filter(|r| r.ended < killed_at || r.started > ready_at + Duration::from_secs(1))
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let crossed = both_up.iter().filter(|s| s.crossed_instances()).count();
    eprintln!(
        "multi_instance: {crossed} of {} flows while both instances were up crossed instances",
        both_up.len()
    );
    assert!(
        !both_up.is_empty() && crossed * 2 >= both_up.len(),
        "flows did not cross instances: {crossed} of {}",
        both_up.len()
    );

    // The session made before the kill works on both instances.
    for instance in &cluster.instances {
        let mut direct = keeper.at(&instance.base());
        let page = direct.get("/account").await.unwrap();
        assert_eq!(page.status, StatusCode::OK, "keeper on {}", instance.name);
    }

    races(cluster, &rp).await;
    key_rotation(cluster, &rp).await;
    throttle_is_global(cluster).await;
    rate_limit_is_global(cluster).await;
}

/// A code and a refresh token sent to both instances at once: exactly one
/// of each pair succeeds.
async fn races(cluster: &Cluster, rp: &Client) {
    let [one, two] = [0, 1].map(|i| cluster.instances[i].base());
    let mut a = Agent::new(&cluster.base());
    a.sign_in("racer@example.com", PASSWORD)
        .await
        .unwrap()
        .expect(StatusCode::SEE_OTHER, "racer sign-in")
        .unwrap();
    for round in 0..5 {
        let (code, verifier) = a.code(rp).await.unwrap();
        let redeem = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ];
        let (mut x, mut y) = (a.at(&one), a.at(&two));
        let (rx, ry) = tokio::join!(x.token(rp, &redeem), y.token(rp, &redeem));
        let (rx, ry) = (rx.unwrap(), ry.unwrap());
        let won = [&rx, &ry]
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert_eq!(won, 1, "round {round}: code twice: {rx:?} {ry:?}");
        for loser in [&rx, &ry]
            .into_iter()
            .filter(|r| r.status != StatusCode::OK)
        {
            assert_eq!(loser.json()["error"], "invalid_grant", "{loser:?}");
        }
        // The loser replayed the code, which revokes what it produced
        // (SR-31): race a refresh token of a code redeemed once.
        let (code, verifier) = a.code(rp).await.unwrap();
        let redeem = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.as_str()),
        ];
        let rt = x
            .token(rp, &redeem)
            .await
            .unwrap()
            .expect(StatusCode::OK, "redeem")
            .unwrap()
            .str("refresh_token", "redeem")
            .unwrap();
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", rt.as_str()),
        ];
        let (rx, ry) = tokio::join!(x.token(rp, &form), y.token(rp, &form));
        let (rx, ry) = (rx.unwrap(), ry.unwrap());
        let won = [&rx, &ry]
            .iter()
            .filter(|r| r.status == StatusCode::OK)
            .count();
        assert_eq!(won, 1, "round {round}: refresh token twice: {rx:?} {ry:?}");
        for loser in [&rx, &ry]
            .into_iter()
            .filter(|r| r.status != StatusCode::OK)
        {
            assert_eq!(loser.json()["error"], "invalid_grant", "{loser:?}");
        }
    }
}

/// `ostiary keys rotate` (another process): each instance publishes the
/// new key and signs with it within the key refresh interval; the retired
/// key stays published.
async fn key_rotation(cluster: &Cluster, rp: &Client) {
    let rotated: Value =
        serde_json::from_str(&cluster.cli(&["keys", "rotate", "--alg", "RS256"], None)).unwrap();
    let activated = rotated["activated"].as_str().unwrap().to_owned();
    let retired: Vec<String> = rotated["retired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    let rotated_at = Instant::now();
    let mut signer = Agent::new(&cluster.base());
    signer
        .sign_in("keeper@example.com", PASSWORD)
        .await
        .unwrap()
        .expect(StatusCode::SEE_OTHER, "sign-in")
        .unwrap();
    for instance in &cluster.instances {
        let mut direct = signer.at(&instance.base());
        // Bounded by the refresh interval, plus a margin for a slow machine.
        let deadline = Duration::from_secs(KEY_REFRESH_SECS * 10 + 10);
        loop {
            let (code, verifier) = direct.code(rp).await.unwrap();
            let tokens = direct
                .token(
                    rp,
                    &[
                        ("grant_type", "authorization_code"),
                        ("code", code.as_str()),
                        ("redirect_uri", REDIRECT),
                        ("code_verifier", verifier.as_str()),
                    ],
                )
                .await
                .unwrap()
                .expect(StatusCode::OK, "token")
                .unwrap();
            let kid = jwt_part(&tokens.str("id_token", "token").unwrap(), 0)["kid"].clone();
            if kid.as_str() == Some(activated.as_str()) {
                break;
            }
            assert!(
                rotated_at.elapsed() < deadline,
                "{} still signs with {kid} {deadline:?} after the rotation to {activated}",
                instance.name
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let jwks = direct.get("/jwks").await.unwrap().json();
        let kids: Vec<&str> = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|k| k["kid"].as_str())
            .collect();
        assert!(kids.contains(&activated.as_str()), "{jwks}");
        for old in &retired {
            assert!(
                kids.contains(&old.as_str()),
                "retired {old} unpublished: {jwks}"
            );
        }
        assert!(
            kids.contains(&rotated["next"].as_str().unwrap()),
            "next key not published: {jwks}"
        );
    }
}

/// Failed passwords spread over both instances count as one: the fourth
/// locks the address out of the account on both.
async fn throttle_is_global(cluster: &Cluster) {
    cluster.cli(
        &[
            "user",
            "create",
            "--email",
            "throttled@example.com",
            "--password-stdin",
        ],
        Some(&format!("{PASSWORD}\n")),
    );
    let bases: Vec<String> = cluster.instances.iter().map(|i| i.base()).collect();
    for i in 0..4 {
        let mut a = Agent::new(&bases[i % 2]);
        let res = a
            .sign_in("throttled@example.com", "a wrong guess at it")
            .await
            .unwrap();
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for base in &bases {
        let mut a = Agent::new(base);
        let res = a.sign_in("throttled@example.com", PASSWORD).await.unwrap();
        assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{base}");
    }
}

/// `[registration] rate_limit = 3`: three registrations spread over both
/// instances use up the address's window on both.
async fn rate_limit_is_global(cluster: &Cluster) {
    let bases: Vec<String> = cluster.instances.iter().map(|i| i.base()).collect();
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .unwrap();
    let register = |base: &str, n: usize| {
        client.post(format!("{base}/register")).json(&json!({
            "client_name": format!("Registered {n}"),
            "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code"],
            "response_types": ["code"],
        }))
    };
    for n in 0..3 {
        let res = register(&bases[n % 2], n).send().await.unwrap();
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
    }
    for (n, base) in bases.iter().enumerate() {
        let res = register(base, 3 + n).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{base}");
    }
}
