//! What the users area's forms share: field errors shown next to their
//! field, and the organizations and roles the caller may choose from (its
//! reach; `owner` for superusers only — the services enforce both).

use crate::domain::{OrganizationId, Role};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::orgs;
use crate::users::admin::Reach;

/// Most organizations a form offers.
const MOST_ORGANIZATIONS: i64 = 500;

/// Messages for the fields of a form, by field name.
#[derive(Debug, Default)]
pub struct FieldErrors(Vec<(&'static str, String)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            self.0.push((field, message.into()));
        }
    }

    /// The message for `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An organization to choose.
#[derive(Debug, Clone)]
pub struct OrgChoice {
    pub id: String,
    pub name: String,
}

/// A role to choose: its value and the message key of its name.
#[derive(Debug, Clone, Copy)]
pub struct RoleChoice {
    pub value: &'static str,
    pub label: &'static str,
}

/// The organizations in `reach`, by creation.
pub async fn organizations(state: &AppState, reach: &Reach) -> Result<Vec<OrgChoice>, AppError> {
    let ids = reach.organizations.clone();
    let found = state
        .db
        .run(move |conn| orgs::page(conn, ids.as_deref(), None, None, MOST_ORGANIZATIONS))
        .await?;
    Ok(found
        .into_iter()
        .map(|o| OrgChoice {
            id: o.id.to_string(),
            name: o.name,
        })
        .collect())
}

/// The roles offered (the owner role to superusers only).
pub fn roles(global: bool) -> Vec<RoleChoice> {
    let mut all = vec![
        RoleChoice {
            value: "member",
            label: "admin.users.role.member",
        },
        RoleChoice {
            value: "admin",
            label: "admin.users.role.admin",
        },
        RoleChoice {
            value: "auditor",
            label: "admin.users.role.auditor",
        },
    ];
    if global {
        all.push(RoleChoice {
            value: "owner",
            label: "admin.users.role.owner",
        });
    }
    all
}

/// The message key of a stored role's name.
pub fn role_label(role: &str) -> &'static str {
    match role {
        "owner" => "admin.users.role.owner",
        "admin" => "admin.users.role.admin",
        "auditor" => "admin.users.role.auditor",
        _ => "admin.users.role.member",
    }
}

/// A posted role (`""`: member); `None` when it is no role.
pub fn role(raw: &str) -> Option<Role> {
    match raw {
        "" => Some(Role::Member),
        other => other.parse().ok(),
    }
}

/// A posted organization id (`""`: none chosen).
pub fn organization(raw: &str) -> Option<OrganizationId> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| OrganizationId::from(raw.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_first_message_of_a_field() {
        let mut errors = FieldErrors::default();
        assert!(errors.is_empty());
        errors.add("email", "one");
        errors.add("email", "two");
        assert_eq!(errors.get("email"), Some("one"));
        assert_eq!(errors.get("name"), None);
    }

    #[test]
    fn roles_and_their_names() {
        assert_eq!(roles(false).len(), 3);
        assert!(roles(true).iter().any(|r| r.value == "owner"));
        for r in roles(true) {
            assert_eq!(role(r.value).map(Role::as_str), Some(r.value));
            assert_eq!(role_label(r.value), r.label);
            for t in [
                crate::i18n::Tr::new(crate::i18n::Locale::En),
                crate::i18n::Tr::new(crate::i18n::Locale::De),
            ] {
                assert!(t.try_text(r.label).is_some(), "{}", r.label);
            }
        }
        assert_eq!(role(""), Some(Role::Member));
        assert_eq!(role("king"), None);
        assert_eq!(organization("  "), None);
    }
}
