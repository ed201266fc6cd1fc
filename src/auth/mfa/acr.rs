//! Authentication context classes: what an ID token's `acr` says and what
//! a client may ask for with `acr_values`. Derived only from the session's
//! `amr` (RFC 8176 values), so it reflects what really happened.

/// One factor (password, or an email code on its own).
pub const SINGLE_FACTOR: &str = "urn:ostiary:acr:1fa";
/// Two or more factors (password + TOTP/backup code/passkey, or a passkey
/// with user verification).
pub const MULTI_FACTOR: &str = "urn:ostiary:acr:mfa";
/// The OpenID PAPE multi-factor URI, accepted as a synonym in `acr_values`.
pub const PAPE_MULTI_FACTOR: &str = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

/// Values listed in discovery (`acr_values_supported`).
pub const SUPPORTED: [&str; 2] = [SINGLE_FACTOR, MULTI_FACTOR];

/// Whether the methods include more than one factor.
pub fn is_multi_factor<S: AsRef<str>>(amr: &[S]) -> bool {
    amr.iter().any(|m| m.as_ref() == "mfa")
}

/// The `acr` for a session with these methods.
pub fn for_amr<S: AsRef<str>>(amr: &[S]) -> &'static str {
    if is_multi_factor(amr) {
        MULTI_FACTOR
    } else {
        SINGLE_FACTOR
    }
}

/// Whether `acr_values` (space-separated, in preference order) asks for
/// multi-factor authentication: every listed value we know is a
/// multi-factor one. Unknown values alone ask for nothing (OIDC Core
/// 3.1.2.1: acr_values is voluntary unless requested as essential).
pub fn requests_multi_factor(acr_values: &[String]) -> bool {
    let known: Vec<&str> = acr_values
        .iter()
        .map(String::as_str)
        .filter(|v| [SINGLE_FACTOR, MULTI_FACTOR, PAPE_MULTI_FACTOR].contains(v))
        .collect();
    !known.is_empty() && known.iter().all(|v| *v != SINGLE_FACTOR)
}

/// The methods of a login completed by a second factor: the first
/// factor's `amr`, the second factor's, and `mfa` — a second step is a
/// different factor by construction (an emailed code then an authenticator
/// code are both `otp`, yet two factors).
pub fn with_second_factor(amr: &[String], second: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = amr
        .iter()
        .filter(|m| m.as_str() != "mfa")
        .cloned()
        .collect();
    for m in second {
        if !out.iter().any(|x| x == m) {
            out.push((*m).to_owned());
        }
    }
    out.push("mfa".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acr_follows_amr() {
        assert_eq!(for_amr(&["pwd"]), SINGLE_FACTOR);
        assert_eq!(for_amr(&["pwd", "otp", "mfa"]), MULTI_FACTOR);
        assert_eq!(
            with_second_factor(&["pwd".into()], &["otp"]),
            vec!["pwd", "otp", "mfa"]
        );
        // An emailed code, then an authenticator code: two factors.
        assert_eq!(
            with_second_factor(&["otp".into()], &["otp"]),
            vec!["otp", "mfa"]
        );
        assert_eq!(
            with_second_factor(
                &["pwd".into(), "otp".into(), "mfa".into()],
                &["swk", "user"]
            ),
            vec!["pwd", "otp", "swk", "user", "mfa"]
        );
    }

    #[test]
    fn acr_values_ask_for_mfa_only_when_every_known_value_is_mfa() {
        let v = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        assert!(requests_multi_factor(&v(&[MULTI_FACTOR])));
        assert!(requests_multi_factor(&v(&[PAPE_MULTI_FACTOR, "other"])));
        assert!(!requests_multi_factor(&v(&[MULTI_FACTOR, SINGLE_FACTOR])));
        assert!(!requests_multi_factor(&v(&["other"])));
        assert!(!requests_multi_factor(&[]));
    }
}
