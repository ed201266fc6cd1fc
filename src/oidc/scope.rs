//! Scopes: parsing (RFC 6749 §3.3) and the rule that granted scopes are a
//! subset of what the client may request (SR-37).

use super::error::OAuthError;

/// Split a scope string into distinct scope tokens, in order.
pub fn parse(scope: &str) -> Result<Vec<String>, OAuthError> {
    if scope.len() > 2048 {
        return Err(OAuthError::invalid_scope("scope is too long"));
    }
    let mut out: Vec<String> = Vec::new();
    for token in scope.split(' ').filter(|s| !s.is_empty()) {
        // NQCHAR = %x21 / %x23-5B / %x5D-7E
        if !token
            .bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b))
        {
            return Err(OAuthError::invalid_scope(
                "scope contains invalid characters",
            ));
        }
        if !out.iter().any(|s| s == token) {
            out.push(token.to_owned());
        }
    }
    Ok(out)
}

/// Space-joined form.
pub fn join(scopes: &[String]) -> String {
    scopes.join(" ")
}

/// Every requested scope must be allowed for the client.
pub fn check_allowed(requested: &[String], allowed: &[String]) -> Result<(), OAuthError> {
    match requested.iter().find(|s| !allowed.contains(s)) {
        Some(s) => Err(OAuthError::invalid_scope(format!(
            "scope {s:?} is not allowed for this client"
        ))),
        None => Ok(()),
    }
}

/// Whether `scopes` contains `name`.
pub fn has(scopes: &[String], name: &str) -> bool {
    scopes.iter().any(|s| s == name)
}

/// Whether the space-separated `scope` (as stored) names `name`.
pub fn names(scope: &str, name: &str) -> bool {
    scope.split(' ').any(|s| s == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks() {
        let s = parse("openid  email openid").unwrap();
        assert_eq!(s, vec!["openid", "email"]);
        assert!(parse("bad\"scope").is_err());
        assert!(check_allowed(&s, &["openid".into(), "email".into()]).is_ok());
        assert_eq!(
            check_allowed(&s, &["openid".into()]).unwrap_err().error,
            crate::oidc::error::ErrorCode::InvalidScope
        );
    }
}
