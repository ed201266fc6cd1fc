//! The language of a page or message: English or German. Pages pick it from
//! `ui_locales` (on the request or inside its `return_to`), then
//! `Accept-Language` (highest q wins), then English. The language of the
//! request being served is available through a task-local set by the
//! request middleware.

use actix_web::HttpRequest;

tokio::task_local! {
    static CURRENT: Locale;
}

/// A supported language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    De,
}

/// Every supported language, in the order advertised (`ui_locales_supported`).
pub const SUPPORTED: [Locale; 2] = [Locale::En, Locale::De];

impl Locale {
    /// BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
        }
    }

    /// The supported language of a tag such as `de-CH`, by primary subtag.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            Some(Self::En)
        } else if primary.eq_ignore_ascii_case("de") {
            Some(Self::De)
        } else {
            None
        }
    }

    /// The first supported tag of a space-separated `ui_locales` value.
    pub fn from_ui_locales(value: &str) -> Option<Self> {
        value.split_whitespace().take(20).find_map(Self::from_tag)
    }

    /// `ui_locales` of a query string, directly or inside its `return_to`
    /// (a local `/authorize?…` URL).
    pub fn from_query(query: &str) -> Option<Self> {
        let mut nested = None;
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()).take(64) {
            match k.as_ref() {
                "ui_locales" => {
                    if let Some(l) = Self::from_ui_locales(&v) {
                        return Some(l);
                    }
                }
                "return_to" if nested.is_none() => nested = Self::from_return_to(&v),
                _ => {}
            }
        }
        nested
    }

    /// `ui_locales` among form-posted parameters (`POST /authorize`, the
    /// consent form carrying the authorization request).
    pub fn from_params(params: &[(String, String)]) -> Option<Self> {
        params
            .iter()
            .find(|(k, _)| k == "ui_locales")
            .and_then(|(_, v)| Self::from_ui_locales(v))
    }

    /// `ui_locales` inside a `return_to` value such as `/authorize?…`.
    pub fn from_return_to(return_to: &str) -> Option<Self> {
        let (_, query) = return_to.split_once('?')?;
        url::form_urlencoded::parse(query.as_bytes())
            .take(64)
            .find(|(k, _)| k == "ui_locales")
            .and_then(|(_, v)| Self::from_ui_locales(&v))
    }

    /// From a request's `Accept-Language` header only (emails).
    pub fn from_request(req: &HttpRequest) -> Self {
        req.headers()
            .get("accept-language")
            .and_then(|v| v.to_str().ok())
            .map(Self::from_accept_language)
            .unwrap_or_default()
    }

    /// The page language of a request: `ui_locales` (direct or in
    /// `return_to`), then `Accept-Language`, then English.
    pub fn negotiate(req: &HttpRequest) -> Self {
        Self::from_query(req.query_string()).unwrap_or_else(|| Self::from_request(req))
    }

    /// Pick from an `Accept-Language` value such as `de-CH, en;q=0.5`.
    pub fn from_accept_language(header: &str) -> Self {
        let mut best: Option<(f32, Self)> = None;
        for item in header.split(',').take(20) {
            let mut parts = item.trim().split(';');
            let tag = parts.next().unwrap_or_default();
            let q = parts
                .find_map(|p| p.trim().strip_prefix("q=").map(str::to_owned))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(locale) = Self::from_tag(tag) else {
                continue;
            };
            if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }

    /// The language of the request being served (English outside one).
    pub fn current() -> Self {
        CURRENT.try_with(|l| *l).unwrap_or_default()
    }

    /// The language for a page answering a form that carried `return_to`:
    /// its `ui_locales` first, then the request's language.
    pub fn for_return_to(return_to: Option<&str>) -> Self {
        return_to
            .and_then(Self::from_return_to)
            .unwrap_or_else(Self::current)
    }
}

/// Run `fut` with `locale` as the current language.
pub async fn scope<F: std::future::Future>(locale: Locale, fut: F) -> F::Output {
    CURRENT.scope(locale, fut).await
}

/// Run `fut` in `locale` if there is one (e.g. [`Locale::from_params`]):
/// pages rendered inside use it; an error page still follows the
/// request's language.
pub async fn scope_some<F: std::future::Future>(locale: Option<Locale>, fut: F) -> F::Output {
    match locale {
        Some(locale) => scope(locale, fut).await,
        None => fut.await,
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

    #[test]
    fn ui_locales_first_supported_tag_wins() {
        assert_eq!(Locale::from_ui_locales("fr-CA de en"), Some(Locale::De));
        assert_eq!(Locale::from_ui_locales("fr"), None);
        assert_eq!(
            Locale::from_query("ui_locales=de-AT&client_id=x"),
            Some(Locale::De)
        );
        let nested = "return_to=%2Fauthorize%3Fclient_id%3Dx%26ui_locales%3Dde";
        assert_eq!(Locale::from_query(nested), Some(Locale::De));
        assert_eq!(Locale::from_query("return_to=%2Faccount"), None);
        assert_eq!(
            Locale::from_return_to("/authorize?ui_locales=en+de"),
            Some(Locale::En)
        );
    }
}
