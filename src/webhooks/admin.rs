//! The webhook service the admin API (and console) call: subscriptions in
//! a caller's reach — list, show, create (the secret answered once),
//! update, delete, rotate the secret — their recent deliveries, and the
//! dead-letter queue (callers of global reach only) with replay. Every
//! change is audited with its actor (SR-150); secrets are sealed (SR-54)
//! and never in an audit record or a view.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::slice::Slice;
use crate::store::webhooks::{self as rows, Delivery, Webhook};
use crate::store::{naive, orgs, write_tx};
use crate::webhooks::sign;
use crate::webhooks::spec::{self, Invalid};

/// Most subscriptions and deliveries the console shows on one page.
pub const LIST_LIMIT: i64 = 200;

/// Why a request was refused.
#[derive(Debug)]
pub enum Refusal {
    NotFound,
    Invalid(Invalid),
    /// The organization is unknown or out of the caller's reach.
    NoOrganization,
    /// Only a dead delivery can be replayed.
    NotDead,
    /// The dead-letter queue is for callers of global reach only.
    NotGlobal,
}

/// The one rule of the dead-letter queue: only a caller of global reach
/// (a superuser, a global key, the CLI) lists deliveries by status and
/// replays them — an organization's caller not even its own (SR-100).
pub fn may_inspect_deliveries(reach: &Reach) -> Result<(), Refusal> {
    if reach.is_none() {
        Ok(())
    } else {
        Err(Refusal::NotGlobal)
    }
}

/// A subscription as the API shows it: the secret only as a hint.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: String,
    /// `null`: a global subscription (every organization's events).
    pub organization_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
    /// The secret masked, e.g. `whsec_…abcd`.
    pub secret_hint: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl WebhookView {
    pub fn of(w: &Webhook) -> Self {
        Self {
            id: w.id.clone(),
            organization_id: w.organization_id.clone(),
            name: w.name.clone(),
            url: w.url.clone(),
            events: w.patterns(),
            enabled: w.enabled,
            secret_hint: w.secret_hint.clone(),
            created_at: rfc3339(w.created_at),
            updated_at: rfc3339(w.updated_at),
        }
    }
}

/// A subscription and its secret, answered once (creation, rotation).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WebhookWithSecret {
    /// `whsec_…`: verify signatures with it; shown only now.
    pub secret: String,
    #[serde(flatten)]
    pub webhook: WebhookView,
}

/// One delivery (its payload is the audit event, not shown here).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    /// Also the `webhook-id` header, the same on every attempt.
    pub id: String,
    pub webhook_id: String,
    pub audit_event_id: String,
    pub event_type: String,
    /// `pending`, `delivered` or `dead`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: String,
    /// The HTTP status of the last attempt, if it got one.
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
}

impl DeliveryView {
    pub fn of(d: &Delivery) -> Self {
        Self {
            id: d.id.clone(),
            webhook_id: d.subscription_id.clone(),
            audit_event_id: d.audit_event_id.clone(),
            event_type: d.event_type.clone(),
            status: d.status.clone(),
            attempts: d.attempts,
            next_attempt_at: rfc3339(d.next_attempt_at),
            last_status: d.last_status,
            last_error: d.last_error.clone(),
            created_at: rfc3339(d.created_at),
            delivered_at: d.delivered_at.map(rfc3339),
        }
    }
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A new subscription as asked for.
#[derive(Debug, Clone)]
pub struct NewWebhook {
    pub organization_id: Option<String>,
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub enabled: bool,
}

/// Changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub name: Option<String>,
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// The organizations a caller reaches (`None`: all).
pub type Reach = Option<Vec<OrganizationId>>;

fn strings(reach: &Reach) -> Option<Vec<String>> {
    reach
        .as_ref()
        .map(|list| list.iter().map(ToString::to_string).collect())
}

/// The URL without its query (which may carry a token) for the audit log.
fn logged_url(url: &str) -> String {
    url.split(['?', '#']).next().unwrap_or_default().to_owned()
}

fn details(w: &Webhook) -> serde_json::Value {
    serde_json::json!({
        "name": w.name,
        "url": logged_url(&w.url),
        "events": w.patterns(),
        "enabled": w.enabled,
    })
}

fn event(action: Action, w: &Webhook) -> Event {
    let mut e = Event::new(action, Outcome::Success)
        .target("webhook", w.id.clone())
        .details(details(w));
    if let Some(org) = &w.organization_id {
        e = e.organization(org.clone());
    }
    e
}

/// Subscriptions in reach, oldest first: a page of at most `limit` after
/// `after`.
pub async fn list(
    state: &AppState,
    reach: Reach,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Slice<WebhookView>, AppError> {
    let orgs = strings(&reach);
    let found = state
        .db
        .run(move |conn| rows::list(conn, orgs.as_deref(), after, limit + 1))
        .await?;
    Ok(Slice::of(found, limit, |w| (w.created_at, w.id.clone())).map(|w| WebhookView::of(&w)))
}

pub async fn show(
    state: &AppState,
    reach: Reach,
    id: String,
) -> Result<Option<WebhookView>, AppError> {
    let orgs = strings(&reach);
    let found = state
        .db
        .run(move |conn| rows::find(conn, orgs.as_deref(), &id))
        .await?;
    Ok(found.as_ref().map(WebhookView::of))
}

fn sealed(state: &AppState, id: &str) -> Result<(String, String, String), AppError> {
    let secret = sign::new_secret();
    let sealed = state
        .envelope
        .encrypt(secret.as_bytes(), &sign::context(id))?;
    Ok((secret.to_string(), sealed, sign::hint(&secret)))
}

/// Create a subscription; the answer holds its secret, shown once.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    new: NewWebhook,
) -> Result<Result<WebhookWithSecret, Refusal>, AppError> {
    let allow_private = state.config.oidc.allow_private_targets;
    let checked = (|| {
        Ok::<_, Invalid>((
            spec::name(&new.name)?,
            spec::url(&new.url, allow_private)?,
            spec::events(&new.events)?,
        ))
    })();
    let (name, url, events) = match checked {
        Ok(c) => c,
        Err(i) => return Ok(Err(Refusal::Invalid(i))),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let (secret, secret_sealed, secret_hint) = sealed(state, &id)?;
    let now = naive(state.now());
    let (actor, wanted) = (actor.clone(), new.organization_id);
    let events =
        serde_json::to_string(&events).map_err(|e| AppError::Internal(format!("events: {e}")))?;
    let enabled = new.enabled;
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let organization_id = match (&reach, wanted.clone()) {
                    (Some(list), Some(o)) if list.iter().any(|l| l.as_str() == o) => Some(o),
                    (Some(list), None) if list.len() == 1 => list.first().map(ToString::to_string),
                    (Some(_), _) => return Ok(Err(Refusal::NoOrganization)),
                    (None, Some(o)) => {
                        match orgs::find_in(conn, None, &OrganizationId::from(o.clone()))? {
                            Some(_) => Some(o),
                            None => return Ok(Err(Refusal::NoOrganization)),
                        }
                    }
                    (None, None) => None,
                };
                let mut row = Webhook {
                    id: id.clone(),
                    organization_id,
                    name: name.clone(),
                    url: url.clone(),
                    events: events.clone(),
                    secret_sealed: secret_sealed.clone(),
                    secret_hint: secret_hint.clone(),
                    enabled,
                    after_seq: 0,
                    created_at: now,
                    updated_at: now,
                };
                audit::record(
                    conn,
                    &actor,
                    event(Action::WebhookCreated, &row),
                    crate::store::utc(now),
                )?;
                // Only events after this one reach the subscription.
                row.after_seq = crate::store::audit::head(conn)?.0;
                rows::insert(conn, &row)?;
                Ok(Ok(WebhookWithSecret {
                    secret: secret.clone(),
                    webhook: WebhookView::of(&row),
                }))
            })
        })
        .await
}

/// Change a subscription; the result is validated like a new one.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: String,
    patch: WebhookPatch,
) -> Result<Result<WebhookView, Refusal>, AppError> {
    let allow_private = state.config.oidc.allow_private_targets;
    let checked = (|| {
        Ok::<_, Invalid>((
            patch.name.as_deref().map(spec::name).transpose()?,
            patch
                .url
                .as_deref()
                .map(|u| spec::url(u, allow_private))
                .transpose()?,
            patch.events.as_deref().map(spec::events).transpose()?,
        ))
    })();
    let (name, url, events) = match checked {
        Ok(c) => c,
        Err(i) => return Ok(Err(Refusal::Invalid(i))),
    };
    let events = events
        .map(|e| serde_json::to_string(&e))
        .transpose()
        .map_err(|e| AppError::Internal(format!("events: {e}")))?;
    let now = naive(state.now());
    let (actor, orgs) = (actor.clone(), strings(&reach));
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(mut row) = rows::find(conn, orgs.as_deref(), &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                let before = details(&row);
                if let Some(n) = name.clone() {
                    row.name = n;
                }
                if let Some(u) = url.clone() {
                    row.url = u;
                }
                if let Some(e) = events.clone() {
                    row.events = e;
                }
                if let Some(e) = patch.enabled {
                    row.enabled = e;
                }
                row.updated_at = now;
                rows::save(conn, &row)?;
                let mut e = event(Action::WebhookUpdated, &row);
                e.details = serde_json::json!({ "before": before, "after": details(&row) });
                audit::record(conn, &actor, e, crate::store::utc(now))?;
                Ok(Ok(WebhookView::of(&row)))
            })
        })
        .await
}

/// Delete a subscription and its deliveries.
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: String,
) -> Result<Result<(), Refusal>, AppError> {
    let now = state.now();
    let (actor, orgs) = (actor.clone(), strings(&reach));
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = rows::find(conn, orgs.as_deref(), &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                rows::delete(conn, &row.id)?;
                audit::record(conn, &actor, event(Action::WebhookDeleted, &row), now)?;
                Ok(Ok(()))
            })
        })
        .await
}

/// A new secret replaces the old one at once; answered once.
pub async fn rotate_secret(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    id: String,
) -> Result<Result<WebhookWithSecret, Refusal>, AppError> {
    let (secret, secret_sealed, secret_hint) = sealed(state, &id)?;
    let now = naive(state.now());
    let (actor, orgs) = (actor.clone(), strings(&reach));
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(mut row) = rows::find(conn, orgs.as_deref(), &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                row.secret_sealed = secret_sealed.clone();
                row.secret_hint = secret_hint.clone();
                row.updated_at = now;
                rows::save(conn, &row)?;
                audit::record(
                    conn,
                    &actor,
                    event(Action::WebhookSecretRotated, &row),
                    crate::store::utc(now),
                )?;
                Ok(Ok(WebhookWithSecret {
                    secret: secret.clone(),
                    webhook: WebhookView::of(&row),
                }))
            })
        })
        .await
}

/// The newest deliveries of a subscription in reach: a page of at most
/// `limit` before `before`.
pub async fn deliveries(
    state: &AppState,
    reach: Reach,
    id: String,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Option<Slice<DeliveryView>>, AppError> {
    let orgs = strings(&reach);
    state
        .db
        .run(move |conn| {
            if rows::find(conn, orgs.as_deref(), &id)?.is_none() {
                return Ok(None);
            }
            let found = rows::of_subscription(conn, &id, before, limit + 1)?;
            Ok(Some(delivery_page(found, limit)))
        })
        .await
}

/// Deliveries in `status` (the dead-letter queue: `dead`), newest first, a
/// page as [`deliveries`]; callers of global reach only
/// ([`may_inspect_deliveries`]).
pub async fn with_status(
    state: &AppState,
    reach: &Reach,
    status: &'static str,
    before: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Result<Slice<DeliveryView>, Refusal>, AppError> {
    if let Err(refusal) = may_inspect_deliveries(reach) {
        return Ok(Err(refusal));
    }
    let found = state
        .db
        .run(move |conn| rows::with_status(conn, status, before, limit + 1))
        .await?;
    Ok(Ok(delivery_page(found, limit)))
}

fn delivery_page(rows: Vec<Delivery>, limit: i64) -> Slice<DeliveryView> {
    Slice::of(rows, limit, |d| (d.created_at, d.id.clone())).map(|d| DeliveryView::of(&d))
}

/// Put a dead delivery back in line (pending, no attempts, due now);
/// audited `webhook.replayed`. Callers of global reach only
/// ([`may_inspect_deliveries`]).
pub async fn replay(
    state: &AppState,
    actor: &Actor,
    reach: &Reach,
    id: String,
) -> Result<Result<DeliveryView, Refusal>, AppError> {
    if let Err(refusal) = may_inspect_deliveries(reach) {
        return Ok(Err(refusal));
    }
    let now = state.now();
    let actor = actor.clone();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(d) = rows::find_delivery(conn, &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if !rows::replay(conn, &id, naive(now))? {
                    return Ok(Err(Refusal::NotDead));
                }
                let webhook = rows::find(conn, None, &d.subscription_id)?;
                let mut e = Event::new(Action::WebhookReplayed, Outcome::Success)
                    .target("webhook_delivery", d.id.clone())
                    .details(serde_json::json!({
                        "webhook_id": d.subscription_id,
                        "audit_event_id": d.audit_event_id,
                        "event_type": d.event_type,
                        "attempts": d.attempts,
                    }));
                if let Some(org) = webhook.and_then(|w| w.organization_id) {
                    e = e.organization(org);
                }
                audit::record(conn, &actor, e, now)?;
                let now_row = rows::find_delivery(conn, &id)?.ok_or(AppError::NotFound)?;
                Ok(Ok(DeliveryView::of(&now_row)))
            })
        })
        .await
}
