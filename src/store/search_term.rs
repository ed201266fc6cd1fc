//! The admin user search's term, read as Keycloak reads its user search:
//! `"text"` is the exact value, `*` stands for any run of characters, and a
//! plain term matches from the start (of the address, of the name or of a
//! word in the name), which a B-tree index answers at any table size.

use crate::store::escape_like;

/// What a user search term asks for, lowercased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// `"text"`: the address or the name is exactly this (any case).
    Exact(String),
    /// `LIKE` patterns (escape character `\`): `start` against the address
    /// and the name, `word` (when the term does not already match
    /// anywhere) against the name, for a term that starts one of its words.
    Like { start: String, word: Option<String> },
}

/// Reads a search term: `"ann"` exact, `ann` and `ann*` from the start,
/// `*ann*` anywhere, `a*n` an `a`, then anything, then `n…`. `%` and `_`
/// are plain text.
pub fn parse(q: &str) -> Term {
    let q = q.to_lowercase();
    if q.len() >= 2 && q.starts_with('"') && q.ends_with('"') {
        return Term::Exact(q[1..q.len() - 1].to_owned());
    }
    let mut start = escape_like(&q).replace('*', "%");
    if !q.ends_with('*') {
        start.push('%');
    }
    let word = (!q.starts_with('*')).then(|| format!("% {start}"));
    Term::Like { start, word }
}

#[cfg(test)]
mod tests {
    use super::{Term, parse};

    fn like(start: &str, word: Option<&str>) -> Term {
        Term::Like {
            start: start.into(),
            word: word.map(Into::into),
        }
    }

    #[test]
    fn a_plain_term_matches_from_the_start_of_the_address_or_a_word() {
        assert_eq!(parse("Ann"), like("ann%", Some("% ann%")));
        assert_eq!(parse("ann*"), like("ann%", Some("% ann%")));
        assert_eq!(parse("zed QU"), like("zed qu%", Some("% zed qu%")));
    }

    #[test]
    fn stars_match_anything_and_quotes_exactly() {
        assert_eq!(parse("*example*"), like("%example%", None));
        assert_eq!(parse("*.org"), like("%.org%", None));
        assert_eq!(parse("a*n"), like("a%n%", Some("% a%n%")));
        assert_eq!(
            parse("\"Ann@Example.com\""),
            Term::Exact("ann@example.com".into())
        );
        assert_eq!(parse("\""), like("\"%", Some("% \"%")));
        assert_eq!(parse("\"\""), Term::Exact(String::new()));
    }

    #[test]
    fn like_wildcards_are_plain_text() {
        assert_eq!(
            parse("50%_\\"),
            like("50\\%\\_\\\\%", Some("% 50\\%\\_\\\\%"))
        );
    }
}
