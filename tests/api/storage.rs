//! Storage conformance on each backend: migrations on an empty database,
//! unique normalized emails under concurrency, envelope encryption across
//! instances.

use std::sync::Arc;

use ostiary::audit::Actor;
use ostiary::clock::{Clock, SystemClock};
use ostiary::config::DatabaseConfig;
use ostiary::db::Db;
use ostiary::db::migrations::run_migrations;
use ostiary::domain::{Email, Role};
use ostiary::error::AppError;
use ostiary::users::accounts::{self, UserSpec};

use crate::helpers::{Backend, TestApp, TestDatabase, test_config};

crate::on_all_backends!(
    migrations_apply_on_an_empty_database,
    concurrent_creation_of_one_user_yields_one_row,
    user_with_organization_and_role,
    envelope_encryption_round_trips_across_instances,
    corrupt_list_columns_fail_the_read_instead_of_reading_as_empty,
);

async fn migrations_apply_on_an_empty_database(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let pool = Db::connect(&db.url, &DatabaseConfig::default()).unwrap();
    let applied = pool.run(run_migrations).await.unwrap();
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count();
    assert_eq!(applied.len(), shipped, "{applied:?}");
    assert!(
        pool.run(run_migrations).await.unwrap().is_empty(),
        "second run applies nothing"
    );
    let report = pool.run(ostiary::audit::verify).await.unwrap();
    assert!(report.ok && report.rows_checked == 0);
}

fn spec(email: &str) -> UserSpec {
    UserSpec {
        email: Email::parse(email).unwrap(),
        display_name: String::new(),
        password_hash: None,
        superuser: false,
        email_verified: false,
        organization: None,
    }
}

async fn concurrent_creation_of_one_user_yields_one_row(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let db = app.state.db.clone();
        // Differently written forms of the same address.
        let email = if i % 2 == 0 {
            "Carol@Example.com"
        } else {
            " carol@example.COM"
        };
        let s = spec(email);
        tasks.push(tokio::spawn(async move {
            let now = SystemClock.now();
            db.run(move |conn| accounts::create_user(conn, &Actor::system("test"), &s, now))
                .await
        }));
    }
    let mut created = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => created += 1,
            Err(AppError::Conflict(msg)) => assert!(msg.contains("already exists")),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(app.user_count().await, 1);
}

async fn user_with_organization_and_role(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut s = spec("dave@example.com");
    s.organization = Some(("Acme".into(), Role::Admin));
    let now = SystemClock.now();
    let created = app
        .db_run(move |conn| accounts::create_user(conn, &Actor::system("test"), &s, now))
        .await;
    let org = created.organization.unwrap();
    assert_eq!(org.name, "Acme");
    let id = created.id.clone();
    let memberships = app
        .db_run(move |conn| ostiary::store::orgs::memberships_of(conn, &id))
        .await;
    assert_eq!(memberships, vec![("Acme".to_owned(), "admin".to_owned())]);
    let actions = app.audit_actions().await;
    assert_eq!(actions, vec!["organization.created", "user.created"]);
}

async fn envelope_encryption_round_trips_across_instances(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let sealed = app
        .state
        .envelope
        .encrypt(b"totp secret", "totp:user-1")
        .unwrap();
    assert!(sealed.starts_with("v1.dk-1."));
    assert!(!sealed.contains("totp secret"));
    assert_eq!(
        &*app.state.envelope.decrypt(&sealed, "totp:user-1").unwrap(),
        b"totp secret"
    );
    // Bound to its context: cannot be moved to another row.
    assert!(app.state.envelope.decrypt(&sealed, "totp:user-2").is_err());
    // Any change is detected.
    let mut tampered = sealed.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    assert!(
        app.state
            .envelope
            .decrypt(&String::from_utf8(tampered).unwrap(), "totp:user-1")
            .is_err()
    );
    // A second instance with the same database and master key reads it.
    let data = tempfile::tempdir().unwrap();
    let mut config = test_config(&app.db, data.path());
    config.master_key_file = Some(app.config.master_key_path());
    let other = ostiary::app::prepare_state(config, Arc::new(SystemClock))
        .await
        .unwrap();
    assert_eq!(
        &*other.envelope.decrypt(&sealed, "totp:user-1").unwrap(),
        b"totp secret"
    );
    // With a different master key the instance refuses to start, clearly.
    let data2 = tempfile::tempdir().unwrap();
    let config2 = test_config(&app.db, data2.path());
    let err = ostiary::app::prepare_state(config2, Arc::new(SystemClock))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("master key"), "{err}");
}

/// A column as either database describes it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, diesel::QueryableByName)]
struct Column {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    column_name: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    nullable: bool,
}

/// Every table's columns (SQLite's trigram search table of the audit log
/// and its shadow tables are SQLite's own way to index text; PostgreSQL
/// indexes the same columns with pg_trgm, so they are not compared).
async fn columns(url: &str) -> Vec<Column> {
    use diesel::RunQueryDsl;
    use ostiary::db::DbConnection;
    let db = Db::connect(url, &DatabaseConfig::default()).unwrap();
    db.run(run_migrations).await.unwrap();
    let mut cols = db
        .run(|conn| {
            Ok(match conn {
                DbConnection::Sqlite(c) => diesel::sql_query(
                    "SELECT m.name AS table_name, p.name AS column_name, p.\"notnull\" = 0 AS nullable \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
                       AND m.name NOT LIKE 'security_audit_search%'",
                )
                .load::<Column>(c)?,
                DbConnection::Pg(c) => diesel::sql_query(
                    "SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable = 'YES' AS nullable \
                     FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
                )
                .load::<Column>(c)?,
            })
        })
        .await
        .unwrap();
    cols.sort();
    cols
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_have_not_drifted() {
    let Some(pg) = Backend::postgres() else {
        return;
    };
    let sqlite_db = TestDatabase::create(&Backend::Sqlite);
    let pg_db = TestDatabase::create(&pg);
    let sqlite = columns(&sqlite_db.url).await;
    let postgres = columns(&pg_db.url).await;
    assert!(sqlite.len() > 40, "{sqlite:?}");
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres differ"
    );
}

async fn corrupt_list_columns_fail_the_read_instead_of_reading_as_empty(backend: Backend) {
    // A JSON list column (a session's amr, a client's redirect URIs) is
    // decoded when the row is read: a damaged value is an error, never an
    // empty list that would quietly mean "no methods" or "no URIs".
    let app = TestApp::spawn(backend).await;
    let mut b = app.signed_in_user("ada@example.com").await;
    app.client("web").register().await;
    app.sql("UPDATE auth_sessions SET amr = 'not json'")
        .await
        .unwrap();
    app.sql("UPDATE clients SET redirect_uris = '{\"a\": 1}'")
        .await
        .unwrap();
    let hash = ostiary::crypto::token::sha256_hex(b.session_cookie().unwrap().as_bytes());
    let session = app
        .state
        .db
        .run(move |conn| ostiary::store::sessions::find_by_token_hash(conn, &hash))
        .await;
    assert!(session.is_err(), "{session:?}");
    let client = app
        .state
        .db
        .run(|conn| ostiary::store::clients::find(conn, &"web".into()))
        .await;
    assert!(client.is_err(), "{client:?}");
    // Through HTTP: the generic error page, nothing of the cause.
    let page = b.get("/account").await;
    assert_eq!(page.status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!page.body.contains("not json"), "{}", page.body);
}
