//! [`Tr`]: the message catalogue of one language, as page templates and
//! flows read it. Catalogue entries are trusted HTML fragments written by
//! us (a template prints them as they are); arguments put into them are
//! escaped.

use std::fmt::Display;

use askama::filters::Safe;

use crate::i18n::locale::Locale;
use crate::i18n::{console, de, en};

/// The messages of one language. Every page struct carries one as `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tr {
    locale: Locale,
}

impl Tr {
    /// The catalogue of `locale`.
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The catalogue of the request being served.
    pub fn current() -> Self {
        Self::new(Locale::current())
    }

    /// The catalogue for a page answering a form that carried `return_to`.
    pub fn for_return_to(return_to: Option<&str>) -> Self {
        Self::new(Locale::for_return_to(return_to))
    }

    /// The language.
    pub fn locale(self) -> Locale {
        self.locale
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }

    /// The message `key` as plain text (for Rust code: flash messages,
    /// headings handed to shared pages). English when the language lacks
    /// it; the key itself when English lacks it too.
    pub fn text(&self, key: &str) -> &'static str {
        self.try_text(key).unwrap_or_else(|| {
            tracing::warn!(key, "missing message");
            "?"
        })
    }

    /// The message `key`, if the catalogue has it (in this language, else
    /// in English).
    pub fn try_text(&self, key: &str) -> Option<&'static str> {
        find(self.locale, key).or_else(|| find(Locale::En, key))
    }

    /// The message `key` for a template, printed as written.
    pub fn get(&self, key: &str) -> Safe<&'static str> {
        Safe(self.text(key))
    }

    /// The message `key` with `{}` replaced by `arg`, as plain text.
    pub fn fill(&self, key: &str, arg: impl Display) -> String {
        self.text(key).replacen("{}", &arg.to_string(), 1)
    }

    /// [`Tr::fill`] with two arguments, replacing `{}` in order.
    pub fn fill2(&self, key: &str, a: impl Display, b: impl Display) -> String {
        self.text(key)
            .replacen("{}", &a.to_string(), 1)
            .replacen("{}", &b.to_string(), 1)
    }

    /// The message `key` for a template with `{}` replaced by the escaped
    /// `arg`.
    pub fn fmt(&self, key: &str, arg: impl Display) -> Safe<String> {
        Safe(self.text(key).replacen("{}", &escape(&arg), 1))
    }

    /// [`Tr::fmt`] with two arguments, replacing `{}` in order.
    pub fn fmt2(&self, key: &str, a: impl Display, b: impl Display) -> Safe<String> {
        Safe(
            self.text(key)
                .replacen("{}", &escape(&a), 1)
                .replacen("{}", &escape(&b), 1),
        )
    }
}

fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The hosted pages' catalogue of `locale`, then the console's.
fn find(locale: Locale, key: &str) -> Option<&'static str> {
    let (main, console) = match locale {
        Locale::En => (en::MESSAGES, console::english()),
        Locale::De => (de::MESSAGES, console::german()),
    };
    lookup(main, key).or_else(|| console.iter().find_map(|table| lookup(table, key)))
}

/// HTML-escape a value put into a catalogue entry, as askama would.
fn escape(value: &impl Display) -> String {
    match askama::filters::escape(value, askama::filters::Html) {
        Ok(escaped) => escaped.to_string(),
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(table: &[(&str, &str)]) -> BTreeSet<String> {
        let set: BTreeSet<String> = table.iter().map(|(k, _)| (*k).to_owned()).collect();
        assert_eq!(set.len(), table.len(), "duplicate keys");
        set
    }

    fn all(main: &[(&str, &str)], console: [&[(&str, &str)]; console::AREAS]) -> BTreeSet<String> {
        let mut set = keys(main);
        for table in console {
            for key in keys(table) {
                assert!(set.insert(key.clone()), "duplicate key {key}");
            }
        }
        set
    }

    #[test]
    fn english_and_german_have_the_same_keys() {
        let en = all(en::MESSAGES, console::english());
        let de = all(de::MESSAGES, console::german());
        let only_en: Vec<_> = en.difference(&de).collect();
        let only_de: Vec<_> = de.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in de: {only_en:?}");
        assert!(only_de.is_empty(), "missing in en: {only_de:?}");
    }

    #[test]
    fn every_key_used_by_a_template_or_flow_exists() {
        let en = all(en::MESSAGES, console::english());
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let calls = [
            "t.get(\"",
            "t.fmt(\"",
            "t.fmt2(\"",
            "t.text(\"",
            "t.fill(\"",
        ];
        scan(root.join("templates"), &calls, &en, &mut missing);
        // Rust code reads plain text only (`get` is too common a name).
        scan(root.join("src"), &calls[3..], &en, &mut missing);
        assert!(missing.is_empty(), "unknown message keys: {missing:?}");
    }

    fn scan(
        dir: std::path::PathBuf,
        calls: &[&str],
        known: &BTreeSet<String>,
        missing: &mut Vec<String>,
    ) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                scan(path, calls, known, missing);
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            for call in calls {
                let mut parts = text.split(call);
                let mut before = parts.next().unwrap_or_default();
                for part in parts {
                    // `t.` must start a name (not `request.get("…")`).
                    let own = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_');
                    before = part;
                    if !own {
                        continue;
                    }
                    let key = part.split('"').next().unwrap_or_default();
                    if !key.is_empty() && !known.contains(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
    }

    #[test]
    fn arguments_are_escaped_and_lookups_fall_back() {
        let t = Tr::new(Locale::De);
        assert_eq!(t.lang(), "de");
        assert!(t.fmt("consent.heading", "<b>").0.contains("&#60;b&#62;"));
        assert_eq!(Tr::new(Locale::En).text("no.such.key"), "?");
    }
}
