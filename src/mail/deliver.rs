//! Delivering one message: a `queued` delivery record is written first,
//! then the message goes to SMTP, then the record becomes `sent` or
//! `failed` (with the reason) together with its audit record, and
//! `ostiary_mail_total{kind,outcome}` counts it. A failure reaches the user
//! as [`AppError::MailUnavailable`] ("try again later").

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::message::{self, Message};
use crate::mail::transport::Mailer;
use crate::store::mail_deliveries::{self, Delivery};
use crate::store::{naive, write_tx};

/// Render and send `message` to `to`, with record, audit and metric.
pub async fn send(
    mailer: &Mailer,
    actor: &Actor,
    to: &str,
    message: &Message,
    locale: Locale,
) -> Result<(), AppError> {
    let kind = message.kind();
    let rendered = message::render(message, locale)?;
    let id = uuid::Uuid::now_v7().to_string();
    let row = Delivery {
        id: id.clone(),
        kind: kind.to_owned(),
        recipient: to.to_owned(),
        status: "queued".into(),
        reason: None,
        created_at: naive(mailer.clock.now()),
        updated_at: naive(mailer.clock.now()),
    };
    mailer
        .db
        .run(move |conn| mail_deliveries::insert(conn, &row))
        .await?;
    let result = mailer.send(to, &rendered).await;
    finish(mailer, actor, &id, kind, to, result.as_ref().err().cloned()).await?;
    result.map_err(|_| AppError::MailUnavailable)
}

/// [`send`] in the background, for security notices: the page does not
/// wait for SMTP, and a failure is in the delivery records and the log.
pub fn send_later(mailer: &std::sync::Arc<Mailer>, to: String, message: Message, locale: Locale) {
    let mailer = mailer.clone();
    // Counted: a graceful shutdown waits for it (`jobs::shutdown::flush`).
    let pending = mailer.pending.clone();
    pending.spawn(async move {
        let actor = Actor::system("notice");
        if let Err(e) = send(&mailer, &actor, &to, &message, locale).await {
            tracing::warn!(error = %e, kind = message.kind(), "security notice not sent");
        }
    });
}

/// Record a failure to reach SMTP where no message was addressed (see
/// `Mailer::probe`).
pub async fn probe(mailer: &Mailer, kind: &'static str) -> Result<(), AppError> {
    match mailer.probe().await {
        Ok(()) => Ok(()),
        Err(reason) => {
            tracing::warn!(kind, %reason, "SMTP server unreachable");
            metrics::counter!("ostiary_mail_total", "kind" => kind, "outcome" => "failed")
                .increment(1);
            Err(AppError::MailUnavailable)
        }
    }
}

async fn finish(
    mailer: &Mailer,
    actor: &Actor,
    id: &str,
    kind: &'static str,
    to: &str,
    failure: Option<String>,
) -> Result<(), AppError> {
    let now = mailer.clock.now();
    let (actor, id, to) = (actor.clone(), id.to_owned(), to.to_owned());
    let outcome = if failure.is_some() { "failed" } else { "sent" };
    if let Some(reason) = &failure {
        tracing::warn!(kind, delivery = %id, %reason, "mail delivery failed");
    }
    metrics::counter!("ostiary_mail_total", "kind" => kind, "outcome" => outcome).increment(1);
    mailer
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                mail_deliveries::finish(conn, &id, outcome, failure.as_deref(), naive(now))?;
                let (action, result) = match &failure {
                    None => (Action::MailSent, Outcome::Success),
                    Some(_) => (Action::MailFailed, Outcome::Failure),
                };
                audit::record(
                    conn,
                    &actor,
                    Event::new(action, result)
                        .target("mail_delivery", id.as_str())
                        .details(serde_json::json!({
                            "kind": kind,
                            "recipient": to,
                            "reason": failure,
                        })),
                    now,
                )
            })
        })
        .await
}
