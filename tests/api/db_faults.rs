//! Database faults (issue 18 item 4): PostgreSQL stopped under load turns
//! `/readyz` red, every request answers a clear 503 quickly (an HTML page
//! for a browser, `temporarily_unavailable` JSON for a client, never a 500
//! or internals), and the pool recovers by itself when the database is
//! back; `statement_timeout` bounds every query. The outage runs on a
//! private cluster (`pg_cluster`), never the shared PostgreSQL.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;
use ostiary::error::AppError;
use reqwest::StatusCode;

use crate::helpers::{Backend, Browser, Page, TestApp};
use crate::oauth_support::{Reply, refresh, sign_in, tokens_for, web_client};
use crate::pg_cluster::PgCluster;

/// Every request must answer within this, database up or down (a
/// generous bound against hangs, not a performance assertion).
const ANSWER_WITHIN: Duration = Duration::from_secs(15);

/// How long the database stays down.
const OUTAGE: Duration = Duration::from_secs(10);

async fn within<T>(what: &str, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(ANSWER_WITHIN, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {ANSWER_WITHIN:?}"))
}

/// No database internals in a body a client sees.
fn assert_no_internals(body: &str) {
    let lower = body.to_lowercase();
    for needle in [
        "postgres",
        "diesel",
        "r2d2",
        "connection refused",
        "server closed",
        "timed out waiting",
        "sqlstate",
        "127.0.0.1",
    ] {
        assert!(!lower.contains(needle), "{needle:?} leaked: {body}");
    }
}

/// Wait until `path` on `base` answers `status` (bounded).
async fn wait_for_status(base: &str, path: &str, status: StatusCode, bound: Duration) -> Page {
    let started = Instant::now();
    let mut b = Browser::new(base);
    loop {
        let page = within(path, b.get(path)).await;
        if page.status == status {
            return page;
        }
        assert!(
            started.elapsed() < bound,
            "{path} did not turn {status} within {bound:?} (last {}: {})",
            page.status,
            page.body
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Statuses seen by the background load, and whether any request hung.
#[derive(Debug, Default)]
struct Seen {
    statuses: Vec<(&'static str, StatusCode)>,
}

/// Browser pages, `/readyz` and `/token` in a loop until `stop`, each
/// bounded by [`ANSWER_WITHIN`].
async fn load(
    app_base: String,
    management: String,
    cookie_browser: Browser,
    stop: Arc<AtomicBool>,
) -> Seen {
    let mut seen = Seen::default();
    let mut page = cookie_browser;
    let mut ops = Browser::new(&management);
    let client = reqwest::Client::new();
    while !stop.load(Ordering::Relaxed) {
        let account = within("GET /account", page.get("/account")).await;
        seen.statuses.push(("GET /account", account.status));
        let ready = within("GET /readyz", ops.get("/readyz")).await;
        seen.statuses.push(("GET /readyz", ready.status));
        let token = within(
            "POST /token",
            client
                .post(format!("{app_base}/token"))
                .form(&[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", "not-a-real-refresh-token"),
                    ("client_id", "rp1"),
                ])
                .send(),
        )
        .await
        .unwrap();
        seen.statuses.push(("POST /token", token.status()));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_answers_503_and_recovers_without_restart() {
    let Some(cluster) = PgCluster::start() else {
        return;
    };
    let app = TestApp::spawn_with(Backend::Postgres(cluster.admin_url()), |c| {
        c.database.connect_timeout_secs = 3;
        c.database.unavailable_timeout_ms = 500;
        c.database.readiness_timeout_ms = 1_000;
    })
    .await;
    let rp = web_client(&app, "rp1").await;
    let who = sign_in(&app, "ada@example.com").await;
    let rt = tokens_for(&app, &rp, &who, "openid offline_access")
        .await
        .str("refresh_token");
    assert_eq!(
        Browser::new(&app.management).get("/readyz").await.status,
        StatusCode::OK
    );

    let stop = Arc::new(AtomicBool::new(false));
    let loader = tokio::spawn(load(
        app.base.clone(),
        app.management.clone(),
        who.browser.clone(),
        stop.clone(),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;

    // The database goes away.
    cluster.stop_server();
    let down_at = Instant::now();
    let red = wait_for_status(
        &app.management,
        "/readyz",
        StatusCode::SERVICE_UNAVAILABLE,
        Duration::from_secs(10),
    )
    .await;
    assert!(red.body.contains("unavailable"), "{}", red.body);
    assert_no_internals(&red.body);

    // A browser page: the error page, 503, Retry-After, no internals.
    let mut b = who.browser.clone();
    let page = within("GET /account", b.get("/account")).await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(!page.header("retry-after").is_empty());
    assert!(
        page.body.contains("temporarily unavailable"),
        "{}",
        page.body
    );
    assert_no_internals(&page.body);

    // A protocol client: RFC 6749 JSON.
    let reply: Reply = within("refresh", refresh(&app, &rp, &rt, None)).await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.json
    );
    assert_eq!(reply.error(), "temporarily_unavailable", "{}", reply.json);
    assert!(!reply.header("retry-after").is_empty());
    assert_no_internals(&reply.json.to_string());

    // A sign-in attempt fails the same clear way.
    let mut fresh = app.browser();
    let login = within("sign-in", fresh.get("/login")).await;
    if login.status == StatusCode::OK {
        let res = within(
            "POST /login",
            fresh.post_from(
                &login,
                "/login",
                &[
                    ("email", "ada@example.com"),
                    ("password", crate::helpers::PASSWORD),
                ],
            ),
        )
        .await;
        assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE, "{}", res.body);
        assert_no_internals(&res.body);
    } else {
        assert_eq!(
            login.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{}",
            login.body
        );
        assert_no_internals(&login.body);
    }

    // Back after about ten seconds.
    if let Some(rest) = OUTAGE.checked_sub(down_at.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    cluster.start_server();
    wait_for_status(
        &app.management,
        "/readyz",
        StatusCode::OK,
        Duration::from_secs(30),
    )
    .await;
    stop.store(true, Ordering::Relaxed);
    let seen = within("the load", loader).await.unwrap();

    // Without a restart, everything works, the first requests included
    // (connections from before the outage are never handed out broken).
    for _ in 0..5 {
        let account = within("GET /account", b.get("/account")).await;
        assert_eq!(account.status, StatusCode::OK, "{}", account.body);
    }
    // The refresh token tried during the outage was not used up.
    let rotated = within("refresh", refresh(&app, &rp, &rt, None)).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.json);
    let mut again = app.browser();
    let signed_in = within(
        "sign-in",
        again.login("ada@example.com", crate::helpers::PASSWORD),
    )
    .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    tokens_for(&app, &rp, &who, "openid").await;

    // The load saw 503s while the database was down, never a 500.
    let unavailable = seen
        .statuses
        .iter()
        .filter(|(_, s)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    assert!(unavailable > 0, "{seen:?}");
    for (what, status) in &seen.statuses {
        assert!(
            !status.is_server_error() || *status == StatusCode::SERVICE_UNAVAILABLE,
            "{what} answered {status}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_cancels_a_slow_query() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let app = TestApp::spawn_with(backend, |c| {
        c.database.statement_timeout_ms = 300;
        c.database.idle_in_transaction_timeout_ms = 5_000;
    })
    .await;
    let sleep = |secs: &'static str| {
        move |conn: &mut ostiary::db::DbConnection| -> Result<(), AppError> {
            Ok(conn.batch_execute(&format!("SELECT pg_sleep({secs})"))?)
        }
    };
    match app.state.db.run(sleep("5")).await {
        Err(AppError::Unavailable(cause)) => {
            assert!(cause.contains("statement timeout"), "{cause}")
        }
        other => panic!("a 5 s query was not cancelled: {other:?}"),
    }
    // The connection is fine afterwards and every connection is bounded.
    let settings = app
        .state
        .db
        .run(|conn| {
            Ok(diesel::select(diesel::dsl::sql::<diesel::sql_types::Text>(
                "current_setting('statement_timeout') || ' ' || current_setting('idle_in_transaction_session_timeout')",
            ))
            .get_result::<String>(conn)?)
        })
        .await
        .unwrap();
    assert_eq!(settings, "300ms 5s");
    // Migrations run without the bound, which comes back after them.
    app.state.db.run_unbounded(sleep("0.6")).await.unwrap();
    assert!(matches!(
        app.state.db.run(sleep("5")).await,
        Err(AppError::Unavailable(_))
    ));
}
