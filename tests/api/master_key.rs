//! Master key rotation (S10): `ostiary keys rotate-master` re-wraps every
//! data key under the configured master key, unwrapping with the
//! `previous_master_key_files`; afterwards the old key is no longer needed,
//! a rerun changes nothing, and each re-wrap is audited.

use crate::cli::{ostiary, succeeds, text};
use crate::data_key_rotation::{EMAIL, service_client, sign_in_with_totp, token_verifies};
use crate::helpers::{Backend, TestApp, TestDatabase};
use crate::mfa_support::user_with_totp;
use ostiary::keys::master::{MasterKeys, rotate};
use ostiary::store::data_keys::DataKey;

crate::on_all_backends!(
    the_master_key_rotates_without_losing_a_secret,
    concurrent_rotations_rewrap_each_key_once,
    an_interrupted_rotation_resumes_while_serving,
);

fn new_key(path: &std::path::Path) {
    use base64::Engine;
    let key: [u8; 32] = rand::random();
    std::fs::write(path, base64::engine::general_purpose::STANDARD.encode(key)).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

async fn the_master_key_rotates_without_losing_a_secret(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    // The first start makes the master key A, the data keys and the
    // signing keys (sealed under the data key).
    let before = succeeds(dir.path(), &["keys", "list"], &env);
    let old = dir.path().join("data/master.key");
    let new = dir.path().join("new-master.key");
    new_key(&new);
    let (old_s, new_s) = (old.to_str().unwrap(), new.to_str().unwrap());
    let previous = format!("[\"{old_s}\"]");

    // With only the new key, nothing opens yet: a clear error.
    let only_new = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_MASTER_KEY_FILE", new_s),
    ];
    let out = ostiary(dir.path(), &["keys", "list"], &only_new, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("OSTIARY_PREVIOUS_MASTER_KEY_FILES"),
        "{}",
        text(&out.stderr)
    );

    // Rotate: the new key current, the old one previous.
    let rotating = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_MASTER_KEY_FILE", new_s),
        ("OSTIARY_PREVIOUS_MASTER_KEY_FILES", previous.as_str()),
    ];
    let out = ostiary(dir.path(), &["keys", "rotate-master"], &rotating, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rotated: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        rotated["rewrapped"].as_array().unwrap().len(),
        3,
        "{rotated}"
    );
    assert!(text(&out.stderr).contains("remove previous_master_key_files"));
    // Again: nothing left to do.
    let again = succeeds(dir.path(), &["keys", "rotate-master"], &rotating);
    assert_eq!(again["rewrapped"].as_array().unwrap().len(), 0, "{again}");
    assert_eq!(again["already"].as_array().unwrap().len(), 3, "{again}");

    // The new key alone opens everything: the same signing keys.
    let after = succeeds(dir.path(), &["keys", "list"], &only_new);
    assert_eq!(before, after);
    // The old key alone no longer does.
    let out = ostiary(dir.path(), &["keys", "list"], &env, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("is wrapped by master key"),
        "{}",
        text(&out.stderr)
    );
    // A previous key file that does not exist is named.
    let missing = [
        ("OSTIARY_DATABASE_URL", db.url.as_str()),
        ("OSTIARY_MASTER_KEY_FILE", new_s),
        (
            "OSTIARY_PREVIOUS_MASTER_KEY_FILES",
            "[\"/nonexistent/old.key\"]",
        ),
    ];
    let out = ostiary(dir.path(), &["keys", "rotate-master"], &missing, None);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("previous_master_key_files"),
        "{}",
        text(&out.stderr)
    );

    // A server on the new key starts; each re-wrap is in the audit chain.
    let url = db.url.clone();
    let app = TestApp::spawn_with(backend, |c| {
        c.database_url = url.into();
        c.master_key_file = Some(new.clone());
    })
    .await;
    let rewrapped = app.audit_rows("key.master_rewrapped").await;
    assert_eq!(rewrapped.len(), 3);
    assert_eq!(rewrapped[0].actor_id.as_deref(), Some("cli"));
    assert!(app.db_run(ostiary::audit::verify).await.ok);
}

async fn concurrent_rotations_rewrap_each_key_once(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let old = app.state.config.master_key_path();
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.key");
    new_key(&new);
    let keys = ostiary::keys::master::MasterKeys::local(&new, false, &[old]).unwrap();
    let run = |keys: ostiary::keys::master::MasterKeys| {
        let now = app.state.now();
        app.db_run(move |conn| {
            ostiary::keys::master::rotate(conn, &keys, &ostiary::audit::Actor::system("test"), now)
        })
    };
    let (a, b) = tokio::join!(run(keys.clone()), run(keys.clone()));
    let mut all: Vec<String> = a.rewrapped.iter().chain(&b.rewrapped).cloned().collect();
    all.sort();
    assert_eq!(all.len(), 3, "each data key once: {a:?} {b:?}");
    all.dedup();
    assert_eq!(all.len(), 3);
    assert_eq!(app.audit_rows("key.master_rewrapped").await.len(), 3);
}

/// Rotate to `keys`, in-process, as the CLI does.
async fn rotate_to(app: &TestApp, keys: &MasterKeys) -> ostiary::keys::master::Rotated {
    let (keys, now) = (keys.clone(), app.state.now());
    app.db_run(move |conn| rotate(conn, &keys, &ostiary::audit::Actor::system("test"), now))
        .await
}

/// Put `rows` back as they were (wrapped by the old master key), as if the
/// rotation had crashed before re-wrapping them.
async fn restore(app: &TestApp, rows: Vec<DataKey>) {
    use diesel::prelude::*;
    use ostiary::db::schema::data_keys;
    app.db_run(move |conn| {
        for row in rows {
            diesel::update(data_keys::table.filter(data_keys::id.eq(&row.id)))
                .set((
                    data_keys::wrapped_key.eq(&row.wrapped_key),
                    data_keys::master_key_id.eq(&row.master_key_id),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .await;
}

/// Issue 16: a master-key rotation interrupted after the first data key
/// and resumed, with sign-in (password + TOTP) and token signing working
/// throughout — on the instance that kept running with the old key, on one
/// (re)started half-way with the new key and the old one as previous, and
/// on one started afterwards with the new key alone.
async fn an_interrupted_rotation_resumes_while_serving(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.keys.data_key_cache_ttl_secs = 1).await;
    let (secret, _) = user_with_totp(&app, EMAIL).await;
    // The code used to confirm was of a step no later than now.
    let mut last = chrono::Utc::now().timestamp();
    let client_secret = service_client(&app).await;
    let old = app.config.master_key_path();
    let dir = tempfile::tempdir().unwrap();
    let new = dir.path().join("new.key");
    new_key(&new);
    let keys = MasterKeys::local(&new, false, std::slice::from_ref(&old)).unwrap();
    let new_id = keys.current.id().to_owned();

    // Half-way: the first data key re-wrapped, the others not (a crash).
    let before = app.db_run(ostiary::store::data_keys::all).await;
    assert_eq!(before.len(), 3);
    rotate_to(&app, &keys).await;
    restore(&app, before[1..].to_vec()).await;
    let now = app.db_run(ostiary::store::data_keys::all).await;
    let moved: Vec<&str> = now
        .iter()
        .filter(|k| k.master_key_id == new_id)
        .map(|k| k.id.as_str())
        .collect();
    assert_eq!(moved, [before[0].id.as_str()]);

    // The instance still on the old key serves from its cached keys (its
    // refresh fails on the moved key and keeps them, logged).
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    sign_in_with_totp(&app, &secret, &mut last).await;
    token_verifies(&app, "svc", &client_secret).await;

    // An instance (re)started half-way with the new key and the old one as
    // previous starts and serves; its refresh unwraps with both.
    let (new2, old2) = (new.clone(), old.clone());
    let midway = app
        .second_instance_with(move |c| {
            c.master_key_file = Some(new2);
            c.previous_master_key_files = vec![old2];
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    sign_in_with_totp(&midway, &secret, &mut last).await;
    token_verifies(&midway, "svc", &client_secret).await;

    // Resume: only the two left are re-wrapped.
    let resumed = rotate_to(&app, &keys).await;
    assert_eq!(resumed.rewrapped.len(), 2, "{resumed:?}");
    assert_eq!(resumed.already, [before[0].id.clone()]);
    sign_in_with_totp(&midway, &secret, &mut last).await;
    token_verifies(&midway, "svc", &client_secret).await;
    sign_in_with_totp(&app, &secret, &mut last).await;

    // The new key alone now suffices.
    let new3 = new.clone();
    let after = app
        .second_instance_with(move |c| c.master_key_file = Some(new3))
        .await;
    sign_in_with_totp(&after, &secret, &mut last).await;
    token_verifies(&after, "svc", &client_secret).await;
    assert!(app.db_run(ostiary::audit::verify).await.ok);
}
