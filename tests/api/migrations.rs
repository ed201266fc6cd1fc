//! Migrations on each backend: every one reverts cleanly (up, down and up
//! again, then all down and all up, ending where a straight run ends), and
//! `src/db/schema.rs` declares exactly the tables and columns they produce —
//! names, nullability, primary keys and a coarse type family — so a migration
//! without its `table!` change (or the reverse) fails here, not in production.
//! (SQLite's trigram search table of the audit log and its shadow tables
//! are read with SQL only and have no `table!`.)

use std::collections::{BTreeMap, BTreeSet};

use diesel::RunQueryDsl;
use diesel::sql_types::{Bool, Integer, Text};
use ostiary::config::DatabaseConfig;
use ostiary::db::migrations::{check_reversible, run_migrations};
use ostiary::db::{Db, DbConnection};
use ostiary::error::AppError;

use crate::helpers::{Backend, TestDatabase};

crate::on_all_backends!(
    every_migration_reverts_cleanly,
    schema_rs_matches_the_migrations,
);

/// Versions of the shipped migrations for a backend, oldest first, as
/// Diesel names them (`2026-11-25-000001_skeleton` → `20261125000001`).
fn shipped_versions(dir: &str) -> Vec<String> {
    let path = format!("{}/migrations/{dir}", env!("CARGO_MANIFEST_DIR"));
    let mut versions: Vec<String> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let migration = std::path::Path::new(&path).join(&name);
            for file in ["up.sql", "down.sql"] {
                assert!(
                    migration.join(file).is_file(),
                    "{} has no {file}",
                    migration.display()
                );
            }
            name.split('_').next().unwrap().replace('-', "")
        })
        .collect();
    versions.sort();
    versions
}

async fn every_migration_reverts_cleanly(backend: Backend) {
    let cycled = TestDatabase::create(&backend);
    let dir = if cycled.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    };
    let pool = Db::connect(&cycled.url, &DatabaseConfig::default()).unwrap();
    let versions = pool
        .run(|conn| check_reversible(conn, snapshot))
        .await
        .unwrap_or_else(|e| panic!("migrations/{dir}: {e}"));
    assert_eq!(versions, shipped_versions(dir));
    let after_cycles = pool.run(snapshot).await.unwrap();

    let straight = TestDatabase::create(&backend);
    let pool = Db::connect(&straight.url, &DatabaseConfig::default()).unwrap();
    pool.run(run_migrations).await.unwrap();
    let after_straight_run = pool.run(snapshot).await.unwrap();

    assert!(
        after_straight_run
            .iter()
            .any(|l| l.starts_with("column users.email:")),
        "{after_straight_run:#?}"
    );
    let diff = diff(&after_straight_run, &after_cycles);
    assert!(
        diff.is_empty(),
        "migrations/{dir}: up/down/up ends elsewhere than a straight run (- straight, + cycled):\n{diff}"
    );
}

/// One line of a schema description, as `head: body`.
#[derive(diesel::QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    head: String,
    #[diesel(sql_type = Text)]
    body: String,
}

/// Every object of the database outside Diesel's bookkeeping, one line each:
/// tables with their SQL (CHECK constraints included), columns, indexes,
/// triggers (and on PostgreSQL constraints, functions and relations), and the
/// number of rows of each table (migrations seed some).
fn snapshot(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    let (objects, tables) = match conn {
        DbConnection::Sqlite(_) => (
            "SELECT 'table ' || name AS head, sql AS body FROM sqlite_master \
               WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations' \
             UNION ALL \
             SELECT type || ' ' || name || ' on ' || tbl_name, coalesce(sql, '') FROM sqlite_master \
               WHERE type <> 'table' AND tbl_name <> '__diesel_schema_migrations' \
             UNION ALL \
             SELECT 'column ' || m.name || '.' || p.name, \
                    '#' || p.cid || ' ' || p.type || ' notnull=' || p.\"notnull\" \
                    || ' default=' || coalesce(p.dflt_value, 'none') || ' pk=' || p.pk \
               FROM sqlite_master m JOIN pragma_table_info(m.name) p \
               WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations'",
            "SELECT 'table' AS head, name AS body FROM sqlite_master \
               WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
        ),
        DbConnection::Pg(_) => (
            "SELECT 'column ' || table_name::text || '.' || column_name::text AS head, \
                    '#' || row_number() OVER (PARTITION BY table_name ORDER BY ordinal_position) \
                    || ' ' || data_type::text || ' nullable=' || is_nullable::text \
                    || ' default=' || coalesce(column_default::text, 'none') AS body \
               FROM information_schema.columns \
               WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations' \
             UNION ALL \
             SELECT 'relation ' || relname::text, relkind::text FROM pg_class \
               WHERE relnamespace = 'public'::regnamespace AND relname::text NOT LIKE '\\_\\_diesel\\_schema\\_migrations%' \
             UNION ALL \
             SELECT 'constraint ' || conrelid::regclass::text || '.' || conname::text, pg_get_constraintdef(oid) \
               FROM pg_constraint \
               WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text <> '__diesel_schema_migrations' \
             UNION ALL \
             SELECT 'index ' || tablename::text || '.' || indexname::text, indexdef FROM pg_indexes \
               WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations' \
             UNION ALL \
             SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname::text, pg_get_triggerdef(oid) \
               FROM pg_trigger WHERE NOT tgisinternal \
             UNION ALL \
             SELECT 'function ' || proname::text, pg_get_functiondef(oid) FROM pg_proc \
               WHERE pronamespace = 'public'::regnamespace \
             UNION ALL \
             SELECT 'type ' || typname::text, typtype::text FROM pg_type \
               WHERE typnamespace = 'public'::regnamespace AND typtype NOT IN ('b', 'c')",
            "SELECT 'table' AS head, table_name::text AS body FROM information_schema.tables \
               WHERE table_schema = 'public' AND table_type = 'BASE TABLE' \
                 AND table_name <> '__diesel_schema_migrations'",
        ),
    };
    let mut lines: Vec<String> = load(conn, objects)?
        .into_iter()
        .map(|l| format!("{}: {}", l.head, normalize(&l.body)))
        .collect();
    for table in load(conn, tables)? {
        let count = format!(
            "SELECT 'rows' AS head, CAST(count(*) AS TEXT) AS body FROM {}",
            table.body
        );
        for row in load(conn, &count)? {
            lines.push(format!("rows {}: {}", table.body, row.body));
        }
    }
    lines.sort();
    Ok(lines)
}

fn load(conn: &mut DbConnection, sql: &str) -> Result<Vec<Line>, AppError> {
    Ok(match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(sql).load(c)?,
        DbConnection::Pg(c) => diesel::sql_query(sql).load(c)?,
    })
}

/// SQL text without the differences that mean nothing: runs of white space,
/// and the quotes SQLite adds around a table name it renames.
fn normalize(sql: &str) -> String {
    sql.replace('"', "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace("( ", "(")
        .replace(" )", ")")
        .replace(" ,", ",")
}

/// Lines only in `expected` (`-`) and only in `found` (`+`).
fn diff(expected: &[String], found: &[String]) -> String {
    let expected: BTreeSet<&String> = expected.iter().collect();
    let found: BTreeSet<&String> = found.iter().collect();
    let mut out: Vec<String> = expected
        .difference(&found)
        .map(|l| format!("  - {l}"))
        .collect();
    out.extend(found.difference(&expected).map(|l| format!("  + {l}")));
    out.join("\n")
}

/// A column as the migrated database describes it.
#[derive(Debug, diesel::QueryableByName)]
struct DbColumn {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
    /// Position in the primary key, from 1; 0 when not part of it.
    #[diesel(sql_type = Integer)]
    pk: i32,
}

/// A column as a `diesel::table!` block declares it.
#[derive(Debug)]
struct DeclaredColumn {
    /// The SQL type without `Nullable<…>` and without a path (`Text`).
    sql_type: String,
    nullable: bool,
}

/// A `diesel::table!` block.
#[derive(Debug, Default)]
struct DeclaredTable {
    primary_key: Vec<String>,
    columns: BTreeMap<String, DeclaredColumn>,
}

/// The tables `src/db/schema.rs` declares. Anything inside a `table!` block
/// this parser does not understand (attributes, `sql_name`, schemas) fails
/// loudly rather than being skipped.
fn declared_tables() -> BTreeMap<String, DeclaredTable> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/db/schema.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let mut tables = BTreeMap::new();
    let mut lines = source.lines().enumerate().map(|(i, l)| (i + 1, l.trim()));
    while let Some((_, line)) = lines.next() {
        if line != "diesel::table! {" {
            continue;
        }
        let (n, header) = lines.next().unwrap();
        let unexpected = |n: usize, line: &str| -> ! {
            panic!("src/db/schema.rs:{n}: this test cannot read {line:?}; teach declared_tables()")
        };
        let Some((name, rest)) = header.split_once('(') else {
            unexpected(n, header)
        };
        let Some((key, "{")) = rest.split_once(')').map(|(k, r)| (k, r.trim())) else {
            unexpected(n, header)
        };
        let mut table = DeclaredTable {
            primary_key: key.split(',').map(|k| k.trim().to_owned()).collect(),
            ..DeclaredTable::default()
        };
        loop {
            let (n, line) = lines.next().unwrap();
            if line == "}" {
                break;
            }
            let Some((column, ty)) = line.strip_suffix(',').and_then(|l| l.split_once("->")) else {
                unexpected(n, line)
            };
            let ty = ty.trim();
            let (ty, nullable) = match ty.strip_prefix("Nullable<") {
                Some(inner) => (
                    inner
                        .strip_suffix('>')
                        .unwrap_or_else(|| unexpected(n, line)),
                    true,
                ),
                None => (ty, false),
            };
            let sql_type = ty.rsplit("::").next().unwrap_or(ty).to_owned();
            let previous = table.columns.insert(
                column.trim().to_owned(),
                DeclaredColumn { sql_type, nullable },
            );
            assert!(
                previous.is_none(),
                "src/db/schema.rs:{n}: column declared twice"
            );
        }
        let name = name.trim().to_owned();
        assert!(
            !tables.contains_key(&name),
            "src/db/schema.rs:{n}: table {name} declared twice"
        );
        tables.insert(name, table);
    }
    assert!(tables.len() > 10, "parsed too few tables: {tables:#?}");
    tables
}

/// Whether a column the database reports as `db_type` can hold Diesel's
/// `sql_type`. Coarse on SQLite (its declared types are only affinities),
/// exact on PostgreSQL, where Diesel would fail to read a wrong width.
fn fits(sql_type: &str, postgres: bool, db_type: &str) -> Option<bool> {
    let t = db_type.to_ascii_lowercase();
    let t = t.as_str();
    Some(if postgres {
        match sql_type {
            "Text" | "VarChar" => matches!(t, "text" | "character varying"),
            "SmallInt" => t == "smallint",
            "Integer" => t == "integer",
            "BigInt" => t == "bigint",
            "Bool" => t == "boolean",
            "Timestamp" => t == "timestamp without time zone",
            "Timestamptz" => t == "timestamp with time zone",
            "Date" => t == "date",
            "Binary" => t == "bytea",
            "Float" => t == "real",
            "Double" => t == "double precision",
            "Uuid" => t == "uuid",
            "Jsonb" => t == "jsonb",
            _ => return None,
        }
    } else {
        match sql_type {
            "Text" | "VarChar" => t == "text" || t.starts_with("varchar") || t.starts_with("char"),
            "SmallInt" | "Integer" => matches!(t, "integer" | "int" | "smallint"),
            "BigInt" => matches!(t, "bigint" | "integer" | "int" | "int8"),
            "Bool" => matches!(t, "boolean" | "integer"),
            "Timestamp" | "Timestamptz" => matches!(t, "timestamp" | "datetime"),
            "Date" => t == "date",
            "Binary" => t == "blob",
            "Float" | "Double" => matches!(t, "real" | "double" | "float"),
            _ => return None,
        }
    })
}

async fn schema_rs_matches_the_migrations(backend: Backend) {
    let db = TestDatabase::create(&backend);
    let postgres = db.is_postgres();
    let pool = Db::connect(&db.url, &DatabaseConfig::default()).unwrap();
    pool.run(run_migrations).await.unwrap();
    let columns = pool
        .run(|conn| {
            Ok(match conn {
                DbConnection::Sqlite(c) => diesel::sql_query(
                    "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type, \
                            p.\"notnull\" = 0 AS nullable, p.pk AS pk \
                     FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' \
                       AND m.name <> '__diesel_schema_migrations' \
                       AND m.name NOT LIKE 'security_audit_search%'",
                )
                .load::<DbColumn>(c)?,
                DbConnection::Pg(c) => diesel::sql_query(
                    "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, \
                            c.data_type::text AS data_type, c.is_nullable = 'YES' AS nullable, \
                            coalesce((SELECT k.ordinal_position::integer \
                                      FROM information_schema.table_constraints t \
                                      JOIN information_schema.key_column_usage k \
                                        ON k.constraint_schema = t.constraint_schema \
                                       AND k.constraint_name = t.constraint_name \
                                      WHERE t.table_schema = 'public' AND t.constraint_type = 'PRIMARY KEY' \
                                        AND t.table_name = c.table_name AND k.column_name = c.column_name), 0) AS pk \
                     FROM information_schema.columns c \
                     WHERE c.table_schema = 'public' AND c.table_name <> '__diesel_schema_migrations'",
                )
                .load::<DbColumn>(c)?,
            })
        })
        .await
        .unwrap();

    let mut actual: BTreeMap<String, Vec<DbColumn>> = BTreeMap::new();
    for column in columns {
        actual
            .entry(column.table_name.clone())
            .or_default()
            .push(column);
    }
    let declared = declared_tables();
    let mut problems = Vec::new();
    for name in declared.keys().filter(|t| !actual.contains_key(*t)) {
        problems.push(format!(
            "table {name}: declared in src/db/schema.rs, but no migration creates it"
        ));
    }
    for (name, db_columns) in &actual {
        let Some(table) = declared.get(name) else {
            problems.push(format!(
                "table {name}: created by the migrations, but missing from src/db/schema.rs"
            ));
            continue;
        };
        let mut key: Vec<&DbColumn> = db_columns.iter().filter(|c| c.pk > 0).collect();
        key.sort_by_key(|c| c.pk);
        let key: Vec<&str> = key.iter().map(|c| c.column_name.as_str()).collect();
        if key != table.primary_key {
            problems.push(format!(
                "table {name}: schema.rs has primary key ({}), the database ({})",
                table.primary_key.join(", "),
                key.join(", ")
            ));
        }
        for column in table
            .columns
            .keys()
            .filter(|c| !db_columns.iter().any(|d| &d.column_name == *c))
        {
            problems.push(format!(
                "column {name}.{column}: declared in src/db/schema.rs, but not in the database"
            ));
        }
        for db_column in db_columns {
            let column = &db_column.column_name;
            let Some(declared) = table.columns.get(column) else {
                problems.push(format!(
                    "column {name}.{column}: in the database, but missing from src/db/schema.rs"
                ));
                continue;
            };
            let nullable = |n: bool| if n { "nullable" } else { "NOT NULL" };
            if declared.nullable != db_column.nullable {
                problems.push(format!(
                    "column {name}.{column}: src/db/schema.rs says {}, the database says {}",
                    nullable(declared.nullable),
                    nullable(db_column.nullable)
                ));
            }
            match fits(&declared.sql_type, postgres, &db_column.data_type) {
                Some(true) => {}
                Some(false) => problems.push(format!(
                    "column {name}.{column}: src/db/schema.rs says {}, the database says {}",
                    declared.sql_type, db_column.data_type
                )),
                None => problems.push(format!(
                    "column {name}.{column}: this test does not know the Diesel type {}; teach fits()",
                    declared.sql_type
                )),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "src/db/schema.rs does not match migrations/{}:\n  {}",
        if postgres { "postgres" } else { "sqlite" },
        problems.join("\n  ")
    );
}
