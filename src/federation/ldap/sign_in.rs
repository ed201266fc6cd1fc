//! A directory password typed on our login page (S7, SR-84, SR-130…SR-132):
//! the attempt is reserved in the same throttle as local passwords
//! (`auth::throttle`, keyed by the address as typed) before anything
//! reaches the directory; a right password resolves the person through
//! `federation::provisioning` (JIT, linking rules) and then goes through
//! `auth::first_factor::complete` like a local password (MFA, email gate,
//! session), with `amr` `["pwd"]`. A directory that cannot be used fails
//! closed with a generic answer; the detail is logged only.

use serde_json::json;
use zeroize::Zeroizing;

use crate::audit::{self, Action, Actor, Event, Outcome as AuditOutcome};
use crate::auth::first_factor;
use crate::auth::sign_in::{FirstFactor, Method, Next};
use crate::auth::throttle;
use crate::domain::{Email, SessionId};
use crate::error::AppError;
use crate::federation::Kind;
use crate::federation::identity::Identity;
use crate::federation::ldap::client::{Directory, DirectoryError, Person};
use crate::federation::provisioning::{self, Resolved};
use crate::federation::registry;
use crate::federation::upstream::{UpstreamError, usable};
use crate::state::AppState;
use crate::store::locked_tx;

/// The least time a failed directory sign-in takes (SR-85).
const FAILURE_FLOOR: std::time::Duration = std::time::Duration::from_millis(300);

/// What the login page says.
#[derive(Debug)]
pub enum LdapOutcome {
    /// Signed in (or on to a second factor).
    Success(Next),
    /// Unknown person, wrong or unusable password: the page's one message
    /// for a failed sign-in (SR-85).
    Failed,
    /// This address or network is paused (SR-84); nothing reached the
    /// directory.
    Throttled { wait_secs: i64 },
    /// The directory or our side refused with a reason the person may see
    /// (a `fed.*` message key suffix): the account's state at the
    /// directory, or a provisioning rule.
    Refused(&'static str),
    /// The directory could not be used: fail closed, try later.
    Unavailable,
}

/// The directory of an enabled LDAP provider, with its service password.
pub async fn directory(state: &AppState, provider_id: &str) -> Result<Directory, UpstreamError> {
    let (row, settings) = usable(state, provider_id, |k| k == Kind::Ldap).await?;
    directory_of(state, &row.id, settings, row.secret.as_deref())
}

/// A directory from a provider's stored settings and sealed secret.
pub fn directory_of(
    state: &AppState,
    provider_id: &str,
    settings: crate::federation::spec::Settings,
    sealed: Option<&str>,
) -> Result<Directory, UpstreamError> {
    let settings = settings.ldap.ok_or(UpstreamError::Unavailable)?;
    let bind_password = sealed
        .map(|s| registry::open_secret(state, provider_id, s))
        .transpose()?
        .map(Zeroizing::new);
    let pool_key = match (&bind_password, serde_json::to_string(&settings)) {
        (Some(pw), Ok(json)) if settings.searches() => {
            Some(crate::federation::ldap::pool::key(provider_id, &json, pw))
        }
        _ => None,
    };
    Ok(Directory {
        settings,
        bind_password,
        pool_key,
    })
}

fn identity_of(provider_id: &str, issuer: &str, person: Person) -> Identity {
    Identity {
        provider_id: provider_id.to_owned(),
        issuer: issuer.to_owned(),
        subject: person.subject,
        email: person.email,
        // The directory is the organization's own record; whether its
        // addresses link to existing accounts is `--trust-email`.
        email_verified: true,
        name: person.name,
        groups: person.groups,
        amr: vec!["pwd".into()],
        tokens: None,
    }
}

async fn audit_failure(
    state: &AppState,
    actor: &Actor,
    provider_id: &str,
    email: &str,
    reason: &str,
) -> Result<(), AppError> {
    audit::record_alone(
        &state.db,
        actor.clone(),
        Event::new(Action::LoginFailed, AuditOutcome::Failure)
            .target("provider", provider_id)
            .details(json!({ "email": email, "reason": reason, "method": "ldap" })),
        state.now(),
    )
    .await?;
    let outcome = if reason == "throttled" {
        "throttled"
    } else {
        "failure"
    };
    metrics::counter!("ostiary_logins_total", "method" => "upstream:ldap", "outcome" => outcome)
        .increment(1);
    Ok(())
}

/// Check `password` for the address `raw_email` at the LDAP provider
/// `provider_id`. `replaces` is the session the browser had (SR-60).
pub async fn attempt(
    state: &AppState,
    actor: Actor,
    provider_id: &str,
    raw_email: &str,
    password: Zeroizing<String>,
    replaces: Option<SessionId>,
) -> Result<LdapOutcome, AppError> {
    let now = state.now();
    let email = Email::parse(raw_email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| raw_email.trim().to_lowercase().chars().take(254).collect());
    let ip = actor.ip.clone().unwrap_or_default();
    let keys = throttle::Keys::new(&email, &ip);
    let cfg = state.config.throttle.clone();
    // SR-84: reserved (counted) before any bind, in one serialized
    // transaction, like a local password.
    let gate = {
        let (keys, actor) = (keys.clone(), actor.clone());
        state
            .db
            .run(move |conn| {
                locked_tx(conn, |conn| {
                    throttle::reserve(conn, &actor, &keys, now, &cfg)
                })
            })
            .await?
    };
    let paused_until = match gate {
        throttle::Gate::Refused { until } => {
            audit_failure(state, &actor, provider_id, &email, "throttled").await?;
            return Ok(LdapOutcome::Throttled {
                wait_secs: throttle::wait_secs(until, now),
            });
        }
        throttle::Gate::Reserved { paused_until } => paused_until,
    };
    let directory = match directory(state, provider_id).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(
                provider = provider_id,
                "LDAP sign-in unavailable: {}",
                e.detail()
            );
            audit_failure(state, &actor, provider_id, &email, "provider_unavailable").await?;
            return Ok(LdapOutcome::Unavailable);
        }
    };
    let started = tokio::time::Instant::now();
    let person = match directory.authenticate(raw_email, &password).await {
        Ok(person) => person,
        Err(error) => {
            // SR-85: an unknown person (no bind) and a wrong password (a
            // bind) answer after the same minimum time.
            tokio::time::sleep_until(started + FAILURE_FLOOR).await;
            let (reason, outcome) = match &error {
                DirectoryError::Refused => ("empty_password", LdapOutcome::Failed),
                DirectoryError::BadCredentials(_) => ("bad_credentials", LdapOutcome::Failed),
                DirectoryError::AccountState(code) => (*code, LdapOutcome::Refused(code)),
                DirectoryError::Unavailable(_) => {
                    ("directory_unavailable", LdapOutcome::Unavailable)
                }
            };
            tracing::warn!(
                provider = provider_id,
                reason,
                "LDAP sign-in failed: {}",
                error.detail()
            );
            audit_failure(state, &actor, provider_id, &email, reason).await?;
            return Ok(match (paused_until, outcome) {
                (Some(until), LdapOutcome::Failed) => LdapOutcome::Throttled {
                    wait_secs: throttle::wait_secs(until, now),
                },
                (_, outcome) => outcome,
            });
        }
    };
    let identity = identity_of(provider_id, &directory.settings.url, person);
    let user_id = match provisioning::resolve(state, &actor, &identity).await? {
        Resolved::User { user_id, .. } => user_id,
        Resolved::LinkRequired { .. } => return Ok(LdapOutcome::Refused("link_required")),
        Resolved::NoAccount => return Ok(LdapOutcome::Refused("no_account")),
        Resolved::EmailMissing => return Ok(LdapOutcome::Refused("email_missing")),
        Resolved::Refused(reason) => return Ok(LdapOutcome::Refused(reason)),
    };
    // While the account as a whole is paused, a right password gets in
    // only through a second factor (as for local passwords).
    if let Some(until) = paused_until {
        let id = user_id.clone();
        let has_factor = state
            .db
            .run(move |conn| Ok(crate::auth::mfa::factors::of(conn, &id)?.any()))
            .await?;
        if !has_factor {
            audit_failure(state, &actor, provider_id, &email, "paused").await?;
            return Ok(LdapOutcome::Throttled {
                wait_secs: throttle::wait_secs(until, now),
            });
        }
    }
    {
        state
            .db
            .run(move |conn| locked_tx(conn, |conn| throttle::settle_success(conn, &keys)))
            .await?;
    }
    let first = FirstFactor {
        user_id,
        method: Method::Federated(Kind::Ldap.login_method()),
        amr: vec!["pwd".into()],
        clear_throttle: Vec::new(),
    };
    Ok(LdapOutcome::Success(
        first_factor::complete(state, actor, first, replaces).await?,
    ))
}

/// The names of enabled LDAP providers that allow plaintext `ldap://`
/// (warned about when the server starts: development only).
pub async fn plaintext_providers(state: &AppState) -> Result<Vec<String>, AppError> {
    let rows = state.db.run(crate::store::providers::list).await?;
    Ok(rows
        .into_iter()
        .filter(|p| p.enabled && p.kind == Kind::Ldap.as_str())
        .filter(|p| {
            serde_json::from_str::<crate::federation::spec::Settings>(&p.settings)
                .ok()
                .and_then(|s| s.ldap)
                .is_some_and(|l| !l.is_tls())
        })
        .map(|p| p.name)
        .collect())
}
