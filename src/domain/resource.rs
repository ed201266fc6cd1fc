//! Resource indicators (RFC 8707) and browser origins a client registers:
//! validated once when an admin registers them (SR-02, SR-06, SR-38).

/// An audience / `resource` value: an absolute URI without a fragment
/// (RFC 8707 §2), https or loopback http, no wildcards.
pub fn validate_resource(uri: &str) -> Result<(), String> {
    if uri.contains('*') || uri.contains('#') {
        return Err(format!("{uri:?}: an audience has no wildcard or fragment"));
    }
    let parsed =
        url::Url::parse(uri).map_err(|e| format!("{uri:?} is not an absolute URI ({e})"))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) => Ok(()),
        _ => Err(format!(
            "{uri:?}: an audience must be an https URI (http only for loopback)"
        )),
    }
}

/// A browser origin allowed to call the token endpoints: `scheme://host`
/// with an optional port and nothing else, https or loopback http.
pub fn validate_origin(origin: &str) -> Result<(), String> {
    let parsed =
        url::Url::parse(origin).map_err(|e| format!("{origin:?} is not an origin ({e})"))?;
    let serialized = parsed.origin().ascii_serialization();
    if serialized != origin {
        return Err(format!(
            "{origin:?} is not an origin: write it as scheme://host[:port] without a path (e.g. {serialized})"
        ));
    }
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")) => Ok(()),
        _ => Err(format!(
            "{origin:?}: an allowed origin must be https (http only for loopback)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_and_origins() {
        assert!(validate_resource("https://api.example.com/").is_ok());
        assert!(validate_resource("https://api.example.com/orders").is_ok());
        assert!(validate_resource("http://localhost:9000").is_ok());
        for bad in [
            "api",
            "http://api.example.com",
            "https://api.example.com/#x",
            "https://*.example.com",
        ] {
            assert!(validate_resource(bad).is_err(), "{bad}");
        }
        assert!(validate_origin("https://app.example.com").is_ok());
        assert!(validate_origin("http://127.0.0.1:5173").is_ok());
        for bad in [
            "https://app.example.com/",
            "https://app.example.com/path",
            "http://app.example.com",
            "*",
            "null",
        ] {
            assert!(validate_origin(bad).is_err(), "{bad}");
        }
    }
}
