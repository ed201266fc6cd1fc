//! Caches across instances (S1, S12): a client changed or an MFA rule set
//! on one instance is in force on another at once — announced through
//! PostgreSQL — not after the caches' lifetime.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::{Backend, TestApp};
use crate::oauth_support::client_credentials;

/// Well under the caches' lifetime (`client_cache::TTL`, 5 s): what is
/// seen within it came through the announcement.
const AT_ONCE: Duration = Duration::from_secs(1);

fn service<'a>(app: &'a TestApp, id: &str) -> crate::helpers::ClientBuilder<'a> {
    app.client(id)
        .no_redirect_uris()
        .grants(&["client_credentials"])
        .scopes(&["api.read"])
}

async fn token_status(app: &TestApp, id: &str, secret: &str) -> StatusCode {
    client_credentials(app, id, secret).await.status
}

/// `secret` stops working for client `id` on `app` within [`AT_ONCE`].
async fn refused_at_once(what: &str, app: &TestApp, id: &str, secret: &str) -> Duration {
    within_at_once(what, || async move {
        token_status(app, id, secret).await == StatusCode::UNAUTHORIZED
    })
    .await
}

/// Poll `check` until it holds, for at most [`AT_ONCE`]; how long it took.
async fn within_at_once<F, Fut>(what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < AT_ONCE,
            "{what}: not seen within {AT_ONCE:?} (the cache kept the old value)"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The cache listeners connected to the test's database.
async fn listeners(app: &TestApp) -> i64 {
    app.db_run(|conn| {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<N> = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND application_name = 'ostiary_cache_listener'",
        )
        .load(conn)?;
        Ok(rows.first().map_or(0, |r| r.n))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_one_instance_is_in_force_on_the_other_at_once() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let a = TestApp::spawn(backend).await;
    let b = a.second_instance().await;
    let rp = service(&a, "cached-service").register().await;
    let old = rp.secret.clone().unwrap();
    // Let both listeners connect (each drops its cache when it does).
    let deadline = Instant::now() + Duration::from_secs(15);
    while listeners(&a).await < 2 {
        assert!(Instant::now() < deadline, "the instances do not listen");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Named before the LISTEN: let that and the cache drop after it pass.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // B caches the client; A rotates its secret: the old secret stops on
    // B at once, the new one works there.
    assert_eq!(token_status(&b, &rp.id, &old).await, StatusCode::OK);
    let rotated = ostiary::oidc::clients::admin::rotate_secret(
        &a.state,
        &ostiary::audit::Actor::system("test"),
        None,
        rp.id.clone().into(),
    )
    .await
    .unwrap()
    .unwrap();
    let took = refused_at_once("the rotated secret on B", &b, &rp.id, &old).await;
    eprintln!("the rotation reached B after {took:?}");
    assert_eq!(
        token_status(&b, &rp.id, &rotated.client_secret).await,
        StatusCode::OK
    );

    // A deleted client is unknown on B at once.
    ostiary::oidc::clients::admin::delete(
        &a.state,
        &ostiary::audit::Actor::system("test"),
        None,
        rp.id.clone().into(),
    )
    .await
    .unwrap()
    .unwrap();
    refused_at_once("the deletion on B", &b, &rp.id, &rotated.client_secret).await;

    // B caches the MFA rules; a rule written on A's database connection
    // (no in-process signal at all, as from another process) reaches B.
    let before = b.state.clients.mfa_rules(&b.state.db).await.unwrap();
    assert!(before.is_empty(), "{before:?}");
    let now = a.state.now();
    a.db_run(move |conn| {
        ostiary::store::write_tx(conn, |conn| {
            ostiary::store::mfa_policies::upsert(
                conn,
                "client",
                "some-client",
                "required",
                now.naive_utc(),
            )
        })
    })
    .await;
    within_at_once("the MFA rule on B", || {
        let b = &b;
        async move {
            !b.state
                .clients
                .mfa_rules(&b.state.db)
                .await
                .unwrap()
                .is_empty()
        }
    })
    .await;

    // The listening connections are cut (a failover, a restart of
    // PostgreSQL): the instances connect again and announcements flow.
    a.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND application_name = 'ostiary_cache_listener'",
    )
    .await
    .unwrap();
    // Each notices within a poll and connects again after a second.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let listening = listeners(&a).await;
        if listening == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{listening} of 2 instances listen again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        !b.state
            .clients
            .mfa_rules(&b.state.db)
            .await
            .unwrap()
            .is_empty()
    );
    a.db_run(|conn| {
        ostiary::store::write_tx(conn, |conn| {
            ostiary::store::mfa_policies::remove(conn, "client", "some-client")
        })
    })
    .await;
    within_at_once("the removed MFA rule on B, after reconnecting", || {
        let b = &b;
        async move {
            b.state
                .clients
                .mfa_rules(&b.state.db)
                .await
                .unwrap()
                .is_empty()
        }
    })
    .await;
}
