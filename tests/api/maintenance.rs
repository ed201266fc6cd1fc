//! Housekeeping: expired one-time artefacts are purged, live ones kept; the
//! audit checkpoint is a signed statement of the chain head (SR-151).

use chrono::Duration;

use crate::helpers::{Backend, PASSWORD, TestApp};

crate::on_all_backends!(
    purge_removes_only_what_expired,
    checkpoint_signs_the_chain_head
);

async fn purge_removes_only_what_expired(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.throttle.account_delay_after = 100).await;
    app.create_user("alice@example.com", PASSWORD).await;
    app.login("alice@example.com", "wrong password here").await;
    let (mut b, _) = app.login("alice@example.com", PASSWORD).await;
    app.sql(
        "INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ('c', 'old', '2000-01-01 00:00:00'); \
         INSERT INTO client_assertion_jtis (client_id, jti, expires_at) VALUES ('c', 'new', '2999-01-01 00:00:00'); \
         INSERT INTO revoked_access_tokens (jti, expires_at, revoked_at) VALUES ('old', '2000-01-01 00:00:00', '2000-01-01 00:00:00'); \
         INSERT INTO revoked_access_tokens (jti, expires_at, revoked_at) VALUES ('new', '2999-01-01 00:00:00', '2000-01-01 00:00:00')",
    )
    .await
    .unwrap();
    // A pending second-factor login and a WebAuthn ceremony: both expire
    // after five minutes.
    let uid = app
        .db_run(|c| ostiary::store::users::find_by_email(c, "alice@example.com"))
        .await
        .unwrap()
        .id;
    app.sql(&format!(
        "INSERT INTO pending_logins (id, token_hash, user_id, method, amr, purpose, failures, created_at, expires_at) \
         VALUES ('p1', 'h1', '{uid}', 'password', '[\"pwd\"]', 'verify', 0, '2000-01-01 00:00:00', '2000-01-01 00:05:00'); \
         INSERT INTO webauthn_challenges (id, binding_hash, purpose, state, created_at, expires_at) \
         VALUES ('w1', 'b1', 'discoverable', '{{}}', '2000-01-01 00:00:00', '2000-01-01 00:05:00')"
    ))
    .await
    .unwrap();
    let now = app.state.now();
    let first = app
        .db_run(move |conn| ostiary::jobs::maintenance::purge(conn, now))
        .await;
    assert_eq!(first.client_assertion_jtis, 1);
    assert_eq!(first.pending_logins, 1);
    assert_eq!(first.webauthn_challenges, 1);
    assert_eq!(first.revoked_access_tokens, 1);
    assert_eq!(first.login_throttles, 0, "fresh counters stay");
    assert_eq!(first.auth_sessions, 0);
    assert!(b.is_signed_in().await);
    // Two days on, the counters are stale; 40 days on, the ended session goes.
    let later = now + Duration::days(40);
    let second = app
        .db_run(move |conn| ostiary::jobs::maintenance::purge(conn, later))
        .await;
    assert_eq!(
        second.login_throttles, 1,
        "the IP counter (success cleared the account one)"
    );
    assert_eq!(second.auth_sessions, 1);
    assert_eq!(second.client_assertion_jtis, 0);
}

async fn checkpoint_signs_the_chain_head(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (seq, hash) = app.db_run(ostiary::store::audit::head).await;
    let jwt = ostiary::audit::checkpoint::sign(
        &app.state.keys.snapshot(),
        app.state.config.public_base(),
        seq,
        &hash,
        app.state.now(),
    )
    .unwrap();
    let claims = app
        .state
        .keys
        .snapshot()
        .verify(
            &jwt,
            "audit-checkpoint+jwt",
            &ostiary::crypto::signing::Alg::ALL,
        )
        .unwrap();
    assert_eq!(claims["audit_seq"], seq);
    assert_eq!(claims["audit_hash"], hash.as_str());
}
