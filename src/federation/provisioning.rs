//! Who an upstream identity signs in as (S7, SR-111…SR-113): an identity
//! already linked signs in its user; otherwise an existing account with
//! the same email is linked only when the provider is trusted for email
//! (`--trust-email`, and for the address's domain when it claims domains),
//! the upstream asserted the address verified, and the local address is
//! verified too — any other match asks the person to sign
//! in to that account first (no nOAuth-style takeover); with no account,
//! one is created just in time in the provider's organization unless the
//! provider says `--no-jit`. A disabled provider or a locked account signs
//! nobody in. Concurrent first sign-ins of one identity create one user.
//! Once the user is known, the provider's group rules set the memberships
//! they grant, in the same transaction (`group_roles`, SR-133).

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::domain::{Email, Role, UserId};
use crate::error::AppError;
use crate::federation::group_roles::{self, Source};
use crate::federation::identity::Identity;
use crate::federation::spec::Settings;
use crate::state::AppState;
use crate::store::identities::{self, IdentityRow};
use crate::store::logout::Notice;
use crate::store::providers::{self, ProviderRow};
use crate::store::{naive, orgs, users, write_tx};
use crate::users::accounts::{self, UserSpec};

/// The outcome of an upstream sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Sign this user in.
    User {
        user_id: UserId,
        /// Created just now.
        provisioned: bool,
        /// Linked to an existing account by verified email just now.
        linked: bool,
    },
    /// An account with this email exists but may not be linked
    /// automatically: sign in to it first.
    LinkRequired { email: String },
    /// No account, and the provider does not create them.
    NoAccount,
    /// No account, and the upstream gave no usable email to create one.
    EmailMissing,
    /// Refused; the reason is a stable code for the page and the audit log.
    Refused(&'static str),
}

/// Resolve `identity` to a user, creating or linking as the rules allow.
pub async fn resolve(
    state: &AppState,
    actor: &Actor,
    identity: &Identity,
) -> Result<Resolved, AppError> {
    let sealed = seal_tokens(state, identity)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (actor, identity, now) = (actor.clone(), identity.clone(), state.now());
        let sealed = sealed.clone();
        let result = state
            .db
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let resolved = resolve_tx(conn, &actor, &identity, sealed.as_deref(), now)?;
                    let notices = match &resolved {
                        Resolved::User { user_id, .. } => {
                            roles_tx(conn, &actor, &identity, user_id, now)?
                        }
                        _ => Vec::new(),
                    };
                    Ok((resolved, notices))
                })
            })
            .await;
        match result {
            // A concurrent first sign-in created the account or the link
            // between our reads and our writes: look again.
            Err(AppError::Conflict(_)) if attempt < 3 => continue,
            Ok((resolved, notices)) => {
                state.logout.send(notices);
                return Ok(resolved);
            }
            Err(e) => return Err(e),
        }
    }
}

/// The provider's group rules applied to the user just resolved (S7,
/// SR-133), in the sign-in's transaction: the back-channel logout notices
/// of the sessions a lost right ended, to send after commit.
fn roles_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    identity: &Identity,
    user_id: &UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Notice>, AppError> {
    let Some(provider) = providers::find(conn, &identity.provider_id)? else {
        return Ok(Vec::new());
    };
    let settings: Settings = serde_json::from_str(&provider.settings).map_err(|e| {
        AppError::Internal(format!(
            "provider {}: settings unreadable: {e}",
            provider.id
        ))
    })?;
    let source = Source {
        provider_id: &provider.id,
        organization_id: provider.organization_id.as_ref(),
        rules: &settings.group_roles,
    };
    Ok(group_roles::apply(conn, actor, &source, user_id, &identity.groups, now)?.notices)
}

fn refused(
    conn: &mut DbConnection,
    actor: &Actor,
    identity: &Identity,
    reason: &'static str,
    now: DateTime<Utc>,
) -> Result<Resolved, AppError> {
    audit::record(
        conn,
        actor,
        Event::new(Action::FederatedLoginRefused, Outcome::Failure)
            .target("provider", identity.provider_id.as_str())
            .details(json!({ "subject": identity.subject, "reason": reason })),
        now,
    )?;
    Ok(match reason {
        "no_account" => Resolved::NoAccount,
        "email_missing" => Resolved::EmailMissing,
        _ => Resolved::Refused(reason),
    })
}

/// The upstream's tokens sealed for this identity (S7: kept only when the
/// provider says so, which the transaction decides).
pub fn seal_tokens(state: &AppState, identity: &Identity) -> Result<Option<String>, AppError> {
    let Some(tokens) = &identity.tokens else {
        return Ok(None);
    };
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(tokens).map_err(|e| AppError::Internal(format!("tokens: {e}")))?,
    );
    let context = tokens_context(&identity.provider_id, &identity.subject);
    Ok(Some(state.envelope.encrypt(&plain, &context)?))
}

/// What the sealed tokens of an identity are bound to.
pub fn tokens_context(provider_id: &str, subject: &str) -> String {
    crate::store::sealed::identity_tokens_context(provider_id, subject)
}

/// Insert the link of `identity` to `user_id`; a conflict when it exists.
pub fn link(
    conn: &mut DbConnection,
    identity: &Identity,
    user_id: &UserId,
    email: Option<&Email>,
    tokens: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let row = IdentityRow {
        provider_id: identity.provider_id.clone(),
        subject: identity.subject.clone(),
        user_id: user_id.clone(),
        email: email.map(|e| e.as_str().to_owned()),
        created_at: naive(now),
        last_login_at: Some(naive(now)),
        tokens: tokens.map(str::to_owned),
        groups: identities::groups_json(&identity.groups),
    };
    if identities::insert(conn, &row)? {
        Ok(())
    } else {
        Err(AppError::Conflict("identity linked concurrently".into()))
    }
}

fn resolve_tx(
    conn: &mut DbConnection,
    actor: &Actor,
    identity: &Identity,
    sealed_tokens: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Resolved, AppError> {
    // SR-113: a disabled (or deleted) provider signs nobody in.
    let Some(provider) = providers::find(conn, &identity.provider_id)?.filter(|p| p.enabled) else {
        return refused(conn, actor, identity, "provider_disabled", now);
    };
    // Kept only when the provider keeps them; otherwise (also after the
    // setting is switched off) none are stored.
    let tokens = sealed_tokens.filter(|_| provider.keep_tokens);
    let email = identity.email.as_deref().and_then(|e| Email::parse(e).ok());
    if let Some(linked) = identities::find(conn, &provider.id, &identity.subject)? {
        return match users::find(conn, &linked.user_id)? {
            Some(user) if !user.locked => {
                identities::touch(
                    conn,
                    &provider.id,
                    &identity.subject,
                    email.as_ref().map(Email::as_str),
                    tokens,
                    &identities::groups_json(&identity.groups),
                    naive(now),
                )?;
                Ok(Resolved::User {
                    user_id: user.id,
                    provisioned: false,
                    linked: false,
                })
            }
            Some(_) => refused(conn, actor, identity, "account_locked", now),
            None => refused(conn, actor, identity, "account_unavailable", now),
        };
    }
    let vouches = match &email {
        Some(email) => vouches_for(conn, &provider, identity, email)?,
        None => false,
    };
    if let Some(email) = &email
        && let Some(local) = users::find_by_email(conn, email.as_str())?
    {
        // SR-112: all three, or the person proves they own the account.
        let may_link = vouches && local.email_verified;
        if !may_link {
            refused(conn, actor, identity, "link_required", now)?;
            return Ok(Resolved::LinkRequired {
                email: email.as_str().to_owned(),
            });
        }
        if local.locked {
            return refused(conn, actor, identity, "account_locked", now);
        }
        link(conn, identity, &local.id, Some(email), tokens, now)?;
        audit::record(
            conn,
            actor,
            Event::new(Action::IdentityLinked, Outcome::Success)
                .target("user", &local.id)
                .details(json!({
                    "provider": provider.id,
                    "subject": identity.subject,
                    "by": "verified_email",
                })),
            now,
        )?;
        return Ok(Resolved::User {
            user_id: local.id,
            provisioned: false,
            linked: true,
        });
    }
    if !provider.jit {
        return refused(conn, actor, identity, "no_account", now);
    }
    let Some(email) = email else {
        return refused(conn, actor, identity, "email_missing", now);
    };
    let created = provision(conn, actor, &provider, identity, &email, vouches, now)?;
    link(conn, identity, &created, Some(&email), tokens, now)?;
    Ok(Resolved::User {
        user_id: created,
        provisioned: true,
        linked: false,
    })
}

/// Whether the provider's word on this email counts: it is trusted for
/// email (`--trust-email`), the upstream said the address is verified, and
/// — when the provider claims domains — the address is in one of them.
fn vouches_for(
    conn: &mut DbConnection,
    provider: &ProviderRow,
    identity: &Identity,
    email: &Email,
) -> Result<bool, AppError> {
    if !(provider.trust_email && identity.email_verified) {
        return Ok(false);
    }
    let claimed = providers::domains_of(conn, &provider.id)?;
    let domain = email.as_str().rsplit_once('@').map(|(_, d)| d);
    Ok(claimed.is_empty() || domain.is_some_and(|d| claimed.iter().any(|c| c == d)))
}

/// Create the user just in time, in the provider's organization. Its email
/// counts as verified only when the provider vouches for it: an address an
/// untrusted upstream merely asserts must not later let a trusted one link
/// to this account.
fn provision(
    conn: &mut DbConnection,
    actor: &Actor,
    provider: &ProviderRow,
    identity: &Identity,
    email: &Email,
    vouched: bool,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    let organization = match &provider.organization_id {
        Some(id) => orgs::name_of(conn, id)?.map(|name| (name, Role::Member)),
        None => None,
    };
    let display_name = identity
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 100)
        .map_or_else(|| email.as_str().to_owned(), str::to_owned);
    let spec = UserSpec {
        email: email.clone(),
        display_name,
        password_hash: None,
        superuser: false,
        email_verified: vouched,
        organization,
    };
    let created = accounts::insert_user(conn, actor, &spec, now)?;
    // The membership is the provider's: its group rules may raise it, and
    // lower it back to member (never remove it).
    if let Some(org) = &provider.organization_id {
        orgs::mark_granted(conn, &created.id, org, &provider.id)?;
    }
    audit::record(
        conn,
        actor,
        Event::new(Action::UserProvisioned, Outcome::Success)
            .target("user", &created.id)
            .details(json!({ "provider": provider.id, "subject": identity.subject })),
        now,
    )?;
    Ok(created.id)
}

/// The `amr` of a sign-in through a provider of `kind`: `["fed"]`, plus the
/// upstream's own methods when an administrator acknowledged its MFA and it
/// reports a second factor (`auth::mfa::policy::federated_amr`).
pub async fn amr(
    state: &AppState,
    kind: crate::federation::Kind,
    identity: &Identity,
) -> Result<Vec<String>, AppError> {
    let upstream = identity.amr.clone();
    state
        .db
        .run(move |conn| {
            crate::auth::mfa::policy::federated_amr(conn, kind.upstream_type(), &upstream)
        })
        .await
}
