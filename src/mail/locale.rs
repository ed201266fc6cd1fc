//! The language of a message: English or German, chosen from the
//! `Accept-Language` of the request that triggered it (highest q wins,
//! English when nothing matches).

use actix_web::HttpRequest;

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    De,
}

impl Locale {
    /// BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    /// From a request's `Accept-Language` header.
    pub fn from_request(req: &HttpRequest) -> Self {
        req.headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .map(Self::from_accept_language)
            .unwrap_or_default()
    }

    /// Pick from an `Accept-Language` value such as `de-CH, en;q=0.5`.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for item in header.split(',').take(20) {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or_default();
            let locale = match primary {
                "en" => Self::En,
                "de" => Self::De,
                _ => continue,
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_preferred_supported_language() {
        assert_eq!(Locale::from_accept_language("de-CH, en;q=0.5"), Locale::De);
        assert_eq!(
            Locale::from_accept_language("fr, en;q=0.8, de;q=0.7"),
            Locale::En
        );
        assert_eq!(Locale::from_accept_language("fr"), Locale::En);
        assert_eq!(Locale::from_accept_language("de;q=0"), Locale::En);
        assert_eq!(Locale::from_accept_language(""), Locale::En);
    }
}
