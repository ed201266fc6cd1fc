//! Invitations to an organization with a role (S6): a 256-bit token stored
//! as SHA-256, expiring, emailed once and shown once to the operator.
//! Accepting creates the user (address verified: the token arrived by
//! email) or links a signed-in user with that verified address. Acceptance
//! runs in one serialized write transaction, so of concurrent attempts one
//! accepts and the others see "already accepted".
//!
//! Who may invite: the CLI is operator-level; owner/admin checks apply when
//! the admin console offers invitations. An open invitation can be revoked:
//! its link stops working at once.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::crypto::token::{random_token, sha256_hex};
use crate::domain::{Email, OrganizationId, Role, UserId};
use crate::error::AppError;
use crate::mail::{self, Locale, Message};
use crate::state::AppState;
use crate::store::invitations::{self, Invitation};
use crate::store::{naive, orgs, users, utc, write_tx};
use crate::users::accounts::{self, UserSpec};

/// What to create.
#[derive(Debug, Clone)]
pub struct InvitationSpec {
    pub organization: String,
    pub email: Email,
    pub role: Role,
    pub ttl_hours: i64,
}

/// A created invitation, as printed by the CLI (the URL only now).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CreatedInvitation {
    pub id: String,
    pub organization: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub email: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// The link to accept, shown only now (it carries the secret token).
    pub accept_url: String,
    pub email_sent: bool,
}

/// Create and mail an invitation. A mail failure is reported in
/// `email_sent` (the delivery record says why); the URL still works.
pub async fn create(
    state: &AppState,
    actor: &Actor,
    spec: InvitationSpec,
    locale: Locale,
) -> Result<CreatedInvitation, AppError> {
    if spec.ttl_hours <= 0 || spec.ttl_hours > 24 * 90 {
        return Err(AppError::BadRequest(
            "--expires-in-hours must be between 1 and 2160".into(),
        ));
    }
    let now = state.now();
    let token = random_token();
    let expires = now + Duration::hours(spec.ttl_hours);
    let (actor2, spec2, hash) = (actor.clone(), spec.clone(), sha256_hex(token.as_bytes()));
    let (id, org) = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let org =
                    orgs::find_by_name(conn, spec2.organization.trim())?.ok_or_else(|| {
                        AppError::BadRequest(format!(
                            "there is no organization named {:?}",
                            spec2.organization
                        ))
                    })?;
                let row = Invitation {
                    id: uuid::Uuid::now_v7().to_string(),
                    organization_id: org.id.clone(),
                    email: spec2.email.as_str().to_owned(),
                    role: spec2.role.as_str().to_owned(),
                    token_hash: hash.clone(),
                    invited_by: actor2.id.clone().unwrap_or_default(),
                    created_at: naive(now),
                    expires_at: naive(expires),
                    accepted_at: None,
                    accepted_by: None,
                };
                invitations::insert(conn, &row)?;
                audit::record(
                    conn,
                    &actor2,
                    Event::new(Action::InvitationCreated, Outcome::Success)
                        .target("invitation", row.id.as_str())
                        .organization(org.id.as_str())
                        .details(serde_json::json!({
                            "email": row.email,
                            "role": row.role,
                            "expires_at": expires,
                        })),
                    now,
                )?;
                Ok((row.id, org))
            })
        })
        .await?;
    let accept_url = format!("{}/invitation?token={token}", state.config.public_base());
    let message = Message::Invitation {
        link: accept_url.clone(),
        organization: org.name.clone(),
        role: spec.role.as_str().to_owned(),
        hours: spec.ttl_hours,
    };
    let email_sent =
        match mail::send(&state.mailer, actor, spec.email.as_str(), &message, locale).await {
            Ok(()) => true,
            Err(AppError::MailUnavailable) => false,
            Err(e) => return Err(e),
        };
    Ok(CreatedInvitation {
        id,
        organization: org.name,
        organization_id: org.id,
        email: spec.email.as_str().to_owned(),
        role: spec.role,
        expires_at: expires,
        accept_url,
        email_sent,
    })
}

/// What a token refers to.
#[derive(Debug)]
pub enum View {
    Invalid,
    Expired,
    Accepted,
    /// Open: the invitation, its organization's name, and whether a live
    /// user with the invited address exists.
    Open {
        invitation: Box<Invitation>,
        organization: String,
        user_exists: bool,
    },
}

/// Look an invitation up by its token.
pub async fn view(state: &AppState, token: &str) -> Result<View, AppError> {
    let (hash, now) = (sha256_hex(token.as_bytes()), state.now());
    state
        .db
        .run(move |conn| {
            let Some(inv) = invitations::find_by_hash(conn, &hash)? else {
                return Ok(View::Invalid);
            };
            if inv.accepted_at.is_some() {
                return Ok(View::Accepted);
            }
            if utc(inv.expires_at) <= now {
                return Ok(View::Expired);
            }
            let organization = organization_name(conn, &inv.organization_id)?;
            let user_exists = users::find_by_email(conn, &inv.email)?.is_some();
            Ok(View::Open {
                invitation: Box::new(inv),
                organization,
                user_exists,
            })
        })
        .await
}

fn organization_name(conn: &mut crate::db::DbConnection, id: &str) -> Result<String, AppError> {
    use crate::db::schema::organizations;
    use diesel::prelude::*;
    Ok(organizations::table
        .filter(organizations::id.eq(id))
        .select(organizations::name)
        .first(conn)?)
}

fn record_expired(
    conn: &mut crate::db::DbConnection,
    actor: &Actor,
    inv: &Invitation,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit::record(
        conn,
        actor,
        Event::new(Action::InvitationExpired, Outcome::Failure)
            .target("invitation", inv.id.as_str())
            .organization(inv.organization_id.as_str())
            .details(serde_json::json!({ "email": inv.email })),
        now,
    )
}

/// Audit an attempt to accept an expired invitation (when the attempt is
/// refused before [`accept`] runs).
pub async fn refuse_expired(state: &AppState, actor: &Actor, token: &str) -> Result<(), AppError> {
    let (hash, now, actor) = (sha256_hex(token.as_bytes()), state.now(), actor.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| match invitations::find_by_hash(conn, &hash)? {
                Some(inv) if inv.accepted_at.is_none() && utc(inv.expires_at) <= now => {
                    record_expired(conn, &actor, &inv, now)
                }
                _ => Ok(()),
            })
        })
        .await
}

/// Who accepts.
#[derive(Debug, Clone)]
pub enum Acceptor {
    /// Someone without an account: create it with this name and password hash.
    NewUser {
        display_name: String,
        password_hash: String,
    },
    /// The signed-in user.
    Existing { user_id: UserId },
}

/// Result of [`accept`].
#[derive(Debug, PartialEq, Eq)]
pub enum Accepted {
    /// Joined (or already was a member, keeping the role they had).
    Joined {
        user_id: UserId,
        created: bool,
    },
    AlreadyAccepted,
    Invalid,
    Expired,
    /// The signed-in user's verified address is not the invited one.
    WrongUser,
    /// An account with the invited address exists: sign in first.
    SignInFirst,
}

/// Accept the invitation behind `token`.
pub async fn accept(
    state: &AppState,
    actor: &Actor,
    token: &str,
    acceptor: Acceptor,
) -> Result<Accepted, AppError> {
    let (hash, now, actor) = (sha256_hex(token.as_bytes()), state.now(), actor.clone());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(inv) = invitations::find_by_hash(conn, &hash)? else {
                    return Ok(Accepted::Invalid);
                };
                if inv.accepted_at.is_some() {
                    return Ok(Accepted::AlreadyAccepted);
                }
                if utc(inv.expires_at) <= now {
                    record_expired(conn, &actor, &inv, now)?;
                    return Ok(Accepted::Expired);
                }
                let role: Role = inv.role.parse().map_err(AppError::Internal)?;
                let (user_id, created) = match &acceptor {
                    Acceptor::Existing { user_id } => {
                        let Some(user) = users::find(conn, user_id)?
                            .filter(|u| u.email == inv.email && u.email_verified)
                        else {
                            return Ok(Accepted::WrongUser);
                        };
                        let org = organization_name(conn, &inv.organization_id)?;
                        let member = orgs::memberships_of(conn, &user.id)?
                            .iter()
                            .any(|(name, _)| *name == org);
                        if !member {
                            orgs::add_member(
                                conn,
                                &user.id,
                                &inv.organization_id,
                                role.as_str(),
                                naive(now),
                            )?;
                        }
                        (user.id, false)
                    }
                    Acceptor::NewUser {
                        display_name,
                        password_hash,
                    } => {
                        if users::find_by_email(conn, &inv.email)?.is_some() {
                            return Ok(Accepted::SignInFirst);
                        }
                        let spec = UserSpec {
                            email: Email::parse(&inv.email).map_err(AppError::Internal)?,
                            display_name: display_name.clone(),
                            password_hash: Some(password_hash.clone()),
                            superuser: false,
                            email_verified: true,
                            organization: Some((
                                organization_name(conn, &inv.organization_id)?,
                                role,
                            )),
                        };
                        let created = accounts::insert_user(conn, &actor, &spec, now)?;
                        (created.id, true)
                    }
                };
                if !invitations::accept(conn, &inv.id, &user_id, naive(now))? {
                    return Err(AppError::Conflict(
                        "The invitation was already accepted.".into(),
                    ));
                }
                audit::record(
                    conn,
                    &actor.as_user(&user_id, actor.session_id.as_deref()),
                    Event::new(Action::InvitationAccepted, Outcome::Success)
                        .target("invitation", inv.id.as_str())
                        .organization(inv.organization_id.as_str())
                        .details(serde_json::json!({
                            "user": user_id,
                            "email": inv.email,
                            "role": inv.role,
                            "user_created": created,
                        })),
                    now,
                )?;
                Ok(Accepted::Joined { user_id, created })
            })
        })
        .await
}

/// Revoke the open invitation `id` of `organization`: its link stops
/// working. `false` when there is no such open invitation (accepted,
/// revoked already, or another organization's). Audited with the actor.
pub async fn revoke(
    state: &AppState,
    actor: &Actor,
    organization: OrganizationId,
    id: String,
) -> Result<bool, AppError> {
    let (actor, now) = (actor.clone(), state.now());
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(row) = invitations::revoke(conn, &organization, &id)? else {
                    return Ok(false);
                };
                audit::record(
                    conn,
                    &actor,
                    Event::new(Action::InvitationRevoked, Outcome::Success)
                        .target("invitation", row.id.as_str())
                        .organization(organization.as_str())
                        .details(serde_json::json!({
                            "email": row.email,
                            "role": row.role,
                        })),
                    now,
                )?;
                Ok(true)
            })
        })
        .await
}
