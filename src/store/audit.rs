//! Rows of `security_audit_logs`, their seals (`audit_seals`) and the chain
//! head. Both tables refuse UPDATE and DELETE (triggers); this module only
//! ever inserts into them. Events are numbered by the database when they
//! are appended; the sealer (audit/seal.rs) links them into the
//! hash chain afterwards, in sequence order (docs/audit.md).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::MultiBackend;
use crate::db::schema::{audit_chain_head, audit_seals, memberships, security_audit_logs};
use crate::domain::UserId;
use crate::error::AppError;
use diesel::expression::BoxableExpression;

/// One audit record as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = security_audit_logs)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub created_at: NaiveDateTime,
    pub request_id: Option<String>,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub session_id: Option<String>,
    pub organization_id: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
}

/// A record to append: the database gives it its sequence number
/// (PostgreSQL from a sequence, SQLite one more than the largest).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = security_audit_logs)]
pub struct NewAuditRow {
    pub id: String,
    pub created_at: NaiveDateTime,
    pub request_id: Option<String>,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub session_id: Option<String>,
    pub organization_id: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
}

/// What a seal links: an event, or a sequence number no committed event
/// holds (its transaction rolled back).
pub const SEAL_EVENT: &str = "event";
pub const SEAL_GAP: &str = "gap";

/// One link of the hash chain.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = audit_seals)]
pub struct Seal {
    pub seq: i64,
    pub kind: String,
    pub prev_hash: String,
    pub hash: String,
    pub sealed_at: NaiveDateTime,
}

/// On SQLite, take the database's write lock as the transaction's first
/// statement, so that it never fails upgrading a read lock later (SQLite
/// allows one writer at a time anyway). PostgreSQL takes no lock here.
pub fn take_sqlite_write_lock(conn: &mut DbConnection) -> Result<(), AppError> {
    if matches!(conn, DbConnection::Sqlite(_)) {
        diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
            .set(audit_chain_head::seq.eq(audit_chain_head::seq))
            .execute(conn)?;
    }
    Ok(())
}

/// The last sealed link: (sequence number, hash).
pub fn head(conn: &mut DbConnection) -> Result<(i64, String), AppError> {
    Ok(audit_chain_head::table
        .filter(audit_chain_head::id.eq(1))
        .select((audit_chain_head::seq, audit_chain_head::hash))
        .first(conn)?)
}

/// Append a record (unsealed).
pub fn append(conn: &mut DbConnection, row: &NewAuditRow) -> Result<(), AppError> {
    diesel::insert_into(security_audit_logs::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Append seals (in sequence order) and move the head to the last one.
pub fn append_seals(conn: &mut DbConnection, seals: &[Seal]) -> Result<(), AppError> {
    let Some(last) = seals.last() else {
        return Ok(());
    };
    match conn {
        // One statement per 500 seals (PostgreSQL's bind limit is 65535).
        DbConnection::Pg(pg) => {
            for chunk in seals.chunks(500) {
                diesel::insert_into(audit_seals::table)
                    .values(chunk)
                    .execute(pg)?;
            }
        }
        DbConnection::Sqlite(lite) => {
            for seal in seals {
                diesel::insert_into(audit_seals::table)
                    .values(seal)
                    .execute(lite)?;
            }
        }
    }
    diesel::update(audit_chain_head::table.filter(audit_chain_head::id.eq(1)))
        .set((
            audit_chain_head::seq.eq(last.seq),
            audit_chain_head::hash.eq(&last.hash),
        ))
        .execute(conn)?;
    Ok(())
}

/// Seals after `after_seq` in sequence order, at most `limit`.
pub fn seals_page(
    conn: &mut DbConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<Seal>, AppError> {
    Ok(audit_seals::table
        .filter(audit_seals::seq.gt(after_seq))
        .order(audit_seals::seq.asc())
        .limit(limit)
        .select(Seal::as_select())
        .load(conn)?)
}

/// The seal of row `seq`, if it is sealed.
pub fn seal_of(conn: &mut DbConnection, seq: i64) -> Result<Option<Seal>, AppError> {
    Ok(audit_seals::table
        .filter(audit_seals::seq.eq(seq))
        .select(Seal::as_select())
        .first(conn)
        .optional()?)
}

/// Rows with a sequence number in `from..=to`, in order.
pub fn rows_between(
    conn: &mut DbConnection,
    from: i64,
    to: i64,
) -> Result<Vec<AuditRow>, AppError> {
    Ok(security_audit_logs::table
        .filter(security_audit_logs::seq.ge(from))
        .filter(security_audit_logs::seq.le(to))
        .order(security_audit_logs::seq.asc())
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// Rows after `after_seq` not sealed yet: (how many, the oldest's time).
pub fn unsealed(
    conn: &mut DbConnection,
    after_seq: i64,
) -> Result<(i64, Option<NaiveDateTime>), AppError> {
    // One statement for both aggregates.
    Ok(security_audit_logs::table
        .filter(security_audit_logs::seq.gt(after_seq))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(security_audit_logs::created_at),
        ))
        .first(conn)?)
}

/// Sealed rows after `after_seq` in sequence order, at most `limit`: what
/// consumers that must never skip a row read (webhooks, alerts), since
/// sealed rows are a gap-free prefix while unsealed ones may still be
/// joined by lower numbers committing late.
pub fn sealed_page(
    conn: &mut DbConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let (head_seq, _) = head(conn)?;
    Ok(security_audit_logs::table
        .filter(security_audit_logs::seq.gt(after_seq))
        .filter(security_audit_logs::seq.le(head_seq))
        .order(security_audit_logs::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// Rows after `after_seq` in sequence order, at most `limit`.
pub fn page(
    conn: &mut DbConnection,
    after_seq: i64,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    Ok(security_audit_logs::table
        .filter(security_audit_logs::seq.gt(after_seq))
        .order(security_audit_logs::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// Rows with a given action, newest first (for tests and the future viewer).
pub fn by_action(conn: &mut DbConnection, action: &str) -> Result<Vec<AuditRow>, AppError> {
    Ok(security_audit_logs::table
        .filter(security_audit_logs::action.eq(action))
        .order(security_audit_logs::seq.desc())
        .limit(1000)
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// The newest rows a user caused or that concern them, newest first (the
/// account security page).
pub fn recent_for_user(
    conn: &mut DbConnection,
    user_id: &UserId,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    recent_for_user_in(conn, user_id, None, limit)
}

/// [`recent_for_user`] limited like [`AuditFilter::organizations`]: only
/// events these organizations reach (`None`: all), as an organization's
/// caller reads the audit log (the console's user page).
pub fn recent_for_user_in(
    conn: &mut DbConnection,
    user_id: &UserId,
    organizations: Option<&[String]>,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let mut query = security_audit_logs::table
        .filter(
            security_audit_logs::actor_id
                .eq(user_id)
                .or(security_audit_logs::target_type
                    .eq("user")
                    .and(security_audit_logs::target_id.eq(user_id))),
        )
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(orgs) = organizations {
        query = query.filter(in_reach(orgs.to_vec()));
    }
    Ok(query
        .order(security_audit_logs::seq.desc())
        .limit(limit)
        .load(conn)?)
}

/// What an organization's caller reaches of the log: its organizations'
/// events, and untagged events (sign-ins, a person's own changes) done to
/// one of its members, or by a member to nothing but themself. Events
/// tagged with another organization stay out, whoever they concern, and
/// so do a member's (say a superuser's) actions on other people.
fn in_reach(
    orgs: Vec<String>,
) -> Box<
    dyn BoxableExpression<
            security_audit_logs::table,
            MultiBackend,
            SqlType = diesel::sql_types::Nullable<diesel::sql_types::Bool>,
        >,
> {
    let members = || {
        memberships::table
            .filter(memberships::organization_id.eq_any(orgs.clone()))
            .select(memberships::user_id)
    };
    // An untagged event acted on a member, or a member acted on nothing
    // else than themself (a member who is also a superuser acting on
    // another organization's user stays out).
    let on_member = security_audit_logs::target_type
        .eq("user")
        .and(security_audit_logs::target_id.eq_any(members().nullable()));
    let by_member_on_self = security_audit_logs::actor_type
        .eq("user")
        .and(security_audit_logs::actor_id.eq_any(members().nullable()))
        .and(
            security_audit_logs::target_id
                .is_null()
                .or(security_audit_logs::target_id.eq(security_audit_logs::actor_id)),
        );
    let untagged_member = security_audit_logs::organization_id
        .is_null()
        .and(on_member.or(by_member_on_self));
    Box::new(
        security_audit_logs::organization_id
            .eq_any(orgs.clone())
            .or(untagged_member),
    )
}

/// What an audit-log query asks for (every field optional).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    /// A piece of the details, the target id or the actor id.
    pub search: Option<String>,
    /// Only events these organizations reach: theirs, and untagged ones
    /// of their members (`None`: all).
    pub organizations: Option<Vec<String>>,
    /// Only events of this organization (within `organizations`).
    pub organization_id: Option<String>,
    /// The caller's address, exactly.
    pub ip: Option<String>,
    /// Events of one request (drill-down).
    pub request_id: Option<String>,
    /// Events of one sign-in session (drill-down).
    pub session_id: Option<String>,
    /// Newest first (the console) instead of creation order (the API).
    pub newest_first: bool,
}

/// One page of audit records in creation order (then id), after the key
/// `after`.
pub fn filtered_page(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<AuditRow>, AppError> {
    let t = security_audit_logs::table;
    let mut query = t.select(AuditRow::as_select()).into_boxed();
    if let Some(v) = &filter.actor_id {
        query = query.filter(security_audit_logs::actor_id.eq(v.clone()));
    }
    if let Some(v) = &filter.action {
        query = query.filter(security_audit_logs::action.eq(v.clone()));
    }
    if let Some(v) = &filter.target_type {
        query = query.filter(security_audit_logs::target_type.eq(v.clone()));
    }
    if let Some(v) = &filter.target_id {
        query = query.filter(security_audit_logs::target_id.eq(v.clone()));
    }
    if let Some(v) = &filter.outcome {
        query = query.filter(security_audit_logs::outcome.eq(v.clone()));
    }
    if let Some(v) = filter.since {
        query = query.filter(security_audit_logs::created_at.ge(v));
    }
    if let Some(v) = filter.until {
        query = query.filter(security_audit_logs::created_at.lt(v));
    }
    if let Some(q) = &filter.search
        && let Some(phrase) = trigram_phrase(conn, q)
    {
        // SQLite: the trigram index of migration 000035 (a phrase of a
        // trigram table matches substrings, case-insensitively like LIKE).
        query = query.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>(
                "security_audit_logs.seq IN (SELECT rowid FROM security_audit_search \
                 WHERE security_audit_search MATCH ",
            )
            .bind::<diesel::sql_types::Text, _>(phrase)
            .sql(")"),
        );
    } else if let Some(q) = &filter.search {
        let pattern = crate::store::contains_pattern(q);
        if matches!(conn, DbConnection::Pg(_)) {
            // PostgreSQL: ILIKE (case-insensitive, as SQLite's LIKE and
            // trigram phrases are), served by the pg_trgm indexes of
            // migration 000035.
            use diesel::sql_types::Text;
            query = query.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("(security_audit_logs.details ILIKE ")
                    .bind::<Text, _>(pattern.clone())
                    .sql(" ESCAPE '\\' OR security_audit_logs.target_id ILIKE ")
                    .bind::<Text, _>(pattern.clone())
                    .sql(" ESCAPE '\\' OR security_audit_logs.actor_id ILIKE ")
                    .bind::<Text, _>(pattern)
                    .sql(" ESCAPE '\\')"),
            );
        } else {
            query = query.filter(
                security_audit_logs::details
                    .like(pattern.clone())
                    .escape('\\')
                    .or(security_audit_logs::target_id
                        .like(pattern.clone())
                        .escape('\\'))
                    .or(security_audit_logs::actor_id.like(pattern).escape('\\')),
            );
        }
    }
    if let Some(orgs) = &filter.organizations {
        query = query.filter(in_reach(orgs.clone()));
    }
    if let Some(v) = &filter.organization_id {
        query = query.filter(security_audit_logs::organization_id.eq(v.clone()));
    }
    if let Some(v) = &filter.ip {
        query = query.filter(security_audit_logs::ip.eq(v.clone()));
    }
    if let Some(v) = &filter.request_id {
        query = query.filter(security_audit_logs::request_id.eq(v.clone()));
    }
    if let Some(v) = &filter.session_id {
        query = query.filter(security_audit_logs::session_id.eq(v.clone()));
    }
    let at = security_audit_logs::created_at;
    let id_ = security_audit_logs::id;
    if filter.newest_first {
        if let Some((t, id)) = after {
            // `at <= t` first: an index range, not a scan from the end
            // on every page (the export reads thousands of pages).
            query = query.filter(at.le(t).and(at.lt(t).or(id_.lt(id))));
        }
        query = query.order((at.desc(), id_.desc()));
    } else {
        if let Some((t, id)) = after {
            query = query.filter(at.ge(t).and(at.gt(t).or(id_.gt(id))));
        }
        query = query.order((at.asc(), id_.asc()));
    }
    Ok(query.limit(limit).load(conn)?)
}

/// On SQLite, `text` as a phrase of the trigram search table (quotes
/// doubled); `None` elsewhere, or for fewer than 3 characters (no trigram
/// to look up: those read rows with LIKE).
fn trigram_phrase(conn: &DbConnection, text: &str) -> Option<String> {
    let sqlite = matches!(conn, DbConnection::Sqlite(_));
    (sqlite && text.chars().count() >= 3).then(|| format!("\"{}\"", text.replace('"', "\"\"")))
}

/// The event `id`, when it is in one of `organizations` (`None`: any).
pub fn find_in(
    conn: &mut DbConnection,
    id: &str,
    organizations: Option<&[String]>,
) -> Result<Option<AuditRow>, AppError> {
    let mut query = security_audit_logs::table
        .filter(security_audit_logs::id.eq(id))
        .select(AuditRow::as_select())
        .into_boxed();
    if let Some(orgs) = organizations {
        query = query.filter(in_reach(orgs.to_vec()));
    }
    Ok(query.first(conn).optional()?)
}
