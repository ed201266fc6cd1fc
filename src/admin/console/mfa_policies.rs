//! `/admin/mfa-policies` (S5, S8): the MFA rules in the caller's reach —
//! required or optional for everyone, a sign-in method, an upstream type,
//! an organization or an application — and the upstream types whose own
//! MFA is accepted. Changes go through `auth::mfa::admin`, the service of
//! `ostiary mfa …` and `/api/v1/mfa-policies`, with the caller's reach: a
//! caller limited to organizations sees and changes only their rules.

use actix_web::HttpResponse;
use actix_web::web::{self, ServiceConfig};
use askama::Template;
use serde::Deserialize;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::mfa_policy_wizard::{self, method_key, scope_key, upstream_key};
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::mfa::admin::{self, OutOfReach};
use crate::auth::mfa::policy::{self, UPSTREAM_TYPES};
use crate::domain::{ClientId, OrganizationId};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::{clients, orgs};

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/admin/mfa-policies", web::get().to(list))
        .route("/admin/mfa-policies", web::post().to(set))
        .route(
            "/admin/mfa-policies/new",
            web::get().to(mfa_policy_wizard::new_rule),
        )
        .route("/admin/mfa-policies/delete", web::post().to(remove))
        .route(
            "/admin/mfa-policies/accept-upstream",
            web::post().to(accept_upstream),
        );
}

const HOME: &str = "/admin/mfa-policies";

/// One rule as listed.
pub struct RuleRow {
    pub scope: String,
    pub subject: String,
    pub required: bool,
    pub scope_key: &'static str,
    /// What it applies to: a catalogue name, or a stored object's name.
    pub subject_key: Option<&'static str>,
    pub subject_name: Option<String>,
    pub updated_at: String,
}

/// An accepted upstream MFA.
pub struct Accepted {
    pub upstream: String,
    pub label: Option<&'static str>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "admin/mfa_policies/list.html")]
pub struct ListPage {
    pub t: Tr,
    pub chrome: Chrome,
    pub rules: Vec<RuleRow>,
    pub accepted: Vec<Accepted>,
    /// Upstream types not accepted yet: (type, label key).
    pub acceptable: Vec<(&'static str, Option<&'static str>)>,
}

fn row(
    conn: &mut crate::db::DbConnection,
    p: crate::store::mfa_policies::PolicyRow,
) -> Result<RuleRow, AppError> {
    let scope = policy::Scope::parse(&p.scope);
    let (subject_key, subject_name) = match scope {
        Some(policy::Scope::LoginMethod) => (method_key(&p.subject), None),
        Some(policy::Scope::Upstream) => (upstream_key(&p.subject), None),
        Some(policy::Scope::Organization) => (
            None,
            orgs::name_of(conn, &OrganizationId::from(p.subject.clone()))?,
        ),
        Some(policy::Scope::Client) => (
            None,
            clients::find(conn, &ClientId::from(p.subject.clone()))?.map(|c| c.name),
        ),
        _ => (None, None),
    };
    Ok(RuleRow {
        scope_key: scope.map_or("admin.mfa_policies.scope.global", scope_key),
        required: p.requirement == policy::REQUIRED,
        scope: p.scope,
        subject: p.subject,
        subject_key,
        subject_name,
        updated_at: p.updated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
    })
}

/// `GET /admin/mfa-policies`
pub async fn list(console: Console, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::read("policies"))
        .map_err(respond::problem)?;
    let reach = console.caller.reach.organization_ids();
    let (rules, acknowledged) = state
        .db
        .run(move |conn| {
            let all = admin::list(conn, reach.as_deref())?;
            let rules = all
                .policies
                .into_iter()
                .map(|p| row(conn, p))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((rules, all.upstream_acknowledgments))
        })
        .await?;
    let acceptable = UPSTREAM_TYPES
        .into_iter()
        .filter(|u| !acknowledged.iter().any(|a| a.upstream == *u))
        .map(|u| (u, upstream_key(u)))
        .collect();
    respond::page(&ListPage {
        t: console.chrome.t,
        chrome: console.chrome("mfa-policies"),
        rules,
        accepted: acknowledged
            .into_iter()
            .map(|a| Accepted {
                label: upstream_key(&a.upstream),
                at: a.acknowledged_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                upstream: a.upstream,
            })
            .collect(),
        acceptable,
    })
}

/// A rule to set or remove.
#[derive(Debug, Default, Deserialize)]
pub struct RuleForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub requirement: String,
}

crate::csrf_field!(RuleForm);

/// The rule's scope, or 400.
fn scope_of(form: &RuleForm) -> Result<policy::Scope, AppError> {
    policy::Scope::parse(&form.scope).ok_or_else(|| {
        AppError::BadRequest(Tr::current().text("admin.mfa_policies.pick_scope").into())
    })
}

/// The subject as the service takes it (`*`: the global rule's).
fn subject_of(form: &RuleForm) -> Option<String> {
    let s = form.subject.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn out_of_reach(why: OutOfReach) -> AppError {
    match why {
        OutOfReach::NotFound => AppError::NotFound,
        OutOfReach::GlobalOnly => {
            AppError::Forbidden(Tr::current().text("admin.mfa_policies.global_only").into())
        }
    }
}

/// `POST /admin/mfa-policies`: create or change a rule.
pub async fn set(
    console: Console,
    form: crate::auth::guard::Checked<RuleForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("policies"))
        .map_err(respond::problem)?;
    let form = form.into_inner();
    let scope = scope_of(&form)?;
    let subject = subject_of(&form);
    let requirement = match form.requirement.as_str() {
        "optional" => policy::OPTIONAL,
        _ => policy::REQUIRED,
    };
    let (actor, reach, now) = (
        console.caller.actor.clone(),
        console.caller.reach.organization_ids(),
        state.now(),
    );
    let given = subject.clone();
    let answer = state
        .db
        .run(move |conn| {
            admin::set(
                conn,
                &actor,
                reach.as_deref(),
                scope,
                given.as_deref(),
                requirement,
                now,
            )
        })
        .await;
    match answer {
        Ok(Ok(_)) => Ok(respond::done(HOME, "mfa_policy_saved")),
        Ok(Err(why)) => Err(out_of_reach(why)),
        // An unknown subject: the rule's form again, saying so.
        Err(AppError::BadRequest(_)) => {
            mfa_policy_wizard::refused(&console, &state, scope, subject.unwrap_or_default()).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /admin/mfa-policies/delete`
pub async fn remove(
    console: Console,
    form: crate::auth::guard::Checked<RuleForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("policies"))
        .map_err(respond::problem)?;
    let form = form.into_inner();
    let scope = scope_of(&form)?;
    let subject = subject_of(&form);
    let (actor, reach, now) = (
        console.caller.actor.clone(),
        console.caller.reach.organization_ids(),
        state.now(),
    );
    let answer = state
        .db
        .run(move |conn| {
            admin::remove(
                conn,
                &actor,
                reach.as_deref(),
                scope,
                subject.as_deref(),
                now,
            )
        })
        .await;
    match answer {
        Ok(Ok(true)) => Ok(respond::done(HOME, "mfa_policy_deleted")),
        Ok(Ok(false)) | Err(AppError::BadRequest(_)) => Err(AppError::NotFound),
        Ok(Err(why)) => Err(out_of_reach(why)),
        Err(e) => Err(e),
    }
}

/// An upstream type to accept the MFA of.
#[derive(Debug, Default, Deserialize)]
pub struct UpstreamForm {
    #[serde(default)]
    pub csrf_token: String,
    #[serde(default)]
    pub upstream: String,
}

crate::csrf_field!(UpstreamForm);

/// `POST /admin/mfa-policies/accept-upstream` (global reach)
pub async fn accept_upstream(
    console: Console,
    form: crate::auth::guard::Checked<UpstreamForm>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("policies"))
        .map_err(respond::problem)?;
    let (actor, reach, now) = (
        console.caller.actor.clone(),
        console.caller.reach.organization_ids(),
        state.now(),
    );
    let upstream = form.into_inner().upstream;
    let answer = state
        .db
        .run(move |conn| {
            admin::acknowledge_upstream(conn, &actor, reach.as_deref(), &upstream, now)
        })
        .await;
    match answer {
        Ok(Ok(_)) => Ok(respond::done(HOME, "mfa_accepted")),
        Ok(Err(why)) => Err(out_of_reach(why)),
        Err(AppError::BadRequest(_)) => Ok(respond::refused(HOME, "mfa_unknown_upstream")),
        Err(e) => Err(e),
    }
}
