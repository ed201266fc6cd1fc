//! `/api/v1/mfa-policies` (S5, S8): MFA rules and acknowledgments of
//! upstream MFA through the same service as `ostiary mfa …`. A rule is
//! addressed by its scope and subject (`global/*`, `login_method/password`,
//! `upstream/google`, `organization/{id}`, `client/{id}`). Needs
//! `policies:read` / `policies:write`; a caller limited to organizations
//! reads and changes only its organizations' rules (others are not found,
//! other kinds of rule are refused).

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::admin::api::body::Body;
use crate::admin::api::caller::Caller;
use crate::admin::api::problem::{Missing, Problem, Refusals, Unprocessable};
use crate::admin::scopes::Scope;
use crate::auth::mfa::admin::{self, OutOfReach};
use crate::auth::mfa::policy;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::mfa_policies::{Acknowledgment, PolicyRow};

/// What a rule applies to.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleScope {
    Global,
    LoginMethod,
    Upstream,
    Organization,
    Client,
}

impl RuleScope {
    fn policy(self) -> policy::Scope {
        match self {
            Self::Global => policy::Scope::Global,
            Self::LoginMethod => policy::Scope::LoginMethod,
            Self::Upstream => policy::Scope::Upstream,
            Self::Organization => policy::Scope::Organization,
            Self::Client => policy::Scope::Client,
        }
    }
}

/// `required` or `optional`.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Required,
    Optional,
}

/// The body of `PUT /api/v1/mfa-policies/{scope}/{subject}`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    pub requirement: Requirement,
}

/// An upstream connector type.
#[derive(Debug, Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Upstream {
    Oidc,
    Google,
    Github,
    Microsoft,
    Okta,
    Jumpcloud,
    Saml,
    Ldap,
}

impl Upstream {
    /// As `auth::mfa::policy::UPSTREAM_TYPES` spells it.
    fn as_str(self) -> &'static str {
        match self {
            Self::Oidc => "oidc",
            Self::Google => "google",
            Self::Github => "github",
            Self::Microsoft => "microsoft",
            Self::Okta => "okta",
            Self::Jumpcloud => "jumpcloud",
            Self::Saml => "saml",
            Self::Ldap => "ldap",
        }
    }
}

/// The body of `POST /api/v1/mfa-policies/acknowledge-upstream`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    pub upstream: Upstream,
}

/// A rule.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyView {
    pub id: String,
    /// global, login_method, upstream, organization or client.
    pub scope: String,
    /// `*`, a login method, an upstream type, an organization's or a
    /// client's id.
    pub subject: String,
    /// `required` or `optional`.
    pub requirement: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

fn policy_view(row: PolicyRow) -> PolicyView {
    PolicyView {
        id: row.id,
        scope: row.scope,
        subject: row.subject,
        requirement: row.requirement,
        created_at: row.created_at.and_utc().to_rfc3339(),
        updated_at: row.updated_at.and_utc().to_rfc3339(),
    }
}

/// An acknowledgment that sign-ins through an upstream type may rely on
/// its own MFA.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AcknowledgmentView {
    pub upstream: String,
    /// The actor's id.
    pub acknowledged_by: String,
    /// RFC 3339, UTC.
    pub acknowledged_at: String,
}

fn acknowledgment_view(row: Acknowledgment) -> AcknowledgmentView {
    AcknowledgmentView {
        upstream: row.upstream,
        acknowledged_by: row.acknowledged_by,
        acknowledged_at: row.acknowledged_at.and_utc().to_rfc3339(),
    }
}

/// The rules (and acknowledgments) in the caller's reach.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PolicyList {
    pub policies: Vec<PolicyView>,
    /// Empty for callers limited to organizations.
    pub upstream_acknowledgments: Vec<AcknowledgmentView>,
}

/// The answer of an acknowledgment.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Acknowledged {
    pub acknowledged: bool,
    /// False when it had been acknowledged before.
    pub new: bool,
}

fn out_of_reach(why: OutOfReach) -> Problem {
    match why {
        OutOfReach::NotFound => Problem::not_found(),
        OutOfReach::GlobalOnly => Problem::forbidden(
            "only organization rules are open to callers limited to organizations",
        ),
    }
}

/// Bad input of the service, naming `field`.
fn invalid(field: &str, e: AppError) -> Problem {
    match e {
        AppError::BadRequest(message) => {
            Problem::unprocessable(field, message.replace("--subject", "subject"))
        }
        other => other.into(),
    }
}

/// The subject as the service takes it: `*` is the global rule's.
fn subject(scope: RuleScope, given: &str) -> Option<String> {
    match (scope, given) {
        (RuleScope::Global, "*") => None,
        (_, s) => Some(s.to_owned()),
    }
}

/// `GET /api/v1/mfa-policies`
#[utoipa::path(
    get,
    path = "/api/v1/mfa-policies",
    tag = "policies",
    responses(
        (status = 200, description = "The rules in the caller's reach and (global reach only) the upstream acknowledgments", body = PolicyList),
        Refusals,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    caller.require(Scope::read("policies"))?;
    let reach = caller.reach.organization_ids();
    let all = state
        .db
        .run(move |conn| admin::list(conn, reach.as_deref()))
        .await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        policies: all.policies.into_iter().map(policy_view).collect(),
        upstream_acknowledgments: all
            .upstream_acknowledgments
            .into_iter()
            .map(acknowledgment_view)
            .collect(),
    }))
}

/// `PUT /api/v1/mfa-policies/{scope}/{subject}`
#[utoipa::path(
    put,
    path = "/api/v1/mfa-policies/{scope}/{subject}",
    tag = "policies",
    params(
        ("scope" = RuleScope, Path, description = "What the rule applies to"),
        ("subject" = String, Path, description = "`*` for global; a login method (password, email_code, passkey); an upstream type; an organization's id (or name); a client's id", max_length = 200),
    ),
    request_body = RuleBody,
    responses(
        (status = 200, description = "The rule as it is now", body = PolicyView),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn set(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(RuleScope, String)>,
    body: Body<RuleBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("policies"))?;
    let (scope, given) = path.into_inner();
    let subject = subject(scope, &given);
    let requirement = match body.requirement {
        Requirement::Required => policy::REQUIRED,
        Requirement::Optional => policy::OPTIONAL,
    };
    let (actor, reach, now) = (
        caller.actor.clone(),
        caller.reach.organization_ids(),
        state.now(),
    );
    let row = state
        .db
        .run(move |conn| {
            admin::set(
                conn,
                &actor,
                reach.as_deref(),
                scope.policy(),
                subject.as_deref(),
                requirement,
                now,
            )
        })
        .await
        .map_err(|e| invalid("subject", e))?
        .map_err(out_of_reach)?;
    Ok(HttpResponse::Ok().json(policy_view(row)))
}

/// `DELETE /api/v1/mfa-policies/{scope}/{subject}`
#[utoipa::path(
    delete,
    path = "/api/v1/mfa-policies/{scope}/{subject}",
    tag = "policies",
    params(
        ("scope" = RuleScope, Path, description = "What the rule applies to"),
        ("subject" = String, Path, description = "As for PUT", max_length = 200),
    ),
    responses(
        (status = 204, description = "The rule is gone"),
        Refusals,
        Missing,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn remove(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(RuleScope, String)>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("policies"))?;
    let (scope, given) = path.into_inner();
    let subject = subject(scope, &given);
    let (actor, reach, now) = (
        caller.actor.clone(),
        caller.reach.organization_ids(),
        state.now(),
    );
    let removed = state
        .db
        .run(move |conn| {
            admin::remove(
                conn,
                &actor,
                reach.as_deref(),
                scope.policy(),
                subject.as_deref(),
                now,
            )
        })
        .await
        .map_err(|e| invalid("subject", e))?
        .map_err(out_of_reach)?;
    if !removed {
        return Err(Problem::not_found());
    }
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/mfa-policies/acknowledge-upstream`
#[utoipa::path(
    post,
    path = "/api/v1/mfa-policies/acknowledge-upstream",
    tag = "policies",
    request_body = AcknowledgeBody,
    responses(
        (status = 200, description = "Sign-ins through this upstream type may now satisfy MFA with the upstream's own (audited)", body = Acknowledged),
        Refusals,
        Unprocessable,
    ),
    security(("api_key" = []), ("session" = []))
)]
pub async fn acknowledge_upstream(
    state: web::Data<AppState>,
    caller: Caller,
    body: Body<AcknowledgeBody>,
) -> Result<HttpResponse, Problem> {
    caller.require(Scope::write("policies"))?;
    let upstream = body.upstream.as_str();
    let (actor, reach, now) = (
        caller.actor.clone(),
        caller.reach.organization_ids(),
        state.now(),
    );
    let new = state
        .db
        .run(move |conn| admin::acknowledge_upstream(conn, &actor, reach.as_deref(), upstream, now))
        .await
        .map_err(|e| invalid("upstream", e))?
        .map_err(out_of_reach)?;
    Ok(HttpResponse::Ok().json(Acknowledged {
        acknowledged: true,
        new,
    }))
}
