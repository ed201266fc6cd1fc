//! [`Secret`]: a setting that never prints (`{:?}` and `{}` show `[redacted]`)
//! and is wiped from memory when dropped.

use std::fmt;

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// What a secret prints as.
const REDACTED: &str = "[redacted]";

/// A secret setting such as `database_url`, `setup_token`, `smtp_url` or
/// `mail.password`. Debug and Display print `[redacted]`, so a logged or
/// printed `Config` never shows it; [`Secret::expose`] is the one way
/// to the value. Serialized and deserialized as a plain string (figment
/// needs both), so TOML files and environment variables are unchanged.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The value, for the one place that uses it (a connection, a
    /// comparison). Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is the empty string.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let secret = Secret::from("hunter2-correct-horse");
        for shown in [
            format!("{secret:?}"),
            format!("{secret:#?}"),
            format!("{secret}"),
            format!("{:?}", Some(&secret)),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains(REDACTED), "{shown}");
        }
        assert_eq!(secret.expose(), "hunter2-correct-horse");
        assert_eq!(Secret::from(String::from("x")).expose(), "x");
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let secret: Secret = serde_json::from_str("\"s3cret\"").unwrap();
        assert_eq!(secret.expose(), "s3cret");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"s3cret\"");
        assert!(!secret.is_empty());
        assert!(Secret::default().is_empty());
    }
}
