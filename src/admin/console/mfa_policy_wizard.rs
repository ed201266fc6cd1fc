//! `GET /admin/mfa-policies/new`: a new MFA rule in two steps (S5, S8) —
//! what it applies to (cards: everyone, a sign-in method, an upstream
//! type, an organization, an application; callers limited to
//! organizations only see organizations), then which one and whether MFA
//! is required. It posts to `POST /admin/mfa-policies`.

use crate::admin::console::provider_kinds::KindView;
use crate::federation::Kind;
use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web::{self, Query};
use askama::Template;
use serde::Deserialize;

use crate::admin::console::chrome::Chrome;
use crate::admin::console::guard::Console;
use crate::admin::console::respond;
use crate::admin::scopes::Scope;
use crate::auth::mfa::policy::{self, LOGIN_METHODS, UPSTREAM_TYPES};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;
use crate::store::{clients, orgs};

/// How many organizations or applications step 2 offers.
const MAX_SUBJECTS: i64 = 200;

/// A card of step 1.
pub struct ScopeCard {
    pub slug: &'static str,
    pub label: &'static str,
    pub text: &'static str,
}

#[derive(Template)]
#[template(path = "admin/mfa_policies/choose.html")]
pub struct ChoosePage {
    pub t: Tr,
    pub chrome: Chrome,
    pub scopes: Vec<ScopeCard>,
    pub error: Option<&'static str>,
}

/// One subject to pick: its value and its name (catalogue key or stored).
pub struct SubjectChoice {
    pub value: String,
    pub key: Option<&'static str>,
    pub name: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/mfa_policies/new.html")]
pub struct RulePage {
    pub t: Tr,
    pub chrome: Chrome,
    /// The scope as posted (`global`, `login_method`, …).
    pub scope: &'static str,
    pub scope_label: &'static str,
    pub choices: Vec<SubjectChoice>,
    /// The subject chosen before (a refused form).
    pub subject: String,
    pub error: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ScopeQuery {
    pub scope: Option<String>,
}

const SCOPES: [policy::Scope; 5] = [
    policy::Scope::Global,
    policy::Scope::LoginMethod,
    policy::Scope::Upstream,
    policy::Scope::Organization,
    policy::Scope::Client,
];

fn card(scope: policy::Scope) -> ScopeCard {
    let text = match scope {
        policy::Scope::Global => "admin.mfa_policies.scope.global_text",
        policy::Scope::LoginMethod => "admin.mfa_policies.scope.login_method_text",
        policy::Scope::Upstream => "admin.mfa_policies.scope.upstream_text",
        policy::Scope::Organization => "admin.mfa_policies.scope.organization_text",
        policy::Scope::Client => "admin.mfa_policies.scope.client_text",
    };
    ScopeCard {
        slug: scope.as_str(),
        label: scope_key(scope),
        text,
    }
}

/// The scopes `console`'s caller may write rules for.
fn scopes_of(console: &Console) -> Vec<policy::Scope> {
    SCOPES
        .into_iter()
        .filter(|s| console.global() || *s == policy::Scope::Organization)
        .collect()
}

/// `GET /admin/mfa-policies/new` (step 1) and `?scope=…` (step 2).
pub async fn new_rule(
    console: Console,
    state: web::Data<AppState>,
    query: Query<ScopeQuery>,
) -> Result<HttpResponse, AppError> {
    console
        .caller
        .require(Scope::write("policies"))
        .map_err(respond::problem)?;
    let allowed = scopes_of(&console);
    let Some(raw) = query.into_inner().scope else {
        return choose(&console, &allowed, None, StatusCode::OK);
    };
    match policy::Scope::parse(&raw).filter(|s| allowed.contains(s)) {
        Some(scope) => rule(&console, &state, scope, String::new(), None, StatusCode::OK).await,
        None => choose(
            &console,
            &allowed,
            Some("admin.mfa_policies.pick_scope"),
            StatusCode::BAD_REQUEST,
        ),
    }
}

fn choose(
    console: &Console,
    allowed: &[policy::Scope],
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    crate::web::render::html(
        status,
        &ChoosePage {
            t: console.chrome.t,
            chrome: console.chrome("mfa-policies"),
            scopes: allowed.iter().copied().map(card).collect(),
            error,
        },
        vec![],
    )
}

/// Step 2 again after the service refused the subject (422).
pub async fn refused(
    console: &Console,
    state: &AppState,
    scope: policy::Scope,
    subject: String,
) -> Result<HttpResponse, AppError> {
    rule(
        console,
        state,
        scope,
        subject,
        Some("admin.mfa_policies.unknown_subject"),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

async fn rule(
    console: &Console,
    state: &AppState,
    scope: policy::Scope,
    subject: String,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let fixed = |value: &'static str, key: Option<&'static str>| SubjectChoice {
        value: value.to_owned(),
        key,
        name: None,
    };
    let choices = match scope {
        policy::Scope::Global => Vec::new(),
        policy::Scope::LoginMethod => LOGIN_METHODS
            .into_iter()
            .map(|m| fixed(m, method_key(m)))
            .collect(),
        policy::Scope::Upstream => UPSTREAM_TYPES
            .into_iter()
            .map(|u| fixed(u, upstream_key(u)))
            .collect(),
        policy::Scope::Organization => {
            let reach = console.caller.reach.organization_ids();
            state
                .db
                .run(move |conn| orgs::page(conn, reach.as_deref(), None, None, MAX_SUBJECTS))
                .await?
                .into_iter()
                .map(|o| SubjectChoice {
                    value: o.id.to_string(),
                    key: None,
                    name: Some(o.name),
                })
                .collect()
        }
        policy::Scope::Client => state
            .db
            .run(|conn| clients::page_in_reach(conn, None, false, None, None, MAX_SUBJECTS))
            .await?
            .into_iter()
            .map(|c| SubjectChoice {
                value: c.id.to_string(),
                key: None,
                name: Some(c.name),
            })
            .collect(),
    };
    crate::web::render::html(
        status,
        &RulePage {
            t: console.chrome.t,
            chrome: console.chrome("mfa-policies"),
            scope: scope.as_str(),
            scope_label: scope_key(scope),
            choices,
            subject,
            error,
        },
        vec![],
    )
}

/// The catalogue key of a rule scope's name.
pub fn scope_key(scope: policy::Scope) -> &'static str {
    match scope {
        policy::Scope::Global => "admin.mfa_policies.scope.global",
        policy::Scope::LoginMethod => "admin.mfa_policies.scope.login_method",
        policy::Scope::Upstream => "admin.mfa_policies.scope.upstream",
        policy::Scope::Organization => "admin.mfa_policies.scope.organization",
        policy::Scope::Client => "admin.mfa_policies.scope.client",
    }
}

/// The catalogue key of a login method's name.
pub fn method_key(method: &str) -> Option<&'static str> {
    match method {
        "password" => Some("admin.mfa_policies.method.password"),
        "email_code" => Some("admin.mfa_policies.method.email_code"),
        "passkey" => Some("admin.mfa_policies.method.passkey"),
        _ => None,
    }
}

/// The catalogue key of an upstream type's name (a provider kind's).
pub fn upstream_key(upstream: &str) -> Option<&'static str> {
    let kind = match upstream {
        "microsoft" => Some(Kind::Entra),
        other => Kind::parse(other),
    };
    kind.map(|k| KindView::of(k).label)
}
