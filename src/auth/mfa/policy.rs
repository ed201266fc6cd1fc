//! The MFA policy engine (S5): rules say "MFA required" globally, for a
//! login method, for an upstream connector type, for an organization's
//! members, or for a client. Any matching `required` rule wins; `optional`
//! rules are recorded but neutral. Login-time rules (global, method,
//! upstream, organization) are checked after the first factor; client rules
//! and `acr_values` at `/authorize` (step-up).

use std::fmt;

use crate::db::DbConnection;
use crate::domain::{ClientId, UserId};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::mfa_policies::PolicyRow;
use crate::store::{mfa_policies, orgs};

/// What a rule applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    LoginMethod,
    Upstream,
    Organization,
    Client,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::LoginMethod => "login_method",
            Self::Upstream => "upstream",
            Self::Organization => "organization",
            Self::Client => "client",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "global" => Some(Self::Global),
            "login_method" | "login-method" => Some(Self::LoginMethod),
            "upstream" => Some(Self::Upstream),
            "organization" | "org" => Some(Self::Organization),
            "client" => Some(Self::Client),
            _ => None,
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Login methods a `login_method` rule may name.
pub const LOGIN_METHODS: [&str; 3] = ["password", "email_code", "passkey"];
/// Upstream connector types an `upstream` rule may name (federation, S7).
pub const UPSTREAM_TYPES: [&str; 8] = [
    "oidc",
    "google",
    "github",
    "microsoft",
    "okta",
    "jumpcloud",
    "saml",
    "ldap",
];

/// Requirement of a rule.
pub const REQUIRED: &str = "required";
pub const OPTIONAL: &str = "optional";

/// What a check is about: a login by some method, or the use of a client.
#[derive(Debug, Clone, Copy)]
enum Occasion<'a> {
    Login { method: &'a str },
    Client { client_id: &'a str },
}

/// Whether any `required` rule of `rules` applies to `user_id` on this
/// occasion (the organizations are read only when some rule requires MFA).
fn required_by(
    conn: &mut DbConnection,
    rules: &[PolicyRow],
    user_id: &UserId,
    occasion: Occasion<'_>,
) -> Result<bool, AppError> {
    let rules: Vec<_> = rules.iter().filter(|r| r.requirement == REQUIRED).collect();
    if rules.is_empty() {
        return Ok(false);
    }
    let org_ids = orgs::organization_ids_of(conn, user_id)?;
    Ok(rules
        .iter()
        .any(|r| match (Scope::parse(&r.scope), occasion) {
            (Some(Scope::Global), _) => true,
            (Some(Scope::Organization), _) => org_ids.contains(&r.subject),
            (Some(Scope::LoginMethod), Occasion::Login { method }) => r.subject == method,
            (Some(Scope::Upstream), Occasion::Login { method }) => {
                method.strip_prefix("upstream:") == Some(r.subject.as_str())
            }
            (Some(Scope::Client), Occasion::Client { client_id }) => r.subject == client_id,
            (Some(Scope::LoginMethod | Scope::Upstream), Occasion::Client { .. })
            | (Some(Scope::Client), Occasion::Login { .. })
            | (None, _) => false,
        }))
}

/// Whether MFA is required for `user_id` signing in with `method` (a
/// [`LOGIN_METHODS`] name, or `upstream:<type>` for federated logins),
/// with the rules already at hand (`state.clients.mfa_rules`).
pub fn required_at_login_by(
    conn: &mut DbConnection,
    rules: &[PolicyRow],
    user_id: &UserId,
    method: &str,
) -> Result<bool, AppError> {
    required_by(conn, rules, user_id, Occasion::Login { method })
}

/// Whether MFA is required for `user_id` to use `client_id` (client rule,
/// plus the login-independent rules so a session from before a policy
/// change is stepped up too), with the rules from the cache: no database
/// work at all when no rule requires MFA (the common case at `/authorize`).
pub async fn required_for_client_cached(
    state: &AppState,
    user_id: &UserId,
    client_id: &ClientId,
) -> Result<bool, AppError> {
    let rules = state.clients.mfa_rules(&state.db).await?;
    if !rules.iter().any(|r| r.requirement == REQUIRED) {
        return Ok(false);
    }
    let (user_id, client_id) = (user_id.clone(), client_id.clone());
    state
        .db
        .run(move |conn| {
            required_by(
                conn,
                &rules,
                &user_id,
                Occasion::Client {
                    client_id: &client_id,
                },
            )
        })
        .await
}

/// Upstream `amr` values that show the upstream checked more than one
/// factor (RFC 8176).
const UPSTREAM_MFA: [&str; 3] = ["mfa", "otp", "hwk"];

/// The `amr` of a sign-in through an upstream of type `upstream_type`: `fed`,
/// plus — only when an administrator acknowledged that upstream's MFA
/// (S5) and it reports a second factor — its own RFC 8176 values and
/// `mfa`, so the sign-in counts as multi-factor here.
pub fn federated_amr(
    conn: &mut DbConnection,
    upstream_type: &str,
    upstream_amr: &[String],
) -> Result<Vec<String>, AppError> {
    let mut amr = vec!["fed".to_owned()];
    let reported = upstream_amr
        .iter()
        .any(|m| UPSTREAM_MFA.contains(&m.as_str()));
    if !reported {
        return Ok(amr);
    }
    let acknowledged = mfa_policies::acknowledgments(conn)?
        .iter()
        .any(|a| a.upstream == upstream_type);
    if acknowledged {
        for m in upstream_amr.iter().take(10) {
            let token = m.len() <= 16 && m.bytes().all(|b| b.is_ascii_lowercase());
            if token && !amr.contains(m) {
                amr.push(m.clone());
            }
        }
        if !amr.iter().any(|m| m == "mfa") {
            amr.push("mfa".into());
        }
    }
    Ok(amr)
}
