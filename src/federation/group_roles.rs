//! Upstream groups → organization roles (S7, SR-133): a provider's rules
//! `{ group, organization, role }`, checked in one place for the CLI, the
//! admin API and the console, and applied at every sign-in through the
//! provider ([`apply`], in the sign-in's transaction).
//!
//! The rules are an allow-list: only a listed group grants anything. The
//! organization is named by its name (`GROUP=ORGANIZATION:ROLE` on the
//! command line, `group = organization:role` in the console, `organization`
//! in the API) and stored by id, so a renamed organization keeps its rules.
//! A rule grants an organization role, never superuser; `owner` and
//! organizations outside a caller's reach need a caller of global reach
//! (SR-100). At a sign-in, the memberships a provider's rules granted
//! follow the person's groups (the strongest role wins when several rules
//! hit one organization); memberships a person granted, or another
//! provider, are never touched. Losing a membership or a role ends the
//! person's sessions and grants (SR-133).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Action, Actor, Event, Outcome};
use crate::db::DbConnection;
use crate::domain::{OrganizationId, Role, UserId};
use crate::error::AppError;
use crate::store::logout::{self, Notice};
use crate::store::{naive, orgs};

/// At most this many rules per provider.
pub const MAX_RULES: usize = 100;
/// At most this many characters in a group name.
pub const MAX_GROUP: usize = 256;

/// A rule as an admin writes it (the organization by name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRoleSpec {
    /// The upstream's group name, exactly as it sends it (case matters).
    #[schema(min_length = 1, max_length = 256)]
    pub group: String,
    /// The organization's name.
    #[schema(min_length = 1, max_length = 100)]
    pub organization: String,
    /// owner, admin, auditor or member.
    pub role: String,
}

/// A rule as stored in the provider's settings (the organization by id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupRole {
    pub group: String,
    pub organization_id: String,
    pub role: Role,
}

/// A rule as shown: the organization by name and id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct GroupRoleView {
    pub group: String,
    /// The organization's current name.
    pub organization: Option<String>,
    pub organization_id: String,
    pub role: Role,
}

impl GroupRoleView {
    /// The rule as an admin would write it again.
    pub fn spec(&self) -> GroupRoleSpec {
        GroupRoleSpec {
            group: self.group.clone(),
            organization: self
                .organization
                .clone()
                .unwrap_or_else(|| self.organization_id.clone()),
            role: self.role.as_str().to_owned(),
        }
    }

    /// The rule as stored.
    pub fn stored(&self) -> GroupRole {
        GroupRole {
            group: self.group.clone(),
            organization_id: self.organization_id.clone(),
            role: self.role,
        }
    }

    /// `group = organization:role`, one line of the console's list.
    pub fn line(&self) -> String {
        let org = self
            .organization
            .as_deref()
            .unwrap_or(&self.organization_id);
        format!("{} = {org}:{}", self.group, self.role)
    }
}

/// What is wrong with a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not `GROUP=ORGANIZATION:ROLE`.
    Syntax,
    /// The group is empty, too long or holds control characters.
    Group,
    /// No organization is named.
    NoOrganization,
    /// No organization has this name.
    UnknownOrganization,
    /// Not an organization the caller administers.
    OutOfReach,
    /// Not a role.
    Role,
    /// `superuser` is no organization role.
    Superuser,
    /// `owner` needs a caller of global reach.
    Owner,
    /// The same group and organization twice.
    Duplicate,
    /// More than [`MAX_RULES`].
    TooMany,
    /// A rule only a caller of global reach may drop was dropped.
    Kept,
}

/// A refused rule: which one (0-based, as given; none for the list) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub index: Option<usize>,
    pub problem: Problem,
    /// What the admin wrote (for the message).
    pub text: String,
}

impl RuleError {
    fn new(index: usize, problem: Problem, text: impl Into<String>) -> Self {
        Self {
            index: Some(index),
            problem,
            text: text.into(),
        }
    }

    /// The message, naming the flag (`spec::for_api` turns it into the
    /// API's field `group_roles`).
    pub fn message(&self) -> String {
        let why = match self.problem {
            Problem::Syntax => "is not GROUP=ORGANIZATION:ROLE".to_owned(),
            Problem::Group => {
                format!("the group must be 1 to {MAX_GROUP} characters, without control characters")
            }
            Problem::NoOrganization => "names no organization".to_owned(),
            Problem::UnknownOrganization => "names no existing organization".to_owned(),
            Problem::OutOfReach => "names an organization you do not administer".to_owned(),
            Problem::Role => "names no role: use owner, admin, auditor or member".to_owned(),
            Problem::Superuser => {
                "superuser is not an organization role: no rule grants it".to_owned()
            }
            Problem::Owner => "only a caller of global reach grants owner by a rule".to_owned(),
            Problem::Duplicate => "repeats the group and organization of an earlier rule".to_owned(),
            Problem::TooMany => format!("at most {MAX_RULES} rules"),
            Problem::Kept => "only a caller of global reach removes or changes a rule into an organization you do not administer, or one granting owner".to_owned(),
        };
        match self.index {
            Some(i) => format!("--group-role #{} ({}): {why}", i + 1, self.text),
            None => format!("--group-role: {why}"),
        }
    }
}

/// `GROUP=ORGANIZATION:ROLE` (the command line; the console's lines use
/// the same form with spaces allowed around `=` and `:`). The role is
/// after the last `:`, the organization between it and the last `=` before
/// it: a group may hold `=` and `:` (a DN), an organization name neither.
pub fn parse(text: &str) -> Result<GroupRoleSpec, Problem> {
    let (rest, role) = text.rsplit_once(':').ok_or(Problem::Syntax)?;
    let (group, organization) = rest.rsplit_once('=').ok_or(Problem::Syntax)?;
    Ok(GroupRoleSpec {
        group: group.trim().to_owned(),
        organization: organization.trim().to_owned(),
        role: role.trim().to_owned(),
    })
}

fn role_of(raw: &str) -> Result<Role, Problem> {
    let role = raw.trim().to_ascii_lowercase();
    if role == "superuser" {
        return Err(Problem::Superuser);
    }
    role.parse().map_err(|_| Problem::Role)
}

fn text_of(rule: &GroupRoleSpec) -> String {
    format!("{}={}:{}", rule.group, rule.organization, rule.role)
}

/// The rules' shape, without the database: how many, each group, role and
/// organization named, no duplicates. `spec::validate` calls it;
/// [`resolve`] checks the organizations.
pub fn check(rules: &[GroupRoleSpec]) -> Result<(), RuleError> {
    if rules.len() > MAX_RULES {
        return Err(RuleError {
            index: None,
            problem: Problem::TooMany,
            text: String::new(),
        });
    }
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let err = |problem| RuleError::new(i, problem, text_of(rule));
        let group = rule.group.trim();
        if group.is_empty()
            || group.chars().count() > MAX_GROUP
            || group.chars().any(char::is_control)
        {
            return Err(err(Problem::Group));
        }
        let organization = rule.organization.trim();
        if organization.is_empty() {
            return Err(err(Problem::NoOrganization));
        }
        role_of(&rule.role).map_err(err)?;
        if seen.contains(&(group, organization)) {
            return Err(err(Problem::Duplicate));
        }
        seen.push((group, organization));
    }
    Ok(())
}

/// The checked rules as stored: each organization found by name and within
/// `reach` (`None`: everything). A caller of limited reach keeps the rules
/// of `before` it may not make (into other organizations, granting
/// owner) as they were, and makes no new ones.
pub fn resolve(
    conn: &mut DbConnection,
    reach: Option<&[OrganizationId]>,
    rules: &[GroupRoleSpec],
    before: &[GroupRole],
) -> Result<Result<Vec<GroupRole>, RuleError>, AppError> {
    if let Err(e) = check(rules) {
        return Ok(Err(e));
    }
    let in_reach = |id: &OrganizationId| reach.is_none_or(|ids| ids.contains(id));
    let privileged = |rule: &GroupRole| {
        rule.role == Role::Owner || !in_reach(&OrganizationId::from(rule.organization_id.as_str()))
    };
    let mut out = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let err = |problem| Ok(Err(RuleError::new(i, problem, text_of(rule))));
        let found = orgs::find_by_name(conn, rule.organization.trim())?;
        let Some(org) = found else {
            // A caller of limited reach learns nothing of other
            // organizations' names.
            return err(match reach {
                None => Problem::UnknownOrganization,
                Some(_) => Problem::OutOfReach,
            });
        };
        let Ok(role) = role_of(&rule.role) else {
            return err(Problem::Role);
        };
        let stored = GroupRole {
            group: rule.group.trim().to_owned(),
            organization_id: org.id.to_string(),
            role,
        };
        if reach.is_some() && privileged(&stored) && !before.contains(&stored) {
            return err(if in_reach(&org.id) {
                Problem::Owner
            } else {
                Problem::OutOfReach
            });
        }
        out.push(stored);
    }
    if reach.is_some()
        && let Some(dropped) = before.iter().find(|b| privileged(b) && !out.contains(b))
    {
        return Ok(Err(RuleError {
            index: None,
            problem: Problem::Kept,
            text: dropped.group.clone(),
        }));
    }
    Ok(Ok(out))
}

/// How strong a role is (the strongest wins when rules meet).
fn rank(role: Role) -> u8 {
    match role {
        Role::Owner => 4,
        Role::Admin => 3,
        Role::Auditor => 2,
        Role::Member => 1,
    }
}

/// What `rules` grant a person in `groups`: by organization id, the
/// strongest role and the group that grants it (the first rule of equal
/// strength).
pub fn wanted(rules: &[GroupRole], groups: &[String]) -> BTreeMap<String, (Role, String)> {
    let mut out: BTreeMap<String, (Role, String)> = BTreeMap::new();
    for rule in rules.iter().filter(|r| groups.contains(&r.group)) {
        let stronger = out
            .get(&rule.organization_id)
            .is_none_or(|(role, _)| rank(rule.role) > rank(*role));
        if stronger {
            out.insert(
                rule.organization_id.clone(),
                (rule.role, rule.group.clone()),
            );
        }
    }
    out
}

/// What [`apply`] did.
#[derive(Debug, Default)]
pub struct Applied {
    /// A membership or a role was taken away: sessions and grants ended.
    pub revoked: bool,
    /// Back-channel logout notices to send after commit.
    pub notices: Vec<Notice>,
}

/// The provider a sign-in came through, as [`apply`] needs it.
pub struct Source<'a> {
    pub provider_id: &'a str,
    /// The provider's organization (users created just in time join it).
    pub organization_id: Option<&'a OrganizationId>,
    pub rules: &'a [GroupRole],
}

/// At a sign-in of `user_id` through `source` with `groups` (inside the
/// sign-in's transaction): make the memberships this provider's rules
/// granted follow the groups. Audited as the person via the provider; a
/// loss (membership removed, role lowered) ends every session and grant
/// of the person (SR-133) before the new session is made.
pub fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    source: &Source<'_>,
    user_id: &UserId,
    groups: &[String],
    now: DateTime<Utc>,
) -> Result<Applied, AppError> {
    let actor = actor.as_user(user_id.as_str(), None);
    let mut want = wanted(source.rules, groups);
    let current: BTreeMap<String, (String, Option<String>)> = orgs::grants_of(conn, user_id)?
        .into_iter()
        .map(|(org, role, by)| (org.into_string(), (role, by)))
        .collect();
    let ours = |by: &Option<String>| by.as_deref() == Some(source.provider_id);
    // The membership the provider gave at the first sign-in stays, as a
    // member at least.
    if let Some(home) = source.organization_id
        && current.get(home.as_str()).is_some_and(|(_, by)| ours(by))
    {
        want.entry(home.to_string())
            .or_insert((Role::Member, String::new()));
    }
    let record = |conn: &mut DbConnection,
                  action: Action,
                  org: &str,
                  group: Option<&str>,
                  from: Option<&str>,
                  to: Option<Role>| {
        audit::record(
            conn,
            &actor,
            Event::new(action, Outcome::Success)
                .target("user", user_id.as_str())
                .organization(org)
                .details(json!({
                    "provider": source.provider_id,
                    "group": group.filter(|g| !g.is_empty()),
                    "role": to.map(Role::as_str),
                    "from": from,
                    "to": to.map(Role::as_str),
                })),
            now,
        )
    };
    let mut lost = false;
    for (org, (role, group)) in &want {
        let org_id = OrganizationId::from(org.as_str());
        match current.get(org) {
            None => {
                let added = orgs::add_granted(
                    conn,
                    user_id,
                    &org_id,
                    role.as_str(),
                    source.provider_id,
                    naive(now),
                )?;
                if !added {
                    continue;
                }
                record(
                    conn,
                    Action::MembershipAdded,
                    org,
                    Some(group),
                    None,
                    Some(*role),
                )?;
            }
            Some((was, by)) if ours(by) && was != role.as_str() => {
                orgs::set_granted_role(conn, user_id, &org_id, role.as_str())?;
                // A stored role that does not read counts as a loss (fail
                // closed).
                lost |= !was.parse::<Role>().is_ok_and(|w| rank(w) <= rank(*role));
                record(
                    conn,
                    Action::MembershipChanged,
                    org,
                    Some(group),
                    Some(was),
                    Some(*role),
                )?;
            }
            // Unchanged, or granted by a person or another provider.
            Some(_) => {}
        }
    }
    for (org, (was, by)) in &current {
        if ours(by) && !want.contains_key(org) {
            orgs::remove_member(conn, user_id, &OrganizationId::from(org.as_str()))?;
            lost = true;
            record(conn, Action::MembershipRemoved, org, None, Some(was), None)?;
        }
    }
    if !lost {
        return Ok(Applied::default());
    }
    let ended = logout::end_all_tx(conn, user_id, None, now)?;
    audit::record(
        conn,
        &actor,
        Event::new(Action::SignOutAll, Outcome::Success)
            .target("user", user_id.as_str())
            .details(json!({
                "reason": "group_roles",
                "provider": source.provider_id,
                "sessions_revoked": ended.sessions,
                "grants_revoked": ended.grants,
            })),
        now,
    )?;
    Ok(Applied {
        revoked: true,
        notices: ended.notices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(group: &str, org: &str, role: Role) -> GroupRole {
        GroupRole {
            group: group.into(),
            organization_id: org.into(),
            role,
        }
    }

    fn spec(group: &str, org: &str, role: &str) -> GroupRoleSpec {
        GroupRoleSpec {
            group: group.into(),
            organization: org.into(),
            role: role.into(),
        }
    }

    #[test]
    fn the_strongest_role_wins_and_only_listed_groups_grant() {
        let rules = [
            rule("staff", "o1", Role::Member),
            rule("admins", "o1", Role::Admin),
            rule("auditors", "o1", Role::Auditor),
            rule("staff", "o2", Role::Auditor),
            rule("sales", "o3", Role::Owner),
        ];
        let groups = [
            "staff".to_owned(),
            "admins".into(),
            "auditors".into(),
            "other".into(),
        ];
        let got = wanted(&rules, &groups);
        assert_eq!(got.len(), 2);
        assert_eq!(got["o1"], (Role::Admin, "admins".to_owned()));
        assert_eq!(got["o2"], (Role::Auditor, "staff".to_owned()));
        // Allow-list (SR-133): groups without a rule grant nothing.
        assert!(wanted(&rules, &["other".to_owned()]).is_empty());
        assert!(wanted(&[], &groups).is_empty());
        // Group names are compared exactly.
        assert!(wanted(&rules, &["Staff".to_owned()]).is_empty());
    }

    #[test]
    fn rules_parse_and_their_shape_is_checked() {
        assert_eq!(
            parse("admins=Acme:admin"),
            Ok(spec("admins", "Acme", "admin"))
        );
        assert_eq!(
            parse(" cn=x,ou=g = Acme Corp : member "),
            Ok(spec("cn=x,ou=g", "Acme Corp", "member"))
        );
        assert_eq!(parse("admins:admin"), Err(Problem::Syntax));
        assert_eq!(parse("admins=Acme"), Err(Problem::Syntax));
        let problem = |rules: &[GroupRoleSpec]| check(rules).err().map(|e| e.problem);
        assert_eq!(
            problem(&[spec("a", "O", "admin"), spec("b", "O", "owner")]),
            None
        );
        assert_eq!(
            problem(&[spec("a", "O", "superuser")]),
            Some(Problem::Superuser)
        );
        assert_eq!(problem(&[spec("a", "O", "boss")]), Some(Problem::Role));
        assert_eq!(problem(&[spec(" ", "O", "admin")]), Some(Problem::Group));
        assert_eq!(
            problem(&[spec(&"g".repeat(257), "O", "admin")]),
            Some(Problem::Group)
        );
        assert_eq!(
            problem(&[spec("a", "", "admin")]),
            Some(Problem::NoOrganization)
        );
        let twice = [spec("a", "O", "admin"), spec("a", "O", "member")];
        let err = check(&twice).unwrap_err();
        assert_eq!((err.problem, err.index), (Problem::Duplicate, Some(1)));
        assert!(
            err.message().starts_with("--group-role #2 (a=O:member): "),
            "{}",
            err.message()
        );
        let many: Vec<_> = (0..=MAX_RULES)
            .map(|i| spec(&format!("g{i}"), "O", "member"))
            .collect();
        assert_eq!(problem(&many), Some(Problem::TooMany));
    }
}
