//! What an admin-API caller may do (S8): `area:read` / `area:write` per
//! area, or `*` for all. Writing implies reading the same area.

use std::fmt;

/// The areas of the admin API.
pub const AREAS: [&str; 11] = [
    "users",
    "organizations",
    "clients",
    "providers",
    "policies",
    "keys",
    "sessions",
    "audit",
    "api-keys",
    "webhooks",
    "alerts",
];

/// One permission: an area and whether it may change things.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub area: &'static str,
    pub write: bool,
}

impl Scope {
    pub const fn read(area: &'static str) -> Self {
        Self { area, write: false }
    }
    pub const fn write(area: &'static str) -> Self {
        Self { area, write: true }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}",
            self.area,
            if self.write { "write" } else { "read" }
        )
    }
}

/// Check a scope as written (`users:read`, `*`); the canonical text or why
/// not. `audit` is read-only.
pub fn parse(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw == "*" {
        return Ok(raw.to_owned());
    }
    let known = raw.split_once(':').is_some_and(|(area, mode)| {
        AREAS.contains(&area) && (mode == "read" || (mode == "write" && area != "audit"))
    });
    if known {
        Ok(raw.to_owned())
    } else {
        Err(format!(
            "unknown scope {raw:?}: use AREA:read or AREA:write with AREA one of {}, or *",
            AREAS.join(", ")
        ))
    }
}

/// Every area's `read` scope: what an auditor holds.
pub fn read_only() -> Vec<String> {
    AREAS.iter().map(|a| Scope::read(a).to_string()).collect()
}

/// Whether the granted scopes cover the scope `wanted` as written (`*`
/// only by `*`; `area:read` also by `area:write`).
pub fn covers(granted: &[String], wanted: &str) -> bool {
    if granted.iter().any(|g| g == "*") {
        return true;
    }
    match wanted.split_once(':') {
        Some((area, "read")) => granted
            .iter()
            .any(|g| *g == wanted || *g == format!("{area}:write")),
        Some(_) => granted.iter().any(|g| g == wanted),
        None => false,
    }
}

/// Whether the granted scopes (as stored) allow `wanted`.
pub fn allows(granted: &[String], wanted: Scope) -> bool {
    granted.iter().any(|g| {
        g == "*"
            || *g == wanted.to_string()
            || (!wanted.write && *g == Scope::write(wanted.area).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_checked_and_write_implies_read() {
        assert_eq!(parse(" users:read ").unwrap(), "users:read");
        assert!(parse("audit:write").is_err());
        assert!(parse("users").is_err());
        assert!(parse("root:read").is_err());
        let granted = vec!["users:write".to_owned(), "audit:read".to_owned()];
        assert!(allows(&granted, Scope::read("users")));
        assert!(allows(&granted, Scope::write("users")));
        assert!(allows(&granted, Scope::read("audit")));
        assert!(!allows(&granted, Scope::read("clients")));
        assert!(allows(&["*".to_owned()], Scope::write("keys")));
        assert!(covers(&granted, "users:read") && covers(&granted, "users:write"));
        assert!(!covers(&granted, "*") && !covers(&granted, "clients:read"));
        assert!(covers(&["*".to_owned()], "*"));
        let auditor = read_only();
        assert!(allows(&auditor, Scope::read("audit")));
        assert!(allows(&auditor, Scope::read("api-keys")));
        assert!(!AREAS.iter().any(|a| allows(&auditor, Scope::write(a))));
    }
}
