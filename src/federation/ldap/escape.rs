//! Escaping what a person typed before it reaches the directory (SR-131):
//! filter values per RFC 4515 (`*`, `(`, `)`, `\`, NUL, and every non-ASCII
//! or control byte as `\XX`) and DN attribute values per RFC 4514.

use std::fmt::Write;

/// `value` as an RFC 4515 assertion value: it can only ever match itself.
pub fn filter_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'*' | b'(' | b')' | b'\\' | 0 => {
                let _ = write!(out, "\\{b:02x}");
            }
            b if b.is_ascii_control() || !b.is_ascii() => {
                let _ = write!(out, "\\{b:02x}");
            }
            b => out.push(char::from(b)),
        }
    }
    out
}

/// `value` as an RFC 4514 attribute value inside a DN: `,+"\<>;=` escaped
/// with a backslash, a leading `#` or space and a trailing space too, NUL
/// and control characters as `\XX`.
pub fn dn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                out.push('\\');
                out.push(c);
            }
            '#' if i == 0 => out.push_str("\\#"),
            ' ' if i == 0 || i == last => out.push_str("\\ "),
            c if c.is_control() => {
                let mut buf = [0_u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    let _ = write!(out, "\\{b:02x}");
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `template` with every `{username}` replaced by `escape(username)`.
pub fn fill(template: &str, username: &str, escape: fn(&str) -> String) -> String {
    template.replace(super::settings::USERNAME, &escape(username))
}

#[cfg(test)]
mod tests {
    use super::{dn_value, fill, filter_value};

    /// SR-131: injection strings become literal assertion values.
    #[test]
    fn filter_values_cannot_change_the_filter() {
        assert_eq!(filter_value("alice"), "alice");
        assert_eq!(filter_value("*"), "\\2a");
        assert_eq!(filter_value("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
        assert_eq!(filter_value("admin)(|(uid=*"), "admin\\29\\28|\\28uid=\\2a");
        assert_eq!(filter_value("a\\b"), "a\\5cb");
        assert_eq!(filter_value("a\0b"), "a\\00b");
        assert_eq!(filter_value("jürgen"), "j\\c3\\bcrgen");
        assert_eq!(
            fill("(uid={username})", "*)(uid=*", filter_value),
            "(uid=\\2a\\29\\28uid=\\2a)"
        );
        for hostile in ["*", ")(", "\0", "admin)(|(uid=*", "x)(objectClass=*"] {
            let escaped = filter_value(hostile);
            assert!(
                !escaped.contains(['*', '(', ')', '\0']),
                "{hostile:?} → {escaped}"
            );
        }
    }

    /// SR-131: DN values stay one value of one RDN.
    #[test]
    fn dn_values_stay_one_value() {
        assert_eq!(dn_value("alice"), "alice");
        assert_eq!(dn_value("alice,ou=admins"), "alice\\,ou\\=admins");
        assert_eq!(dn_value("#a b "), "\\#a b\\ ");
        assert_eq!(dn_value(" x"), "\\ x");
        assert_eq!(dn_value("a+b\"c\\d<e>f;g"), "a\\+b\\\"c\\\\d\\<e\\>f\\;g");
        assert_eq!(dn_value("a\0b"), "a\\00b");
        assert_eq!(dn_value("Jürgen"), "Jürgen");
        assert_eq!(
            fill(
                "uid={username},ou=people,dc=example,dc=com",
                "x,dc=evil",
                dn_value
            ),
            "uid=x\\,dc\\=evil,ou=people,dc=example,dc=com"
        );
    }
}
