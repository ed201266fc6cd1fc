//! The audit log (S9, SR-150, SR-151): the database refuses UPDATE and
//! DELETE; `verify` (and `ostiary audit verify`) name the first broken row
//! when a row is modified, deleted, inserted or reordered behind the
//! triggers' back.

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
);

/// An app with a few audit records: user creations, logins, a logout.
async fn app_with_history(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.create_user("bob@example.com", PASSWORD).await;
    app.login("alice@example.com", PASSWORD).await;
    app.login("alice@example.com", "wrong password here").await;
    app.login("bob@example.com", PASSWORD).await;
    assert!(app.audit_actions().await.len() >= 5);
    app
}

/// Run `sql` with the append-only triggers out of the way.
async fn behind_the_triggers(app: &TestApp, sql: &str) {
    let wrapped = if app.db.is_postgres() {
        format!(
            "ALTER TABLE security_audit_logs DISABLE TRIGGER USER; {sql}; \
             ALTER TABLE security_audit_logs ENABLE TRIGGER USER;"
        )
    } else {
        format!(
            "DROP TRIGGER security_audit_logs_no_update; DROP TRIGGER security_audit_logs_no_delete; {sql};"
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
    assert!(verify(&app).await.ok);
}

async fn intact_chain_verifies(backend: Backend) {
    let app = app_with_history(backend).await;
    let report = verify(&app).await;
    assert!(report.ok, "{report:?}");
    assert_eq!(report.rows_checked, app.audit_row_count().await);
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
         INSERT INTO security_audit_logs (seq, id, created_at, actor_type, action, outcome, details, prev_hash, hash) \
         VALUES (3, 'forged', '2026-01-01 00:00:00', 'system', 'user.created', 'success', '{}', 'forged-prev', 'forged-hash')",
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
