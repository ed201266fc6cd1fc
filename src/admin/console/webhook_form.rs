//! The webhook form of the console (S9) as posted — name, URL, owning
//! organization, event patterns (checked groups such as `user.*`, or `*`,
//! plus specific actions typed in), enabled — and the groups it offers.
//! It only gathers what was typed: the rules are the service's
//! (`webhooks::spec` through `webhooks::admin`), the same as the API's.

use serde::Deserialize;

use crate::audit::Action;
use crate::auth::guard::CsrfField;

/// Most patterns read from one form (the service allows 50).
const MAX_READ: usize = 64;

/// The form as posted (`event` repeats, one per checked group).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(from = "Vec<(String, String)>")]
pub struct WebhookForm {
    pub csrf_token: String,
    pub name: String,
    pub url: String,
    pub organization_id: String,
    /// The checked groups (`user.*`) or `*`.
    pub groups: Vec<String>,
    /// Further patterns, separated by spaces, commas or lines.
    pub other: String,
    pub enabled: bool,
}

impl From<Vec<(String, String)>> for WebhookForm {
    fn from(pairs: Vec<(String, String)>) -> Self {
        let mut form = Self::default();
        for (key, value) in pairs {
            match key.as_str() {
                "csrf_token" => form.csrf_token = value,
                "name" => form.name = value,
                "url" => form.url = value,
                "organization_id" => form.organization_id = value,
                "event" if form.groups.len() < MAX_READ => form.groups.push(value),
                "other_events" => form.other = value,
                "enabled" => form.enabled = !value.is_empty(),
                _ => {}
            }
        }
        form
    }
}

impl CsrfField for WebhookForm {
    fn csrf_token(&self) -> &str {
        &self.csrf_token
    }
}

impl WebhookForm {
    /// A form showing `events` (groups checked, the rest typed in).
    pub fn of(name: &str, url: &str, events: &[String], enabled: bool) -> Self {
        let groups = groups();
        let (checked, other): (Vec<String>, Vec<String>) = events
            .iter()
            .cloned()
            .partition(|e| e == "*" || groups.iter().any(|g| g == e));
        Self {
            name: name.to_owned(),
            url: url.to_owned(),
            groups: checked,
            other: other.join(" "),
            enabled,
            ..Self::default()
        }
    }

    /// The event patterns asked for: checked groups, then those typed.
    pub fn events(&self) -> Vec<String> {
        self.groups
            .iter()
            .map(|g| g.trim().to_owned())
            .chain(
                self.other
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|p| !p.is_empty())
                    .take(MAX_READ)
                    .map(str::to_owned),
            )
            .filter(|p| !p.is_empty())
            .collect()
    }

    /// Whether the group (or `*`) is checked.
    pub fn has(&self, pattern: &str) -> bool {
        self.groups.iter().any(|g| g == pattern)
    }

    /// The organization chosen (none: global, or the caller's only one).
    pub fn organization(&self) -> Option<String> {
        let org = self.organization_id.trim();
        (!org.is_empty()).then(|| org.to_owned())
    }
}

/// The event groups offered: `prefix.*` of every audit action's prefix,
/// in alphabetical order.
pub fn groups() -> Vec<String> {
    let mut out: Vec<String> = Action::ALL
        .iter()
        .filter_map(|a| a.as_str().split_once('.').map(|(p, _)| format!("{p}.*")))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The console's message for a field the service refused (never the
/// service's own words: the page shows catalogue text only).
pub fn error_key(field: &str) -> &'static str {
    match field {
        "name" => "admin.webhooks.error.name",
        "url" => "admin.webhooks.error.url",
        "events" => "admin.webhooks.error.events",
        "organization_id" => "admin.webhooks.error.organization",
        _ => "admin.error.invalid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> WebhookForm {
        WebhookForm::from(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn groups_and_typed_patterns_make_the_events() {
        let f = form(&[
            ("event", "user.*"),
            ("event", "client.*"),
            ("other_events", " login.failure,\r\nmfa.enrolled  "),
            ("enabled", "1"),
        ]);
        assert_eq!(
            f.events(),
            ["user.*", "client.*", "login.failure", "mfa.enrolled"]
        );
        assert!(f.enabled && f.has("user.*") && !f.has("*"));
        assert!(form(&[]).events().is_empty());
    }

    #[test]
    fn every_group_is_a_known_prefix_and_shown_back() {
        let all = groups();
        assert!(all.contains(&"user.*".to_owned()));
        assert!(all.contains(&"webhook.*".to_owned()));
        assert!(crate::webhooks::spec::events(&all).is_ok());
        let f = WebhookForm::of(
            "n",
            "https://e.com",
            &["*".into(), "user.*".into(), "login.failure".into()],
            true,
        );
        assert!(f.has("*") && f.has("user.*"));
        assert_eq!(f.other, "login.failure");
    }
}
