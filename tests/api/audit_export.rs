//! Audit export and checkpoints (S9, SR-151): the filtered log streamed as
//! CSV and JSON Lines through the API and the console (more rows than one
//! database page, organization reach kept, formula cells neutralised, the
//! export recorded); signed checkpoints from the API, the console and the
//! CLI, and `audit verify --checkpoint` catching a log rewritten with
//! consistent hashes that the plain chain walk accepts.

use ostiary::audit::{self, Action, Actor, Event, Outcome};
use reqwest::StatusCode;
use serde_json::Value;

use crate::admin_api::{call, json as body_json, key};
use crate::cli::{fails, ostiary, serve_after_cli, succeeds, text};
use crate::console_support::{page, signed_in, superuser};
use crate::helpers::{Backend, TestApp, TestDatabase};

crate::on_all_backends!(
    exports_stream_every_matching_event_within_reach,
    checkpoints_come_from_the_api_and_the_console_for_superusers,
    a_checkpoint_catches_a_rewritten_log,
);

/// More than one export batch (500 rows).
const MANY: usize = 1234;

async fn org_id(app: &TestApp, name: &'static str) -> String {
    app.db_run(move |conn| ostiary::store::orgs::find_by_name(conn, name))
        .await
        .unwrap()
        .id
        .to_string()
}

/// `count` events `action` on targets `{prefix}{i}`, in `org`, in one
/// transaction.
async fn record_many(app: &TestApp, action: Action, prefix: &str, count: usize, org: Option<&str>) {
    let (prefix, org, now) = (prefix.to_owned(), org.map(str::to_owned), app.state.now());
    app.db_run(move |conn| {
        ostiary::store::write_tx(conn, |conn| {
            for i in 0..count {
                let mut event =
                    Event::new(action, Outcome::Success).target("user", format!("{prefix}{i:05}"));
                if let Some(org) = &org {
                    event = event.organization(org);
                }
                audit::record(conn, &Actor::system("test"), event, now)?;
            }
            Ok(())
        })
    })
    .await;
}

async fn exports_stream_every_matching_event_within_reach(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let other = crate::console_support::org_admin(
        &app,
        "b-admin@example.com",
        "Org B",
        ostiary::domain::Role::Admin,
    )
    .await;
    let org_b = org_id(&app, "Org B").await;
    record_many(&app, Action::UserUpdated, "bulk-", MANY, None).await;
    record_many(&app, Action::UserDeleted, "b-", 3, Some(&org_b)).await;
    // A value a spreadsheet would run as a formula, chosen by whoever
    // names a target (OWASP CSV injection).
    record_many(
        &app,
        Action::UserDisabled,
        "=HYPERLINK(\"http://evil\")",
        1,
        None,
    )
    .await;

    record_many(&app, Action::UserUpdated, "say \"Hi\" 100%_", 1, None).await;
    let (_, reader) = key(&app, |s| s.scopes = vec!["audit:read".into()]).await;

    // Text search (the trigram index on SQLite, pg_trgm on PostgreSQL):
    // substrings, case-insensitive, quotes and LIKE wildcards taken
    // literally; a term under 3 characters still answers.
    for (q, expected) in [
        ("%22hi%22%20100%25_", 1),
        ("SAY%20%22HI", 1),
        ("100%25", 1),
        ("%25_0", 1),
        ("hyperlink", 1),
        ("k-0000", 10),
        ("nowhere-to-be-found", 0),
    ] {
        let found = call(
            &app,
            &format!("/api/v1/audit-events?limit=100&q={q}"),
            &reader,
        )
        .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        let items = body_json(&found)["items"].as_array().unwrap().len();
        assert_eq!(items, expected, "q={q}: {}", found.body);
    }

    // JSON Lines: every matching row, in creation order, one object a line.
    let jsonl = call(
        &app,
        "/api/v1/audit-events/export?format=jsonl&action=user.updated",
        &reader,
    )
    .await;
    assert_eq!(jsonl.status, StatusCode::OK, "{}", jsonl.body);
    assert!(
        jsonl
            .header("content-type")
            .starts_with("application/jsonl")
    );
    assert!(
        jsonl
            .header("content-disposition")
            .starts_with("attachment; filename=\"audit-events-"),
        "{}",
        jsonl.header("content-disposition")
    );
    let lines: Vec<Value> = jsonl
        .body
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), MANY + 1, "every row, across several batches");
    assert!(lines.iter().all(|e| e["action"] == "user.updated"));
    assert_eq!(lines[0]["target_id"], "bulk-00000");
    assert_eq!(
        lines[MANY - 1]["target_id"],
        format!("bulk-{:05}", MANY - 1)
    );
    let mut ids: Vec<&str> = lines.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.dedup();
    assert_eq!(ids.len(), MANY + 1, "no row twice at a batch boundary");

    // CSV: a header, one line a row, formulas neutralised.
    let csv = call(
        &app,
        "/api/v1/audit-events/export?format=csv&target_type=user&q=HYPERLINK",
        &reader,
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert!(csv.header("content-type").starts_with("text/csv"));
    let rows: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        rows[0],
        "id,created_at,action,outcome,actor_type,actor_id,target_type,target_id,organization_id,ip,request_id,session_id,details"
    );
    assert_eq!(rows.len(), 2, "{}", csv.body);
    assert!(
        rows[1].contains(",\"'=HYPERLINK(\"\"http://evil\"\")00000\","),
        "{}",
        rows[1]
    );

    // Each export is recorded with what was asked.
    let exported = app.audit_rows("audit.exported").await;
    assert_eq!(exported.len(), 2);
    let details: Vec<Value> = exported
        .iter()
        .map(|e| serde_json::from_str(&e.details).unwrap())
        .collect();
    let csv_export = details.iter().find(|d| d["format"] == "csv").unwrap();
    assert_eq!(csv_export["q"], "HYPERLINK");
    assert_eq!(csv_export["target_type"], "user");

    // A refused filter or format changes nothing and is named.
    for (query, field) in [("format=xml", "format"), ("outcome=maybe", "outcome")] {
        let bad = call(
            &app,
            &format!("/api/v1/audit-events/export?{query}"),
            &reader,
        )
        .await;
        let problem = crate::admin_api::problem(&bad, StatusCode::BAD_REQUEST);
        assert_eq!(problem["errors"][0]["field"], field, "{}", bad.body);
    }
    assert_eq!(app.audit_rows("audit.exported").await.len(), 2);
    // Without the scope: refused.
    let (_, users_only) = key(&app, |_| {}).await;
    let refused = call(&app, "/api/v1/audit-events/export", &users_only).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // An organization's key exports its organization's events only.
    let (_, b_key) = key(&app, |s| {
        s.scopes = vec!["audit:read".into()];
        s.organization = Some("Org B".into());
    })
    .await;
    let theirs = call(&app, "/api/v1/audit-events/export", &b_key).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.body);
    assert!(theirs.body.contains("b-00002"), "{}", theirs.body);
    assert!(
        !theirs.body.contains("bulk-"),
        "another organization's reach"
    );

    // The console: links carry the filters; the download is the same export.
    let mut b = signed_in(&app, &root).await;
    let list = page(&mut b, "/admin/audit?action=user.deleted", StatusCode::OK).await;
    assert!(
        list.body
            .contains("href=\"/admin/audit/export?format=csv&#38;action=user.deleted\""),
        "{}",
        list.body
    );
    let download = page(
        &mut b,
        "/admin/audit/export?format=csv&action=user.deleted",
        StatusCode::OK,
    )
    .await;
    assert!(download.header("content-type").starts_with("text/csv"));
    assert_eq!(
        download
            .body
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .count(),
        4
    );
    let mut ob = signed_in(&app, &other).await;
    let scoped = page(&mut ob, "/admin/audit/export?format=jsonl", StatusCode::OK).await;
    assert!(scoped.body.contains("b-00000") && !scoped.body.contains("bulk-"));
    page(
        &mut b,
        "/admin/audit/export?format=xml",
        StatusCode::BAD_REQUEST,
    )
    .await;
}

async fn checkpoints_come_from_the_api_and_the_console_for_superusers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let root = superuser(&app, "root@example.com").await;
    let (_, global) = key(&app, |s| s.scopes = vec!["audit:read".into()]).await;
    let made = app
        .browser()
        .send(
            reqwest::Method::POST,
            "/api/v1/audit-checkpoints",
            &[("authorization", &format!("Bearer {global}"))],
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let made = body_json(&made);
    let (seq, hash) = app.db_run(ostiary::store::audit::head).await;
    assert!(made["audit_seq"].as_i64().unwrap() <= seq);
    let report = app
        .db_run({
            let (token, issuer) = (
                made["checkpoint"].as_str().unwrap().to_owned(),
                app.state.config.public_base().to_owned(),
            );
            move |conn| ostiary::audit::checkpoint::check(conn, &token, &issuer, None)
        })
        .await;
    assert!(report.ok, "{report:?}");
    assert!(app.audited("audit.checkpointed").await);
    let _ = hash;

    // Organization reach: refused, nothing recorded.
    crate::console_support::org_admin(
        &app,
        "a-admin@example.com",
        "Org A",
        ostiary::domain::Role::Admin,
    )
    .await;
    let (_, org_key) = key(&app, |s| {
        s.scopes = vec!["audit:read".into()];
        s.organization = Some("Org A".into());
    })
    .await;
    let refused = app
        .browser()
        .send(
            reqwest::Method::POST,
            "/api/v1/audit-checkpoints",
            &[("authorization", &format!("Bearer {org_key}"))],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(app.audit_rows("audit.checkpointed").await.len(), 1);

    // The console's button downloads one (CSRF-protected, SR-70).
    let mut b = signed_in(&app, &root).await;
    let list = page(&mut b, "/admin/audit", StatusCode::OK).await;
    let file = b.post_from(&list, "/admin/audit/checkpoint", &[]).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.body);
    assert!(
        file.header("content-disposition")
            .starts_with("attachment; filename=\"audit-checkpoint-"),
        "{}",
        file.header("content-disposition")
    );
    assert_eq!(file.body.trim().split('.').count(), 3, "a JWT");
    let forged = b
        .post_form("/admin/audit/checkpoint", &[("csrf_token", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit_rows("audit.checkpointed").await.len(), 2);
}

/// Rewrite the whole log with consistent hashes: row 1's details changed,
/// every later seal recomputed, the head moved — what someone with write
/// access to the database can do, and the chain walk alone cannot see.
async fn rewrite_log(app: &TestApp, postgres: bool) {
    app.seal_audit().await;
    let (rows, seals) = app
        .db_run(|conn| {
            Ok((
                ostiary::store::audit::page(conn, 0, 100_000)?,
                ostiary::store::audit::seals_page(conn, 0, 100_000)?,
            ))
        })
        .await;
    let mut prev = ostiary::audit::GENESIS.to_owned();
    let mut sql = String::new();
    sql.push_str(if postgres {
        "ALTER TABLE security_audit_logs DISABLE TRIGGER USER; ALTER TABLE audit_seals DISABLE TRIGGER USER;"
    } else {
        "DROP TRIGGER security_audit_logs_no_update; DROP TRIGGER audit_seals_no_update;"
    });
    for (i, mut row) in rows.into_iter().enumerate() {
        assert_eq!(seals[i].seq, row.seq, "every row sealed, no gaps");
        if i == 0 {
            row.details = "{\"rewritten\":true}".into();
        }
        let hash = ostiary::audit::row_hash(&prev, &row);
        sql.push_str(&format!(
            "UPDATE security_audit_logs SET details = '{}' WHERE seq = {}; \
             UPDATE audit_seals SET prev_hash = '{}', hash = '{}' WHERE seq = {};",
            row.details.replace('\'', "''"),
            row.seq,
            prev,
            hash,
            row.seq
        ));
        prev = hash;
    }
    sql.push_str(&format!(
        "UPDATE audit_chain_head SET hash = '{prev}' WHERE id = 1;"
    ));
    if postgres {
        sql.push_str(
            "ALTER TABLE security_audit_logs ENABLE TRIGGER USER; ALTER TABLE audit_seals ENABLE TRIGGER USER;",
        );
    }
    app.sql(&sql).await.unwrap();
}

async fn a_checkpoint_catches_a_rewritten_log(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let dir = tempfile::tempdir().unwrap();
    let env = [("OSTIARY_DATABASE_URL", db.url.as_str())];
    succeeds(dir.path(), &["migrate"], &env);
    let out = ostiary(
        dir.path(),
        &["user", "create", "--email", "ops@example.com"],
        &env,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("checkpoint.jwt");
    let made = succeeds(
        dir.path(),
        &["audit", "checkpoint", "--output", file.to_str().unwrap()],
        &env,
    );
    assert!(made["audit_seq"].as_i64().unwrap() >= 1, "{made}");
    let cp = file.to_str().unwrap();

    // Intact: both checks pass.
    let report = succeeds(dir.path(), &["audit", "verify", "--checkpoint", cp], &env);
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["checkpoint_seq"], made["audit_seq"]);

    // A forged checkpoint (payload changed, signature kept) is refused.
    let token = std::fs::read_to_string(&file).unwrap();
    let parts: Vec<&str> = token.trim().split('.').collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut payload: Value = serde_json::from_slice(&b64.decode(parts[1]).unwrap()).unwrap();
    payload["audit_hash"] = Value::String("0".repeat(64));
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        b64.encode(serde_json::to_vec(&payload).unwrap()),
        parts[2]
    );
    let forged_file = dir.path().join("forged.jwt");
    std::fs::write(&forged_file, forged).unwrap();
    let err = fails(
        dir.path(),
        &[
            "audit",
            "verify",
            "--checkpoint",
            forged_file.to_str().unwrap(),
        ],
        &env,
        1,
    );
    assert!(err.contains("signature does not verify"), "{err}");
    // A JWKS without its key: named.
    let jwks = dir.path().join("jwks.json");
    std::fs::write(&jwks, "{\"keys\":[]}").unwrap();
    let err = fails(
        dir.path(),
        &[
            "audit",
            "verify",
            "--checkpoint",
            cp,
            "--jwks",
            jwks.to_str().unwrap(),
        ],
        &env,
        1,
    );
    assert!(err.contains("not in the JWKS file"), "{err}");
    let err = fails(
        dir.path(),
        &["audit", "verify", "--checkpoint", "/nonexistent/cp.jwt"],
        &env,
        1,
    );
    assert!(err.contains("cannot read the checkpoint file"), "{err}");

    // Rewritten with consistent hashes: the chain walk is fooled, the
    // checkpoint is not.
    let app = serve_after_cli(backend, &db, dir.path()).await;
    rewrite_log(&app, db.is_postgres()).await;
    let walk = succeeds(dir.path(), &["audit", "verify"], &env);
    assert_eq!(walk["ok"], true, "the rewrite is self-consistent: {walk}");
    let out = ostiary(
        dir.path(),
        &["audit", "verify", "--checkpoint", cp],
        &env,
        None,
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stderr).contains("was rewritten"),
        "{}",
        text(&out.stderr)
    );
}
