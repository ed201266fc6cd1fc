//! An audit event as the admin API shows it (and webhooks send it as
//! `data`): the stored row with its details parsed and a vendor key's claim
//! lifted out.

use serde::Serialize;

use crate::store::audit::AuditRow;

/// One audit event.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AuditEventView {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub action: String,
    /// `success` or `failure`.
    pub outcome: String,
    /// `user`, `api_key`, `system` or `anonymous`.
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// For events made with a vendor key: `{actor_user_id, ticket_reference}`.
    #[schema(value_type = Option<Object>)]
    pub vendor: Option<serde_json::Value>,
}

/// An event as the API shows it.
pub fn view(row: AuditRow) -> AuditEventView {
    let details: serde_json::Value =
        serde_json::from_str(&row.details).unwrap_or(serde_json::Value::Null);
    AuditEventView {
        // The claim a vendor key's actor adds (other events may have a
        // `vendor` field of their own, e.g. an API key's flag).
        vendor: details
            .get("vendor")
            .filter(|v| v.get("ticket_reference").is_some())
            .cloned(),
        id: row.id,
        created_at: row.created_at.and_utc().to_rfc3339(),
        action: row.action,
        outcome: row.outcome,
        actor_type: row.actor_type,
        actor_id: row.actor_id,
        target_type: row.target_type,
        target_id: row.target_id,
        ip: row.ip,
        request_id: row.request_id,
        details,
    }
}
