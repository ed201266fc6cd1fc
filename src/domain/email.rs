//! Email addresses, stored normalized: trimmed and lowercased (S2).

use std::fmt;

/// A syntactically plausible, normalized email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Longest address accepted (RFC 5321 path limit).
const MAX_LEN: usize = 254;

impl Email {
    /// Normalize and check `raw`; the error is a sentence for the user.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err("Enter an email address.".into());
        }
        if email.len() > MAX_LEN {
            return Err("That email address is too long.".into());
        }
        let Some((local, domain)) = email.rsplit_once('@') else {
            return Err("Enter an email address such as name@example.com.".into());
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !email.chars().any(|c| {
                c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"')
            })
            && !local.contains('@');
        if !valid {
            return Err("Enter an email address such as name@example.com.".into());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_and_whitespace() {
        assert_eq!(
            Email::parse("  Alice@Example.COM ").unwrap().as_str(),
            "alice@example.com"
        );
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "",
            "alice",
            "@example.com",
            "alice@",
            "a b@example.com",
            "a@b@c",
            "a@.com",
            "a@x..y",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }
}
