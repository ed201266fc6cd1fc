//! Redirect URIs: validated when a client is registered (SR-02) and compared
//! exactly when used (SR-01; loopback http may vary the port, RFC 8252 §7.3).

/// Check a URI an admin registers as redirect, post-logout or back-channel
/// logout target. The error is a sentence naming the problem.
pub fn validate(uri: &str) -> Result<(), String> {
    if uri.contains('*') {
        return Err(format!("{uri:?}: wildcards are not allowed"));
    }
    let parsed =
        url::Url::parse(uri).map_err(|e| format!("{uri:?} is not an absolute URI ({e})"))?;
    if parsed.fragment().is_some() || uri.contains('#') {
        return Err(format!("{uri:?}: a fragment is not allowed"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(format!("{uri:?}: credentials in the URI are not allowed"));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&parsed) => Ok(()),
        "http" => Err(format!(
            "{uri:?}: plain http is allowed only for loopback (127.0.0.1, [::1], localhost)"
        )),
        "javascript" | "data" | "vbscript" | "file" | "blob" | "about" => Err(format!(
            "{uri:?}: the {} scheme is not allowed",
            parsed.scheme()
        )),
        // Private-use schemes of native apps are reverse domain names (RFC 8252 §7.1).
        scheme if scheme.contains('.') => Ok(()),
        scheme => Err(format!(
            "{uri:?}: scheme {scheme:?} is not allowed (use https, loopback http or a reverse-domain app scheme)"
        )),
    }
}

/// Check a web page URI an admin registers for users to see or follow
/// (logo, privacy policy, terms of service): as [`validate`], and https or
/// loopback http only (SR-02).
pub fn validate_web(uri: &str) -> Result<(), String> {
    validate(uri)?;
    match url::Url::parse(uri) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(()),
        _ => Err(format!("{uri:?}: use an https address")),
    }
}

fn is_loopback(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("127.0.0.1" | "[::1]" | "localhost"))
}

/// Whether `presented` matches a registered URI: exact string equality, or
/// for `http://127.0.0.1` / `http://[::1]` the same URI with any port.
pub fn matches(registered: &[String], presented: &str) -> bool {
    if registered.iter().any(|r| r == presented) {
        return true;
    }
    let Ok(p) = url::Url::parse(presented) else {
        return false;
    };
    if p.scheme() != "http" || !matches!(p.host_str(), Some("127.0.0.1" | "[::1]")) {
        return false;
    }
    registered.iter().any(|r| {
        url::Url::parse(r).is_ok_and(|r| {
            r.scheme() == "http"
                && r.host_str() == p.host_str()
                && r.path() == p.path()
                && r.query() == p.query()
                && r.fragment().is_none()
                && p.fragment().is_none()
                // Compare the raw strings apart from the port, to stay exact.
                && strip_port(r.as_str()) == strip_port(presented)
        })
    })
}

fn strip_port(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(mut u) => {
            let _ = u.set_port(None);
            u.to_string()
        }
        Err(_) => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_rules() {
        // SR-02
        for ok in [
            "https://app.example.com/cb",
            "http://127.0.0.1:8000/cb",
            "http://localhost/cb",
            "com.example.app:/oauth",
        ] {
            assert!(validate(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://app.example.com/cb",
            "https://app.example.com/cb#x",
            "https://*.example.com/cb",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "/relative",
            "https://user:pw@app.example.com/cb",
            "myapp:/cb",
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching_is_exact() {
        // SR-01
        let reg = vec![
            "https://app.example.com/cb".to_owned(),
            "http://127.0.0.1:1234/cb".to_owned(),
        ];
        assert!(matches(&reg, "https://app.example.com/cb"));
        for bad in [
            "https://APP.example.com/cb",
            "https://app.example.com/cb/",
            "https://app.example.com/cb?x=1",
            "https://app.example.com/cb#f",
            "https://app.example.com/cbx",
            "https://app.example.com:443/cb",
            "http://app.example.com/cb",
        ] {
            assert!(!matches(&reg, bad), "{bad}");
        }
        // Loopback: any port, nothing else may differ.
        assert!(matches(&reg, "http://127.0.0.1:50000/cb"));
        assert!(!matches(&reg, "http://127.0.0.1:50000/cb2"));
        assert!(!matches(&reg, "http://localhost:1234/cb"));
    }

    #[test]
    fn pages_users_follow_are_https() {
        // SR-02: logo, policy and terms URIs.
        assert!(validate_web("https://acme.example/privacy").is_ok());
        assert!(validate_web("http://localhost:3000/terms").is_ok());
        for bad in [
            "http://acme.example/privacy",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "com.acme.app:/terms",
            "https://acme.example/*",
            "https://acme.example/p#frag",
        ] {
            assert!(validate_web(bad).is_err(), "{bad}");
        }
    }
}
