//! Passwords as secrets: redacted `Debug`, zeroized on drop, NFKC-normalized
//! before hashing, length rules from NIST 800-63B (SR-80).

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Input longer than this is refused before any hashing (SR-80).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// A password as typed.
pub struct Password(Zeroizing<String>);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl Password {
    pub fn new(raw: String) -> Self {
        Self(Zeroizing::new(raw))
    }

    /// The NFKC form that is hashed and verified.
    pub fn normalized(&self) -> Zeroizing<String> {
        Zeroizing::new(self.0.nfkc().collect())
    }

    /// Whether the input exceeds the byte cap (then it is never hashed).
    pub fn too_long(&self) -> bool {
        self.0.len() > MAX_PASSWORD_BYTES
    }

    /// Rules for a new password; the error is a sentence for the user.
    /// No composition rules, any printable Unicode, spaces allowed.
    pub fn check_new(&self, min_chars: usize) -> Result<(), String> {
        if self.too_long() {
            return Err(format!(
                "Passwords can be at most {MAX_PASSWORD_BYTES} bytes long."
            ));
        }
        let chars = self.normalized().chars().count();
        if chars < min_chars {
            return Err(format!(
                "Choose a password of at least {min_chars} characters."
            ));
        }
        if self.0.chars().any(char::is_control) {
            return Err("Passwords cannot contain control characters.".into());
        }
        Ok(())
    }

    /// Compare with another typed password (confirmation field).
    pub fn matches(&self, other: &Password) -> bool {
        crate::crypto::token::constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert!(Password::new("short".into()).check_new(15).is_err());
        assert!(
            Password::new("a long passphrase with spaces".into())
                .check_new(15)
                .is_ok()
        );
        assert!(Password::new("x".repeat(1025)).check_new(15).is_err());
        assert!(Password::new("x".repeat(64)).check_new(15).is_ok());
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Password::new("secret".into())),
            "Password(***)"
        );
    }
}
