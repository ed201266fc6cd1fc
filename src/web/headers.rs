//! Security headers on every response (S4, SR-72…SR-74).

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// No inline script or style, no framing, forms only to ourselves.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The policy of a page whose forms may end at an application: Chromium
/// applies `form-action` to every redirect that follows a form submission,
/// so the one origin the flow may lead to (the verified `redirect_uri` or
/// `post_logout_redirect_uri`) is named, never a wildcard (SR-73).
/// `image` adds the origin of the application's logo to `img-src`.
pub fn csp_for(form_target: Option<&str>, image: Option<&str>) -> String {
    let mut csp = CSP.to_owned();
    if let Some(target) = form_target.filter(|t| is_source(t)) {
        csp = csp.replace(
            "form-action 'self'",
            &format!("form-action 'self' {target}"),
        );
    }
    if let Some(image) = image.filter(|i| is_source(i)) {
        csp = csp.replace(
            "img-src 'self' data:",
            &format!("img-src 'self' data: {image}"),
        );
    }
    csp
}

/// The `form_post` page: its one form may only go to `target`.
pub fn csp_form_post(target: &str) -> String {
    CSP.replace("form-action 'self'", &format!("form-action {target}"))
}

/// A source expression we built ourselves: no spaces, quotes, semicolons
/// or commas can smuggle in another directive.
fn is_source(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b';' | b',' | b'\'' | b'"'))
}

/// The CSP source for the origin of `uri` (`https://rp.example:8443`), or
/// `scheme:` for a native app's private-use scheme; `None` when the URI
/// has neither.
pub fn origin_source(uri: &str) -> Option<String> {
    let url = url::Url::parse(uri).ok()?;
    let origin = url.origin();
    if origin.is_tuple() {
        Some(origin.ascii_serialization())
    } else if url
        .scheme()
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        Some(format!("{}:", url.scheme()))
    } else {
        None
    }
}

/// Add the security headers; `Cache-Control: no-store` unless the handler
/// chose a policy (static assets do).
pub fn apply(headers: &mut HeaderMap, https: bool) {
    let fixed: [(HeaderName, &'static str); 6] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ];
    for (name, value) in fixed {
        // A handler may set its own CSP (the form_post page adds the
        // client's origin to `form-action`).
        if name == header::CONTENT_SECURITY_POLICY && headers.contains_key(&name) {
            continue;
        }
        headers.insert(name, HeaderValue::from_static(value));
    }
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_source_is_the_origin() {
        assert_eq!(
            origin_source("https://rp.example/cb?x=1").as_deref(),
            Some("https://rp.example")
        );
        assert_eq!(
            origin_source("http://127.0.0.1:8080/cb").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin_source("com.example.app:/cb").as_deref(),
            Some("com.example.app:")
        );
    }

    #[test]
    fn a_page_names_only_its_application_origin() {
        // SR-73: strict by default, one extra origin when a flow needs it.
        let csp = csp_for(Some("https://rp.example"), None);
        assert!(csp.ends_with("form-action 'self' https://rp.example"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(csp_for(None, None), CSP);
        // Nothing can be smuggled in.
        assert_eq!(csp_for(Some("https://a; script-src *"), None), CSP);
        let csp = csp_for(None, Some("https://cdn.example"));
        assert!(csp.contains("img-src 'self' data: https://cdn.example;"));
        assert!(csp_form_post("https://rp.example").ends_with("form-action https://rp.example"));
    }
}
