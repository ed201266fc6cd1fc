//! The rule for URLs an admin gives a provider (issuer, authority, API and
//! web addresses): absolute https, no credentials, query or fragment, and —
//! unless `oidc.allow_private_targets` (development and tests) — no
//! loopback, private, link-local or unspecified address literal and no
//! `localhost` (S3, SR-114). With it set, http is allowed too. Addresses a
//! name resolves to are checked again when a call is made.

use std::net::IpAddr;

use url::{Host, Url};

/// Whether an address must not be reached from outside input.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                // 100.64.0.0/10, carrier-grade NAT
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xC0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
        }
    }
}

/// Check `raw` for the flag `flag`; the error names the flag and the rule.
pub fn check(flag: &str, raw: &str, allow_private: bool) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| format!("{flag}: not an absolute URL ({e})"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(format!("{flag}: must be an https URL")),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{flag}: must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{flag}: must not have a query or fragment"));
    }
    let private = match url.host() {
        None => return Err(format!("{flag}: has no host")),
        Some(Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
        Some(Host::Domain(name)) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    };
    if private && !allow_private {
        return Err(format!(
            "{flag}: points at a loopback or private address (set oidc.allow_private_targets for development)"
        ));
    }
    Ok(url)
}

/// The same rule for a URL an upstream handed us (a discovery document's
/// endpoint): https and no private address literal unless allowed, no
/// credentials. Queries are fine here (some endpoints carry them).
pub fn check_target(raw: &str, allow_private: bool) -> Result<(), String> {
    let url = Url::parse(raw).map_err(|e| format!("{raw}: not an absolute URL ({e})"))?;
    let scheme_ok = url.scheme() == "https" || (allow_private && url.scheme() == "http");
    if !scheme_ok {
        return Err(format!("{raw}: not https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(format!("{raw}: has credentials"));
    }
    let private = match url.host() {
        None => return Err(format!("{raw}: has no host")),
        Some(Host::Ipv4(ip)) => is_private(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => is_private(IpAddr::V6(ip)),
        Some(Host::Domain(_)) => false,
    };
    if private && !allow_private {
        return Err(format!("{raw}: a private address"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn only_public_https_urls_pass_by_default() {
        assert!(check("--issuer", "https://accounts.example.com", false).is_ok());
        for bad in [
            "http://accounts.example.com",
            "https://127.0.0.1/",
            "https://10.1.2.3",
            "https://169.254.169.254/latest",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[::ffff:192.168.0.1]/",
            "https://localhost:8443",
            "https://user:pw@example.com",
            "https://example.com/?a=b",
            "ftp://example.com",
            "not a url",
        ] {
            assert!(check("--issuer", bad, false).is_err(), "{bad}");
        }
        assert!(check("--issuer", "http://127.0.0.1:9000", true).is_ok());
        assert!(super::check_target("https://idp.example.com/token?x=1", false).is_ok());
        assert!(super::check_target("https://10.0.0.1/jwks", false).is_err());
        assert!(super::check_target("http://idp.example.com/jwks", false).is_err());
        assert!(super::check_target("http://10.0.0.1/jwks", true).is_ok());
        assert!(check("--issuer", "ftp://127.0.0.1", true).is_err());
    }
}
