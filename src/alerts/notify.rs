//! Mail for firings, sent after their transaction committed, by the
//! instance that made them: to the rule's recipients, or — when it names
//! none — to every superuser's verified address. Each message has its
//! delivery record and `mail.sent`/`mail.failed` event (`crate::mail`); a
//! failure is logged and does not undo the firing. The webhook side needs
//! nothing here: the `alert.fired` audit event reaches the subscriptions
//! to it like any other event.

use crate::alerts::kinds::Kind;
use crate::audit::Actor;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::{self, Message};
use crate::state::AppState;
use crate::store::alerts::{self as rows, AlertRule, Firing};

/// A firing made by the evaluator, with its rule, to notify after commit.
#[derive(Debug, Clone)]
pub struct Fired {
    pub kind: Kind,
    pub rule: AlertRule,
    pub firing: Firing,
    /// How many events were counted (threshold rules).
    pub count: Option<i64>,
}

/// The console page the mail links to.
pub const PAGE: &str = "/admin/alerts";

/// The message for one firing.
pub fn message(state: &AppState, fired: &Fired) -> Message {
    Message::Alert {
        kind: fired.kind.as_str().to_owned(),
        subject: fired.firing.subject.clone(),
        count: fired.count,
        window_minutes: i64::from(fired.rule.window_minutes),
        when: fired
            .firing
            .event_at
            .and_utc()
            .format("%Y-%m-%d %H:%M:%S UTC")
            .to_string(),
        link: format!("{}{PAGE}", state.config.issuer.trim_end_matches('/')),
    }
}

/// Mail every firing to its recipients.
pub async fn mail(state: &AppState, fired: &[Fired]) -> Result<(), AppError> {
    if fired.is_empty() {
        return Ok(());
    }
    let superusers = state.db.run(rows::superuser_addresses).await?;
    let actor = Actor::system("alerts");
    // Checked at start-up (`config::validate`).
    let locale = Locale::from_tag(&state.config.alerts.mail_locale).unwrap_or_default();
    for f in fired {
        let listed = f.rule.recipient_list();
        let to = if listed.is_empty() {
            &superusers
        } else {
            &listed
        };
        let message = message(state, f);
        for address in to {
            if let Err(e) = mail::send(&state.mailer, &actor, address, &message, locale).await {
                tracing::warn!(error = %e, rule = %f.rule.id, "alert mail not sent");
            }
        }
    }
    Ok(())
}
