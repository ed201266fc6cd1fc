//! Passwords as secrets: redacted `Debug`, zeroized on drop, NFKC-normalized
//! before hashing, length rules from NIST 800-63B (SR-80).

use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

/// Input longer than this is refused before any hashing (SR-80).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Shorter personal words (e.g. a local part like "al") are not looked for:
/// they would match too many ordinary words.
const MIN_PERSONAL_CHARS: usize = 4;

/// Why a new password is refused; [`Refusal::key`] names the sentence in
/// the message catalogue (`{}` is [`Refusal::arg`]), `Display` is English
/// (the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    TooLong,
    TooShort(usize),
    Control,
    /// A common, breached or easily guessed password.
    Common,
    /// Contains the email's local part, the product or organization name.
    Personal,
}

impl Refusal {
    pub fn key(self) -> &'static str {
        match self {
            Self::TooLong => "password.too_long",
            Self::TooShort(_) => "password.too_short",
            Self::Control => "password.control",
            Self::Common => "password.common",
            Self::Personal => "password.personal",
        }
    }

    /// The number in the sentence, if any.
    pub fn arg(self) -> usize {
        match self {
            Self::TooLong => MAX_PASSWORD_BYTES,
            Self::TooShort(n) => n,
            _ => 0,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLong => write!(f, "Passwords can be at most {MAX_PASSWORD_BYTES} bytes long."),
            Self::TooShort(n) => write!(f, "Choose a password of at least {n} characters."),
            Self::Control => f.write_str("Passwords cannot contain control characters."),
            Self::Common => f.write_str(
                "This password is too common or easy to guess. A passphrase of several unrelated words works well.",
            ),
            Self::Personal => f.write_str(
                "Do not build the password on your email address or the name of this service or organization.",
            ),
        }
    }
}

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

    /// Rules for a new password (SR-80, SR-81): length, no control
    /// characters, not a common or easily guessed password (the zxcvbn
    /// estimator and its dictionaries of common passwords, names and words,
    /// shipped in the binary), and not built on `personal` words (the
    /// email's local part, the product or organization name). No
    /// composition rules; any printable Unicode, spaces allowed.
    pub fn check_new(&self, min_chars: usize, personal: &[&str]) -> Result<(), Refusal> {
        if self.too_long() {
            return Err(Refusal::TooLong);
        }
        let normalized = self.normalized();
        if normalized.chars().count() < min_chars {
            return Err(Refusal::TooShort(min_chars));
        }
        if self.0.chars().any(char::is_control) {
            return Err(Refusal::Control);
        }
        let lower = normalized.to_lowercase();
        let words: Vec<String> = personal
            .iter()
            .map(|w| w.trim().to_lowercase())
            .filter(|w| w.chars().count() >= MIN_PERSONAL_CHARS)
            .collect();
        if words.iter().any(|w| lower.contains(w.as_str())) {
            return Err(Refusal::Personal);
        }
        let inputs: Vec<&str> = words.iter().map(String::as_str).collect();
        if zxcvbn::zxcvbn(&normalized, &inputs).score() < zxcvbn::Score::Three {
            return Err(Refusal::Common);
        }
        Ok(())
    }

    /// Compare with another typed password (confirmation field).
    pub fn matches(&self, other: &Password) -> bool {
        use subtle::ConstantTimeEq;
        self.0.len() == other.0.len() && bool::from(self.0.as_bytes().ct_eq(other.0.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert_eq!(
            Password::new("short".into()).check_new(15, &[]),
            Err(Refusal::TooShort(15))
        );
        assert!(
            Password::new("a long passphrase with spaces".into())
                .check_new(15, &[])
                .is_ok()
        );
        assert_eq!(
            Password::new("x".repeat(1025)).check_new(15, &[]),
            Err(Refusal::TooLong)
        );
    }

    #[test]
    fn common_and_personal_passwords_are_refused() {
        // SR-81: breached/common lists and guessable patterns…
        for common in [
            "passwordpassword",
            "aaaaaaaaaaaaaaaaaaaa",
            "1234567890123456",
            "qwertyuiopasdfghjkl",
            "iloveyouiloveyou",
        ] {
            assert_eq!(
                Password::new(common.into()).check_new(15, &[]),
                Err(Refusal::Common),
                "{common}"
            );
        }
        // …and the user's own words.
        let personal = ["margaret", "ostiary", "Acme Corp"];
        for mine in [
            "margaret-likes-long-walks",
            "my Ostiary passphrase 2026",
            "ACME CORP secret words here",
        ] {
            assert_eq!(
                Password::new(mine.into()).check_new(15, &personal),
                Err(Refusal::Personal),
                "{mine}"
            );
        }
        assert!(
            Password::new("correct horse battery staple".into())
                .check_new(15, &personal)
                .is_ok()
        );
    }
}
