//! Initial access tokens (RFC 7591 §3, SR-141): issued by an administrator
//! (CLI, admin API) with an optional organization, expiry and number of
//! uses; the token is shown once and only its SHA-256 is stored. A caller
//! of organization reach issues, lists and revokes tokens of its own
//! organizations only; a token of global reach (no organization) is only
//! issued by a caller of global reach. Issuing and revoking are audited.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::OrganizationId;
use crate::error::AppError;
use crate::oidc::clients::admin::{Done, Reach, Refusal, owner};
use crate::oidc::clients::spec::Invalid;
use crate::state::AppState;
use crate::store::registrations::{self, RegistrationToken};
use crate::store::{naive, orgs, write_tx};

/// Longest lifetime of an initial access token, and most uses.
pub const MAX_LIFETIME_SECS: i64 = 365 * 24 * 3600;
pub const MAX_USES: i32 = 1_000_000;

/// What an administrator asks for.
#[derive(Debug, Clone, Default)]
pub struct NewToken {
    /// Lifetime (default: no expiry).
    pub expires_in: Option<Duration>,
    /// How many clients it may register (default: no limit).
    pub max_uses: Option<i32>,
    /// The organization registered clients belong to.
    pub organization_id: Option<OrganizationId>,
}

/// An initial access token as administrators see it (never the token).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TokenView {
    pub id: String,
    /// Clients registered with it belong to this organization.
    pub organization_id: Option<String>,
    /// RFC 3339, UTC; `null`: no expiry.
    pub expires_at: Option<String>,
    /// `null`: no limit.
    pub max_uses: Option<i32>,
    /// Clients registered with it so far.
    pub use_count: i32,
    /// The actor id of whoever issued it.
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    /// Whether it registers clients now (not revoked, expired or used up).
    pub active: bool,
}

fn rfc3339(t: NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

impl TokenView {
    pub fn of(row: &RegistrationToken, now: DateTime<Utc>) -> Self {
        let active = row.revoked_at.is_none()
            && row.expires_at.is_none_or(|t| t > naive(now))
            && row.max_uses.is_none_or(|m| row.use_count < m);
        Self {
            id: row.id.clone(),
            organization_id: row.organization_id.as_ref().map(|o| o.to_string()),
            expires_at: row.expires_at.map(rfc3339),
            max_uses: row.max_uses,
            use_count: row.use_count,
            created_by: row.created_by.clone(),
            created_at: rfc3339(row.created_at),
            revoked_at: row.revoked_at.map(rfc3339),
            active,
        }
    }
}

/// A new initial access token, shown once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct IssuedToken {
    /// The token for `Authorization: Bearer` at `/register`; only its
    /// SHA-256 is stored.
    pub token: String,
    #[serde(flatten)]
    pub view: TokenView,
}

/// Issue an initial access token for a caller of `reach`.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    reach: Reach,
    mut new: NewToken,
) -> Done<IssuedToken> {
    if let Some(d) = new.expires_in
        && !(1..=MAX_LIFETIME_SECS).contains(&d.num_seconds())
    {
        return Ok(Err(Refusal::Invalid(Invalid::new(
            "expires_in",
            format!("must be between 1 second and {MAX_LIFETIME_SECS} seconds"),
        ))));
    }
    if let Some(m) = new.max_uses
        && !(1..=MAX_USES).contains(&m)
    {
        return Ok(Err(Refusal::Invalid(Invalid::new(
            "max_uses",
            format!("must be between 1 and {MAX_USES}"),
        ))));
    }
    new.organization_id = match owner(&reach, new.organization_id.take()) {
        Ok(org) => org,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if let Some(org) = &new.organization_id
                    && orgs::find_in(conn, None, org)?.is_none()
                {
                    return Ok(Err(Refusal::NoOrganization));
                }
                let token = random_token();
                let row = RegistrationToken {
                    id: uuid::Uuid::new_v4().to_string(),
                    token_hash: sha256_hex(token.as_bytes()),
                    organization_id: new.organization_id.clone(),
                    expires_at: new.expires_in.map(|d| naive(now + d)),
                    max_uses: new.max_uses,
                    use_count: 0,
                    created_by: actor.id.clone().unwrap_or_else(|| "unknown".into()),
                    created_at: naive(now),
                    revoked_at: None,
                };
                registrations::insert_token(conn, &row)?;
                let view = TokenView::of(&row, now);
                audit::record(
                    conn,
                    &actor,
                    event(
                        Action::RegistrationTokenCreated,
                        &row,
                        json!({ "after": view }),
                    ),
                    now,
                )?;
                Ok(Ok(IssuedToken { token, view }))
            })
        })
        .await
}

fn event(action: Action, row: &RegistrationToken, details: serde_json::Value) -> Event {
    let event = Event::new(action, Outcome::Success)
        .target("registration_token", row.id.as_str())
        .details(details);
    match &row.organization_id {
        Some(org) => event.organization(org.as_str()),
        None => event,
    }
}

/// Every initial access token in reach, newest first.
pub async fn list(state: &AppState, reach: Reach) -> Result<Vec<TokenView>, AppError> {
    let now = state.now();
    let rows = state
        .db
        .run(move |conn| registrations::list_tokens(conn, reach.as_deref()))
        .await?;
    Ok(rows.iter().map(|r| TokenView::of(r, now)).collect())
}

/// Revoke an initial access token in reach: it registers no more clients
/// (those it registered stay). Revoking a revoked token changes nothing.
pub async fn revoke(state: &AppState, actor: &Actor, reach: Reach, id: String) -> Done<TokenView> {
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(mut row) = registrations::find_token(conn, reach.as_deref(), &id)? else {
                    return Ok(Err(Refusal::NotFound));
                };
                if row.revoked_at.is_none() {
                    registrations::revoke_token(conn, &row.id, naive(now))?;
                    row.revoked_at = Some(naive(now));
                    audit::record(
                        conn,
                        &actor,
                        event(
                            Action::RegistrationTokenRevoked,
                            &row,
                            json!({ "before": { "revoked": false }, "after": { "revoked": true } }),
                        ),
                        now,
                    )?;
                }
                Ok(Ok(TokenView::of(&row, now)))
            })
        })
        .await
}
