//! The kinds of alert rule and which audit events each one watches: the
//! subject an event concerns (an account, an address, a key), or none
//! when the event is not one the rule is about. Threshold kinds
//! ([`Kind::counts`]) fire when enough such events fall in their window;
//! the others fire on each event.

use serde_json::Value;

use crate::store::audit::AuditRow;

/// The audit action failed sign-ins are recorded as.
pub const LOGIN_FAILURE: &str = "login.failure";

/// What a rule watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// N failed sign-ins for one account in M minutes.
    FailedSigninsAccount,
    /// N failed sign-ins from one address in M minutes.
    FailedSigninsIp,
    /// A new superuser, or an organization owner or admin.
    NewAdmin,
    /// A second factor removed, or an account's MFA reset.
    MfaRemoved,
    /// An API key used from an address it was never used from.
    ApiKeyNewIp,
    /// A token signing key rotated.
    SigningKeyRotated,
    /// A verification of the audit chain failed.
    AuditVerifyFailed,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Self::FailedSigninsAccount,
        Self::FailedSigninsIp,
        Self::NewAdmin,
        Self::MfaRemoved,
        Self::ApiKeyNewIp,
        Self::SigningKeyRotated,
        Self::AuditVerifyFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FailedSigninsAccount => "failed_signins_account",
            Self::FailedSigninsIp => "failed_signins_ip",
            Self::NewAdmin => "new_admin",
            Self::MfaRemoved => "mfa_removed",
            Self::ApiKeyNewIp => "api_key_new_ip",
            Self::SigningKeyRotated => "signing_key_rotated",
            Self::AuditVerifyFailed => "audit_verify_failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// Whether the rule counts events over a window (threshold and
    /// window apply) rather than firing on each one.
    pub fn counts(self) -> bool {
        matches!(self, Self::FailedSigninsAccount | Self::FailedSigninsIp)
    }

    /// The subject `row` concerns for this kind, if the row is one the
    /// rule watches.
    pub fn subject(self, row: &AuditRow) -> Option<String> {
        let details = || serde_json::from_str::<Value>(&row.details).unwrap_or(Value::Null);
        match self {
            Self::FailedSigninsAccount => (row.action == LOGIN_FAILURE
                && row.target_type.as_deref() == Some("user"))
            .then(|| row.target_id.clone())
            .flatten(),
            Self::FailedSigninsIp => (row.action == LOGIN_FAILURE)
                .then(|| row.ip.clone())
                .flatten(),
            Self::NewAdmin => new_admin(&row.action, &details()).then(|| target(row)),
            Self::MfaRemoved => {
                matches!(row.action.as_str(), "mfa.removed" | "user.mfa_reset").then(|| target(row))
            }
            Self::ApiKeyNewIp => (row.action == "api_key.new_ip")
                .then(|| format!("{} {}", target(row), row.ip.as_deref().unwrap_or("-"))),
            Self::SigningKeyRotated => (row.action == "key.rotated").then(|| target(row)),
            Self::AuditVerifyFailed => (row.action == "audit.verified" && row.outcome == "failure")
                .then(|| "audit-log".to_owned()),
        }
    }
}

/// The target's id, else the actor's.
fn target(row: &AuditRow) -> String {
    row.target_id
        .clone()
        .or_else(|| row.actor_id.clone())
        .unwrap_or_else(|| "-".to_owned())
}

fn is_admin_role(role: &Value) -> bool {
    matches!(role.as_str(), Some("owner" | "admin"))
}

/// Whether an event grants the superuser flag or an owner/admin role.
fn new_admin(action: &str, details: &Value) -> bool {
    match action {
        "user.created" => {
            details["superuser"] == Value::Bool(true) || is_admin_role(&details["role"])
        }
        "user.updated" => details["after"]["superuser"] == Value::Bool(true),
        "membership.added" | "membership.changed" => {
            is_admin_role(&details["after"]["role"]) || is_admin_role(&details["to"])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: &str, details: Value) -> AuditRow {
        AuditRow {
            seq: 1,
            id: "e1".into(),
            created_at: chrono::NaiveDateTime::default(),
            request_id: None,
            actor_type: "user".into(),
            actor_id: Some("admin".into()),
            session_id: None,
            organization_id: None,
            action: action.into(),
            target_type: Some("user".into()),
            target_id: Some("u1".into()),
            outcome: "success".into(),
            ip: Some("203.0.113.9".into()),
            user_agent: None,
            details: details.to_string(),
        }
    }

    #[test]
    fn admin_grants_are_recognized_and_others_not() {
        let k = Kind::NewAdmin;
        let yes = [
            row("user.created", serde_json::json!({"superuser": true})),
            row(
                "user.created",
                serde_json::json!({"superuser": false, "role": "owner"}),
            ),
            row(
                "user.updated",
                serde_json::json!({"after": {"superuser": true}}),
            ),
            row(
                "membership.added",
                serde_json::json!({"after": {"role": "admin"}}),
            ),
            row("membership.changed", serde_json::json!({"to": "owner"})),
        ];
        for r in &yes {
            assert_eq!(k.subject(r).as_deref(), Some("u1"), "{}", r.details);
        }
        let no = [
            row(
                "user.created",
                serde_json::json!({"superuser": false, "role": "member"}),
            ),
            row(
                "user.updated",
                serde_json::json!({"after": {"superuser": false}}),
            ),
            row(
                "membership.changed",
                serde_json::json!({"after": {"role": "auditor"}}),
            ),
            row(
                "membership.removed",
                serde_json::json!({"before": {"role": "admin"}}),
            ),
        ];
        for r in &no {
            assert_eq!(k.subject(r), None, "{}", r.details);
        }
    }

    #[test]
    fn a_new_key_address_names_key_and_address() {
        let r = row("api_key.new_ip", serde_json::json!({"ip": "203.0.113.9"}));
        assert_eq!(
            Kind::ApiKeyNewIp.subject(&r).as_deref(),
            Some("u1 203.0.113.9")
        );
    }

    #[test]
    fn names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}
