//! Master key rotation (S10): `ostiary keys rotate-master` re-wraps every
//! data key under the configured master key, unwrapping with the
//! `previous_master_key_files`; afterwards the old key is no longer needed,
//! a rerun changes nothing, and each re-wrap is audited.

use crate::cli::{ostiary, succeeds, text};
use crate::helpers::{Backend, TestApp, TestDatabase};

crate::on_all_backends!(
    the_master_key_rotates_without_losing_a_secret,
    concurrent_rotations_rewrap_each_key_once,
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
