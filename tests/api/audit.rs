//! The audit log (S9, SR-150, SR-151): the database refuses UPDATE and
//! DELETE of rows and seals; `verify` (and `ostiary audit verify`) name the
//! first broken row when a row or a seal is modified, deleted, inserted or
//! reordered behind the triggers' back, and report rows not sealed yet.
//! Sealing takes no lock on the request path (issue 18, docs/audit.md).

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    database_refuses_update_and_delete,
    intact_chain_verifies,
    modified_row_is_detected,
    deleted_row_is_detected,
    inserted_row_is_detected,
    reordered_rows_are_detected,
    truncated_tail_is_detected,
    audit_records_carry_the_actor,
    unsealed_rows_are_reported_then_sealed,
    tampered_seals_are_detected,
    sealed_in_the_background,
    rolled_back_numbers,
);

mod postgres_only {
    /// SQLite has one writer by design (one instance); PostgreSQL must
    /// not queue unrelated flows behind each other.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_open_audited_transaction_blocks_nobody() {
        if let Some(backend) = crate::helpers::Backend::postgres() {
            super::an_open_audited_transaction_blocks_nobody(backend).await
        }
    }
}

/// An app where nothing seals but the test: the webhook worker (which
/// seals before it reads) is off too.
async fn quiet(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |c| c.webhooks.worker_period_ms = 0).await
}

/// An app with a few audit records: user creations, logins, a logout.
async fn app_with_history(backend: Backend) -> TestApp {
    let app = quiet(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.create_user("bob@example.com", PASSWORD).await;
    app.login("alice@example.com", PASSWORD).await;
    app.login("alice@example.com", "wrong password here").await;
    app.login("bob@example.com", PASSWORD).await;
    assert!(app.audit_actions().await.len() >= 5);
    let pass = app.seal_audit().await;
    assert!(pass.sealed >= 5 && !pass.waiting, "{pass:?}");
    app
}

/// Run `sql` with the append-only triggers out of the way.
async fn behind_the_triggers(app: &TestApp, sql: &str) {
    let wrapped = if app.db.is_postgres() {
        format!(
            "ALTER TABLE security_audit_logs DISABLE TRIGGER USER; \
             ALTER TABLE audit_seals DISABLE TRIGGER USER; {sql}; \
             ALTER TABLE security_audit_logs ENABLE TRIGGER USER; \
             ALTER TABLE audit_seals ENABLE TRIGGER USER;"
        )
    } else {
        format!(
            "DROP TRIGGER security_audit_logs_no_update; DROP TRIGGER security_audit_logs_no_delete; \
             DROP TRIGGER audit_seals_no_update; DROP TRIGGER audit_seals_no_delete; {sql};"
        )
    };
    app.sql(&wrapped).await.unwrap();
}

async fn verify(app: &TestApp) -> ostiary::audit::VerifyReport {
    app.db_run(ostiary::audit::verify).await
}

async fn database_refuses_update_and_delete(backend: Backend) {
    let app = app_with_history(backend).await;
    let update = app
        .sql("UPDATE security_audit_logs SET outcome = 'success' WHERE seq = 2")
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = app
        .sql("DELETE FROM security_audit_logs WHERE seq = 2")
        .await;
    assert!(delete.unwrap_err().contains("append-only"));
    let update = app
        .sql("UPDATE audit_seals SET hash = 'x' WHERE seq = 2")
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = app.sql("DELETE FROM audit_seals WHERE seq = 2").await;
    assert!(delete.unwrap_err().contains("append-only"));
    assert!(verify(&app).await.ok);
}

async fn intact_chain_verifies(backend: Backend) {
    let app = app_with_history(backend).await;
    let report = verify(&app).await;
    assert!(report.ok, "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
    assert_eq!((report.unsealed_rows, report.gaps), (0, 0), "{report:?}");
}

async fn modified_row_is_detected(backend: Backend) {
    let app = app_with_history(backend).await;
    behind_the_triggers(
        &app,
        "UPDATE security_audit_logs SET action = 'forged.action' WHERE seq = 3",
    )
    .await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
    assert!(report.reason.unwrap().contains("modified"));
}

async fn deleted_row_is_detected(backend: Backend) {
    let app = app_with_history(backend).await;
    behind_the_triggers(&app, "DELETE FROM security_audit_logs WHERE seq = 2").await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(2), "{report:?}");
}

async fn inserted_row_is_detected(backend: Backend) {
    let app = app_with_history(backend).await;
    // Make room at 3 by shifting later rows, then forge a row there.
    behind_the_triggers(
        &app,
        "UPDATE security_audit_logs SET seq = seq + 1000000 WHERE seq >= 3; \
         UPDATE security_audit_logs SET seq = seq - 1000000 + 1 WHERE seq >= 1000000; \
         INSERT INTO security_audit_logs (seq, id, created_at, actor_type, action, outcome, details) \
         VALUES (3, 'forged', '2026-01-01 00:00:00', 'system', 'user.created', 'success', '{}')",
    )
    .await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");
}

async fn reordered_rows_are_detected(backend: Backend) {
    let app = app_with_history(backend).await;
    behind_the_triggers(
        &app,
        "UPDATE security_audit_logs SET seq = -2 WHERE seq = 2; \
         UPDATE security_audit_logs SET seq = 2 WHERE seq = 3; \
         UPDATE security_audit_logs SET seq = 3 WHERE seq = -2",
    )
    .await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(2), "{report:?}");
}

async fn truncated_tail_is_detected(backend: Backend) {
    let app = app_with_history(backend).await;
    let last = app.audit_row_count().await;
    behind_the_triggers(
        &app,
        &format!("DELETE FROM security_audit_logs WHERE seq = {last}"),
    )
    .await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(last), "{report:?}");
}

async fn audit_records_carry_the_actor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let alice = app.create_user("alice@example.com", PASSWORD).await;
    let mut b = app.browser();
    let csrf = b.get("/login").await.csrf();
    b.post_form_with(
        "/login",
        &[
            ("csrf_token", &csrf),
            ("email", "alice@example.com"),
            ("password", PASSWORD),
        ],
        &[("x-request-id", "test-request-42")],
    )
    .await;
    let rows = app.audit_rows("login.success").await;
    let row = &rows[0];
    assert_eq!(row.actor_type, "user");
    assert_eq!(row.actor_id.as_deref(), Some(alice.as_str()));
    assert!(row.session_id.is_some());
    assert_eq!(row.request_id.as_deref(), Some("test-request-42"));
    assert_eq!(row.ip.as_deref(), Some("127.0.0.1"));
    assert!(row.user_agent.as_deref().unwrap().contains("Firefox"));
    assert!(
        !row.details.contains(PASSWORD),
        "no secrets in audit details"
    );
    let created = app.audit_rows("user.created").await;
    assert_eq!(created[0].actor_type, "system");
    assert_eq!(created[0].target_id.as_deref(), Some(alice.as_str()));
}

/// Rows appended after the last seal are reported, not failed; sealing
/// links them; a row changed before it is sealed is the one thing the
/// chain cannot see (docs/audit.md says so), after it is.
async fn unsealed_rows_are_reported_then_sealed(backend: Backend) {
    let app = app_with_history(backend).await;
    app.create_user("carol@example.com", PASSWORD).await;
    let report = verify(&app).await;
    assert!(report.ok, "{report:?}");
    assert!(report.unsealed_rows >= 1, "{report:?}");
    assert!(report.oldest_unsealed_at.is_some());
    let sealed = app.seal_audit().await;
    assert_eq!(sealed.sealed as i64, report.unsealed_rows);
    let report = verify(&app).await;
    assert!(report.ok && report.unsealed_rows == 0, "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
    // Sealing again finds nothing; the head names the last row.
    assert_eq!(app.seal_audit().await.sealed, 0);
    let (head, _) = app.db_run(ostiary::store::audit::head).await;
    assert_eq!(head, app.audit_row_count().await);
}

/// The seals are the chain: a removed, changed or reordered seal, and a
/// head moved back, are all caught.
async fn tampered_seals_are_detected(backend: Backend) {
    let app = app_with_history(backend.clone()).await;
    behind_the_triggers(&app, "DELETE FROM audit_seals WHERE seq = 2").await;
    let report = verify(&app).await;
    assert_eq!(report.first_broken_seq, Some(2), "{report:?}");
    assert!(report.reason.unwrap().contains("seal of row 2 is missing"));

    let app = app_with_history(backend.clone()).await;
    behind_the_triggers(
        &app,
        "UPDATE audit_seals SET hash = '0000000000000000000000000000000000000000000000000000000000000001' WHERE seq = 3",
    )
    .await;
    let report = verify(&app).await;
    assert!(!report.ok);
    assert_eq!(report.first_broken_seq, Some(3), "{report:?}");

    let app = app_with_history(backend.clone()).await;
    behind_the_triggers(&app, "UPDATE audit_seals SET kind = 'gap' WHERE seq = 2").await;
    let report = verify(&app).await;
    assert_eq!(report.first_broken_seq, Some(2), "{report:?}");

    let app = app_with_history(backend).await;
    let last = app.audit_row_count().await;
    behind_the_triggers(
        &app,
        &format!(
            "DELETE FROM audit_seals WHERE seq = {last}; \
             UPDATE audit_chain_head SET seq = seq - 1 WHERE id = 1"
        ),
    )
    .await;
    let report = verify(&app).await;
    assert!(
        !report.ok,
        "a head moved back no longer matches: {report:?}"
    );
}

/// With the sealer on (as served), rows are sealed without anyone asking.
async fn sealed_in_the_background(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.audit.seal_interval_ms = 50).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.login("alice@example.com", PASSWORD).await;
    let mut report = verify(&app).await;
    for _ in 0..600 {
        if report.unsealed_rows == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        report = verify(&app).await;
    }
    assert!(report.ok && report.unsealed_rows == 0, "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
}

/// A transaction that rolls back after taking an audit number: PostgreSQL
/// leaves a hole the sealer records as a gap once that transaction has
/// certainly ended; a row forged into the gap afterwards is caught.
/// SQLite numbers under its single writer and leaves no hole.
async fn rolled_back_numbers(backend: Backend) {
    let app = app_with_history(backend).await;
    app.sql(
        "BEGIN; INSERT INTO security_audit_logs (id, created_at, actor_type, action, outcome, details) \
         VALUES ('rolled-back', '2026-01-01 00:00:00', 'system', 'user.created', 'success', '{}'); ROLLBACK;",
    )
    .await
    .unwrap();
    app.create_user("carol@example.com", PASSWORD).await;
    let mut sealer = ostiary::audit::seal::Sealer::new();
    let now = app.state.now();
    let sealer = std::sync::Arc::new(std::sync::Mutex::new(std::mem::take(&mut sealer)));
    let pass = |sealer: std::sync::Arc<std::sync::Mutex<ostiary::audit::seal::Sealer>>| {
        app.db_run(move |conn| sealer.lock().unwrap().pass(conn, now))
    };
    let first = pass(sealer.clone()).await;
    if !app.db.is_postgres() {
        assert_eq!((first.gaps, first.waiting), (0, false), "{first:?}");
        assert!(first.sealed >= 1);
        let report = verify(&app).await;
        assert!(
            report.ok && report.gaps == 0 && report.unsealed_rows == 0,
            "{report:?}"
        );
        return;
    }
    // The hole is seen; it is sealed as a gap once every transaction that
    // could hold the number has ended (other tests' transactions on the
    // same server may delay that: bounded polling, no timing assertion).
    assert!(first.waiting && first.gaps == 0, "{first:?}");
    let mut sealed_gap = false;
    for _ in 0..600 {
        let next = pass(sealer.clone()).await;
        if next.gaps == 1 {
            sealed_gap = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        sealed_gap,
        "the rolled-back number was never sealed as a gap"
    );
    let report = verify(&app).await;
    assert!(report.ok, "{report:?}");
    assert_eq!((report.gaps, report.unsealed_rows), (1, 0), "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
    let gap: i64 = app
        .db_run(|conn| {
            use diesel::prelude::*;
            use ostiary::db::schema::audit_seals::dsl::*;
            Ok(audit_seals
                .filter(kind.eq("gap"))
                .select(seq)
                .first::<i64>(conn)?)
        })
        .await;
    behind_the_triggers(
        &app,
        &format!(
            "INSERT INTO security_audit_logs (seq, id, created_at, actor_type, action, outcome, details) \
             VALUES ({gap}, 'forged', '2026-01-01 00:00:00', 'system', 'user.created', 'success', '{{}}')"
        ),
    )
    .await;
    let report = verify(&app).await;
    assert_eq!(report.first_broken_seq, Some(gap), "{report:?}");
    assert!(report.reason.unwrap().contains("rolled-back"));
}

/// No global lock (issue 18): while one audited transaction is open, other
/// flows (a sign-in) commit; sealing stops at the open row's number, so
/// webhooks and alerts (which read sealed rows only) cannot skip it, and
/// after it commits everything is sealed in order.
async fn an_open_audited_transaction_blocks_nobody(backend: Backend) {
    let app = app_with_history(backend).await;
    app.create_user("carol@example.com", PASSWORD).await;
    app.seal_audit().await;
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (opened, is_open) = tokio::sync::oneshot::channel::<()>();
    let mut opened = Some(opened);
    let db = app.state.db.clone();
    let now = app.state.now();
    let held = tokio::spawn(async move {
        db.run(move |conn| {
            ostiary::store::write_tx(conn, |conn| {
                let event = ostiary::audit::Event::new(
                    ostiary::audit::Action::UserUpdated,
                    ostiary::audit::Outcome::Success,
                );
                ostiary::audit::record(conn, &ostiary::audit::Actor::system("test"), event, now)?;
                if let Some(opened) = opened.take() {
                    let _ = opened.send(());
                }
                let _ = released.recv_timeout(std::time::Duration::from_secs(120));
                Ok(())
            })
        })
        .await
    });
    is_open.await.unwrap();
    let signed_in = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        app.login("carol@example.com", PASSWORD),
    )
    .await;
    let (_, res) = signed_in.expect("a sign-in waited for an unrelated open transaction");
    assert_eq!(res.status, reqwest::StatusCode::SEE_OTHER, "{}", res.body);
    let pass = app.seal_audit().await;
    assert!(pass.waiting && pass.sealed == 0, "{pass:?}");
    let (head, _) = app.db_run(ostiary::store::audit::head).await;
    let visible = app
        .db_run(move |conn| ostiary::store::audit::sealed_page(conn, 0, 100_000))
        .await;
    assert!(visible.iter().all(|r| r.seq <= head));
    assert!(
        !visible
            .iter()
            .any(|r| r.action == "login.success" && r.seq > head)
    );
    release.send(()).unwrap();
    held.await.unwrap().unwrap();
    let pass = app.seal_audit().await;
    assert!(!pass.waiting && pass.sealed >= 2, "{pass:?}");
    let report = verify(&app).await;
    assert!(report.ok && report.unsealed_rows == 0, "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
}
