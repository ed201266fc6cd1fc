//! The one service the admin API and the console call for alert rules:
//! list them, change one (validated, audited as `alert_rule.updated` with
//! before and after), and list recent firings. Reach is checked by the
//! callers: alerts are for superusers (global reach) only.

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use crate::alerts::kinds::Kind;
use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::domain::Email;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::alerts::{self as rows, AlertRule, Firing};
use crate::store::slice::Slice;
use crate::store::{naive, write_tx};

/// Bounds of a threshold (events).
pub const MAX_THRESHOLD: i64 = 10_000;
/// Bounds of a window (minutes): at most a day.
pub const MAX_WINDOW_MINUTES: i64 = 1_440;
/// At most this many recipients per rule.
pub const MAX_RECIPIENTS: usize = 20;

/// A rule as the API and console show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RuleView {
    /// The rule (one per kind): `failed_signins_account`,
    /// `failed_signins_ip`, `new_admin`, `mfa_removed`, `api_key_new_ip`,
    /// `signing_key_rotated` or `audit_verify_failed`.
    pub id: String,
    pub kind: String,
    pub enabled: bool,
    /// Whether the rule counts events over a window (`threshold` and
    /// `window_minutes` apply) rather than firing on each one.
    pub counts: bool,
    pub threshold: i32,
    pub window_minutes: i32,
    /// Where mail goes; empty: every superuser's verified address.
    pub recipients: Vec<String>,
    /// Whether the `alert.fired` event goes to webhook subscriptions.
    pub notify_webhook: bool,
    /// RFC 3339, UTC.
    pub updated_at: String,
    pub updated_by: Option<String>,
}

impl RuleView {
    pub fn of(r: &AlertRule) -> Self {
        Self {
            id: r.id.clone(),
            kind: r.kind.clone(),
            enabled: r.enabled,
            counts: Kind::parse(&r.kind).is_some_and(Kind::counts),
            threshold: r.threshold,
            window_minutes: r.window_minutes,
            recipients: r.recipient_list(),
            notify_webhook: r.notify_webhook,
            updated_at: rfc3339(r.updated_at),
            updated_by: r.updated_by.clone(),
        }
    }
}

/// A firing as the API and console show it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FiringView {
    pub id: String,
    pub rule_id: String,
    /// What it concerns: a user id, an address, `KEY_ID ADDRESS`, a key id.
    pub subject: String,
    /// The audit event that made it fire.
    pub audit_event_id: String,
    /// That event's time, RFC 3339, UTC.
    pub event_at: String,
    pub fired_at: String,
    #[schema(value_type = Object)]
    pub details: Value,
}

impl FiringView {
    pub fn of(f: &Firing) -> Self {
        Self {
            id: f.id.clone(),
            rule_id: f.rule_id.clone(),
            subject: f.subject.clone(),
            audit_event_id: f.audit_event_id.clone(),
            event_at: rfc3339(f.event_at),
            fired_at: rfc3339(f.fired_at),
            details: serde_json::from_str(&f.details).unwrap_or(Value::Null),
        }
    }
}

fn rfc3339(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct RulePatch {
    pub enabled: Option<bool>,
    pub threshold: Option<i64>,
    pub window_minutes: Option<i64>,
    pub recipients: Option<Vec<String>>,
    pub notify_webhook: Option<bool>,
}

/// Why a change is refused (nothing was changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotFound,
    Invalid {
        field: &'static str,
        message: String,
    },
}

fn invalid(field: &'static str, message: impl Into<String>) -> Refusal {
    Refusal::Invalid {
        field,
        message: message.into(),
    }
}

/// Every rule.
pub async fn list(state: &AppState) -> Result<Vec<RuleView>, AppError> {
    let rules = state.db.run(rows::rules).await?;
    Ok(rules.iter().map(RuleView::of).collect())
}

/// The newest firings: a page of at most `limit` before `before`.
pub async fn firings(
    state: &AppState,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Slice<FiringView>, AppError> {
    let found = state
        .db
        .run(move |conn| rows::recent_firings(conn, before, limit + 1))
        .await?;
    Ok(Slice::of(found, limit, |f| (f.fired_at, f.id.clone())).map(|f| FiringView::of(&f)))
}

/// `rule` with `patch` applied, or why not.
pub fn apply(rule: &AlertRule, patch: &RulePatch) -> Result<AlertRule, Refusal> {
    let counts = Kind::parse(&rule.kind).is_some_and(Kind::counts);
    let mut next = rule.clone();
    if let Some(n) = patch.threshold {
        if !counts {
            return Err(invalid(
                "threshold",
                "this rule fires on each event; it has no threshold",
            ));
        }
        if !(1..=MAX_THRESHOLD).contains(&n) {
            return Err(invalid(
                "threshold",
                format!("must be from 1 to {MAX_THRESHOLD}"),
            ));
        }
        next.threshold = i32::try_from(n).map_err(|_| invalid("threshold", "too large"))?;
    }
    if let Some(m) = patch.window_minutes {
        if !counts {
            return Err(invalid(
                "window_minutes",
                "this rule fires on each event; it has no window",
            ));
        }
        if !(1..=MAX_WINDOW_MINUTES).contains(&m) {
            return Err(invalid(
                "window_minutes",
                format!("must be from 1 to {MAX_WINDOW_MINUTES} minutes"),
            ));
        }
        next.window_minutes =
            i32::try_from(m).map_err(|_| invalid("window_minutes", "too large"))?;
    }
    if let Some(list) = &patch.recipients {
        if list.len() > MAX_RECIPIENTS {
            return Err(invalid(
                "recipients",
                format!("at most {MAX_RECIPIENTS} addresses"),
            ));
        }
        let mut parsed: Vec<String> = Vec::with_capacity(list.len());
        for raw in list {
            let email =
                Email::parse(raw).map_err(|e| invalid("recipients", format!("{raw:?}: {e}")))?;
            let email = email.as_str().to_owned();
            if !parsed.contains(&email) {
                parsed.push(email);
            }
        }
        next.recipients = serde_json::to_string(&parsed).unwrap_or_else(|_| "[]".into());
    }
    if let Some(on) = patch.enabled {
        next.enabled = on;
    }
    if let Some(on) = patch.notify_webhook {
        next.notify_webhook = on;
    }
    Ok(next)
}

/// The settings an audit record compares.
fn settings(r: &AlertRule) -> Value {
    json!({
        "enabled": r.enabled,
        "threshold": r.threshold,
        "window_minutes": r.window_minutes,
        "recipients": r.recipient_list(),
        "notify_webhook": r.notify_webhook,
    })
}

/// Change rule `id`; the rule as it is now, or why not.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: String,
    patch: RulePatch,
) -> Result<Result<RuleView, Refusal>, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(rule) = rows::find_rule(conn, &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                let mut next = match apply(&rule, &patch) {
                    Ok(next) => next,
                    Err(refusal) => return Ok(Err(refusal)),
                };
                next.updated_at = naive(now);
                next.updated_by = actor.id.clone();
                rows::save_rule(conn, &next)?;
                let event = Event::new(Action::AlertRuleUpdated, Outcome::Success)
                    .target("alert_rule", rule.id.as_str())
                    .details(json!({ "before": settings(&rule), "after": settings(&next) }));
                audit::record(conn, &actor, event, now)?;
                Ok(Ok(RuleView::of(&next)))
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(kind: Kind) -> AlertRule {
        AlertRule {
            id: kind.as_str().into(),
            kind: kind.as_str().into(),
            enabled: true,
            threshold: 5,
            window_minutes: 10,
            recipients: "[]".into(),
            notify_webhook: true,
            updated_at: chrono::NaiveDateTime::default(),
            updated_by: None,
        }
    }

    #[test]
    fn bounds_and_addresses_are_checked() {
        let r = rule(Kind::FailedSigninsAccount);
        let bad = |p: RulePatch| apply(&r, &p).unwrap_err();
        assert!(matches!(
            bad(RulePatch {
                threshold: Some(0),
                ..Default::default()
            }),
            Refusal::Invalid {
                field: "threshold",
                ..
            }
        ));
        assert!(matches!(
            bad(RulePatch {
                window_minutes: Some(1441),
                ..Default::default()
            }),
            Refusal::Invalid {
                field: "window_minutes",
                ..
            }
        ));
        assert!(matches!(
            bad(RulePatch {
                recipients: Some(vec!["nope".into()]),
                ..Default::default()
            }),
            Refusal::Invalid {
                field: "recipients",
                ..
            }
        ));
        let ok = apply(
            &r,
            &RulePatch {
                threshold: Some(3),
                recipients: Some(vec!["A@Example.com".into()]),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.threshold, 3);
        assert_eq!(ok.recipient_list().len(), 1);
    }

    #[test]
    fn event_rules_have_no_threshold() {
        let r = rule(Kind::NewAdmin);
        assert!(
            apply(
                &r,
                &RulePatch {
                    threshold: Some(2),
                    ..Default::default()
                }
            )
            .is_err()
        );
        assert!(
            apply(
                &r,
                &RulePatch {
                    enabled: Some(false),
                    ..Default::default()
                }
            )
            .is_ok()
        );
    }
}
