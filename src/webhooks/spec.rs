//! What a webhook subscription may say: a name (1..=100 characters), an
//! https URL (≤ 2048 characters; no credentials or fragment; no loopback,
//! private or link-local target unless `oidc.allow_private_targets`, S3)
//! and 1..=50 event patterns — an action name, `prefix.*` or `*`. Values
//! outside the bounds the API document states are malformed (400); values
//! within them that a rule refuses are refused (422), the field named.

use std::net::IpAddr;

use url::{Host, Url};

use crate::audit::Action;
use crate::federation::upstream_url::is_private;

pub const MAX_URL: usize = 2048;
pub const MAX_NAME: usize = 100;
pub const MAX_PATTERNS: usize = 50;

/// A refused value: the field, why, and whether it is well-formed but
/// refused by a rule (422) rather than malformed (400).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
    pub refused: bool,
}

/// Outside the bounds the API document states (400).
fn malformed(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        field,
        message: message.into(),
        refused: false,
    }
}

/// Within those bounds, but refused by a rule no schema expresses (422).
fn refused(field: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        field,
        message: message.into(),
        refused: true,
    }
}

/// A checked name.
pub fn name(raw: &str) -> Result<String, Invalid> {
    if raw.is_empty() || raw.chars().count() > MAX_NAME {
        return Err(malformed("name", "must be 1 to 100 characters"));
    }
    let name = raw.trim();
    if name.is_empty() {
        return Err(refused("name", "must not be blank"));
    }
    if name.chars().any(char::is_control) {
        return Err(refused("name", "must not contain control characters"));
    }
    Ok(name.to_owned())
}

/// A checked target URL.
pub fn url(raw: &str, allow_private: bool) -> Result<String, Invalid> {
    if raw.is_empty() || raw.chars().count() > MAX_URL {
        return Err(malformed("url", "must be 1 to 2048 characters"));
    }
    let url = Url::parse(raw).map_err(|_| refused("url", "not an absolute URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(refused("url", "must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("url", "must not contain credentials"));
    }
    if url.fragment().is_some() {
        return Err(refused("url", "must not have a fragment"));
    }
    let private = match url.host() {
        None => return Err(refused("url", "has no host")),
        Some(Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if private && !allow_private {
        return Err(refused("url", "points at a loopback or private address"));
    }
    Ok(url.to_string())
}

/// Whether `pattern` is an action name, `prefix.*` of some action, or `*`.
fn known(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    match pattern.strip_suffix(".*") {
        Some(prefix) => Action::ALL
            .iter()
            .any(|a| a.as_str().split_once('.').is_some_and(|(p, _)| p == prefix)),
        None => Action::ALL.iter().any(|a| a.as_str() == pattern),
    }
}

/// Checked event patterns, without duplicates, in the order given.
pub fn events(raw: &[String]) -> Result<Vec<String>, Invalid> {
    if raw.is_empty() || raw.len() > MAX_PATTERNS {
        return Err(malformed("events", "give 1 to 50 event patterns"));
    }
    let mut out: Vec<String> = Vec::new();
    for p in raw {
        let p = p.trim();
        if !known(p) {
            return Err(refused(
                "events",
                format!(
                    "unknown event type {:?}: use an audit action such as user.created, a prefix such as user.*, or *",
                    p.chars().take(100).collect::<String>()
                ),
            ));
        }
        if !out.iter().any(|o| o == p) {
            out.push(p.to_owned());
        }
    }
    Ok(out)
}

/// Whether any of `patterns` covers the action `action`.
pub fn matches(patterns: &[String], action: &str) -> bool {
    patterns.iter().any(|p| {
        p == "*"
            || p == action
            || p.strip_suffix(".*").is_some_and(|prefix| {
                action
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_known_and_match_by_prefix() {
        let ok = events(&["user.*".into(), "client.created".into(), "*".into()]).unwrap();
        assert_eq!(ok.len(), 3);
        assert!(events(&["nope.*".into()]).is_err());
        assert!(events(&["user.creat".into()]).is_err());
        assert!(events(&[]).is_err());
        let user = vec!["user.*".to_owned()];
        assert!(matches(&user, "user.created"));
        assert!(!matches(&user, "userx.created"));
        assert!(!matches(&user, "client.created"));
        assert!(matches(&["*".to_owned()], "client.created"));
    }

    #[test]
    fn urls_are_https_and_public_unless_allowed() {
        assert!(url("https://hooks.example.com/in?t=1", false).is_ok());
        assert!(url("http://hooks.example.com/", false).unwrap_err().refused);
        assert!(!url("", false).unwrap_err().refused);
        assert!(url("https://127.0.0.1/x", false).unwrap_err().refused);
        assert!(url("https://localhost/x", false).unwrap_err().refused);
        assert!(url("http://127.0.0.1:9/x", true).is_ok());
        assert!(url(&format!("https://e.com/{}", "a".repeat(2048)), false).is_err());
    }
}
