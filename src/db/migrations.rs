//! Embedded, mirrored migrations (`migrations/sqlite`, `migrations/postgres`).
//! Concurrent starts against one PostgreSQL serialize on an advisory lock.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;
use crate::error::AppError;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");
/// Arbitrary constant naming Ostiary's migration lock.
const PG_LOCK: i64 = 0x05_7141_7259;

/// Apply pending migrations; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(ToString::to_string).collect())
            .map_err(|e| AppError::Internal(format!("migration failed: {e}")))?,
        DbConnection::Pg(c) => {
            c.batch_execute(&format!("SELECT pg_advisory_lock({PG_LOCK})"))?;
            let result = c
                .run_pending_migrations(POSTGRES)
                .map(|v| v.iter().map(ToString::to_string).collect::<Vec<String>>())
                .map_err(|e| AppError::Internal(format!("migration failed: {e}")));
            c.batch_execute(&format!("SELECT pg_advisory_unlock({PG_LOCK})"))?;
            result?
        }
    };
    Ok(applied)
}

/// One migration step, for [`check_reversible`].
#[derive(Clone, Copy)]
enum Step {
    Up,
    Down,
}

/// Run the next pending migration (`Up`) or revert the last applied one
/// (`Down`); returns its version.
fn step(conn: &mut DbConnection, step: Step) -> Result<String, AppError> {
    let version = match (conn, step) {
        (DbConnection::Sqlite(c), Step::Up) => c.run_next_migration(SQLITE).map(|v| v.to_string()),
        (DbConnection::Sqlite(c), Step::Down) => {
            c.revert_last_migration(SQLITE).map(|v| v.to_string())
        }
        (DbConnection::Pg(c), Step::Up) => c.run_next_migration(POSTGRES).map(|v| v.to_string()),
        (DbConnection::Pg(c), Step::Down) => {
            c.revert_last_migration(POSTGRES).map(|v| v.to_string())
        }
    };
    version.map_err(|e| AppError::Internal(format!("migration failed: {e}")))
}

/// How many migrations are applied, and how many are pending.
fn counts(conn: &mut DbConnection) -> Result<(usize, usize), AppError> {
    let counts = match conn {
        DbConnection::Sqlite(c) => c
            .applied_migrations()
            .and_then(|a| Ok((a.len(), c.pending_migrations(SQLITE)?.len()))),
        DbConnection::Pg(c) => c
            .applied_migrations()
            .and_then(|a| Ok((a.len(), c.pending_migrations(POSTGRES)?.len()))),
    };
    counts.map_err(|e| AppError::Internal(format!("cannot list migrations: {e}")))
}

/// An error naming the lines of `inspect` that `what` changed, if any.
fn same(what: &str, expected: &[String], found: &[String]) -> Result<(), AppError> {
    let expected: std::collections::BTreeSet<&String> = expected.iter().collect();
    let found: std::collections::BTreeSet<&String> = found.iter().collect();
    if expected == found {
        return Ok(());
    }
    let mut diff = Vec::new();
    diff.extend(expected.difference(&found).map(|l| format!("  - {l}")));
    diff.extend(found.difference(&expected).map(|l| format!("  + {l}")));
    Err(AppError::Internal(format!(
        "{what} changed the schema (- expected, + found):\n{}",
        diff.join("\n")
    )))
}

/// Prove every migration reversible, for CI: on a database without
/// migrations, each one in turn goes up, down and up again; then all are
/// reverted and re-applied. `inspect` describes the schema as lines; after a
/// revert they must be those from before the migration, after a re-run those
/// from its first run. Returns the versions applied, oldest first.
///
/// Test-only: it takes no lock and drops every table it reverts.
pub fn check_reversible(
    conn: &mut DbConnection,
    mut inspect: impl FnMut(&mut DbConnection) -> Result<Vec<String>, AppError>,
) -> Result<Vec<String>, AppError> {
    if counts(conn)?.0 != 0 {
        return Err(AppError::Internal(
            "check_reversible needs a database without applied migrations".into(),
        ));
    }
    let empty = inspect(conn)?;
    let mut versions = Vec::new();
    while counts(conn)?.1 > 0 {
        let before = inspect(conn)?;
        let version = step(conn, Step::Up)?;
        let after = inspect(conn)?;
        let reverted = step(conn, Step::Down)?;
        if reverted != version {
            return Err(AppError::Internal(format!(
                "reverting {version} reverted {reverted}"
            )));
        }
        same(&format!("{version} up, down"), &before, &inspect(conn)?)?;
        step(conn, Step::Up)?;
        same(&format!("{version} up, down, up"), &after, &inspect(conn)?)?;
        versions.push(version);
    }
    let full = inspect(conn)?;
    while counts(conn)?.0 > 0 {
        step(conn, Step::Down)?;
    }
    same("reverting all migrations", &empty, &inspect(conn)?)?;
    while counts(conn)?.1 > 0 {
        step(conn, Step::Up)?;
    }
    same("re-applying all migrations", &full, &inspect(conn)?)?;
    Ok(versions)
}
