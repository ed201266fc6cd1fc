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
