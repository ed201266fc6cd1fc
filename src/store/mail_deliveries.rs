//! Delivery records of outgoing mail: written `queued` before a message is
//! handed to SMTP, then marked `sent` or `failed` with the reason.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::mail_deliveries;
use crate::error::AppError;

/// A delivery row.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_deliveries)]
pub struct Delivery {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &Delivery) -> Result<(), AppError> {
    diesel::insert_into(mail_deliveries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Record the outcome of a delivery.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    reason: Option<&str>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    diesel::update(mail_deliveries::table.filter(mail_deliveries::id.eq(id)))
        .set((
            mail_deliveries::status.eq(status),
            mail_deliveries::reason.eq(reason),
            mail_deliveries::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Every delivery, newest first (tests and operators).
pub fn recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<Delivery>, AppError> {
    Ok(mail_deliveries::table
        .order(mail_deliveries::created_at.desc())
        .limit(limit)
        .select(Delivery::as_select())
        .load(conn)?)
}
