//! Hosted browser pages. Each handler follows the same steps: principal →
//! validate (CSRF first for POSTs) → one domain call → audit (inside that
//! call) → respond.

pub mod account;
pub mod account_providers;
pub mod app_context;
pub mod authorize;
pub mod branding;
pub mod change_email;
pub mod change_password;
pub mod consent;
pub mod delete_account;
pub mod device;
pub mod directory_login;
pub mod email_login;
pub mod end_session;
pub mod federated;
pub mod home;
pub mod invitation;
pub mod login;
pub mod logout;
pub mod mfa;
pub mod mfa_enroll;
pub mod mfa_pages;
pub mod pages;
pub mod passkeys;
pub mod password_reset;
#[cfg(feature = "saml")]
pub mod saml;
pub mod security;
pub mod select_account;
pub mod setup;
pub mod verify_email;

/// A relative, same-origin path for post-login redirects (SR-04); anything
/// else falls back to the account page. Non-ASCII characters are
/// percent-encoded, so the result is always a valid `Location` value.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    match candidate {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && p.len() <= 8192
                && !p.chars().any(|c| c.is_control() || c == '\\') =>
        {
            let mut out = String::with_capacity(p.len());
            for c in p.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else {
                    let mut buf = [0u8; 4];
                    for b in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("%{b:02X}"));
                    }
                }
            }
            out
        }
        _ => "/account".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_return_to;

    #[test]
    fn only_local_paths_are_followed() {
        // SR-04: no open redirector.
        assert_eq!(safe_return_to(Some("/account?x=1")), "/account?x=1");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/a\nb",
        ] {
            assert_eq!(safe_return_to(Some(bad)), "/account", "{bad:?}");
        }
        assert_eq!(safe_return_to(None), "/account");
        // Issue 10: non-ASCII is percent-encoded for the Location header.
        assert_eq!(safe_return_to(Some("/account?x=ü")), "/account?x=%C3%BC");
    }
}
