//! What a directory's answers mean: an entry's attributes read the way
//! directories write them ([`Attrs`]: case-insensitive names, binary
//! `objectGUID`), group names from DNs, and the account states a refused
//! bind reports (Active Directory's sub-codes, the password policy control
//! of OpenLDAP and 389-DS) as stable reasons for a clear message (SR-132).

use std::collections::HashMap;

use ldap3::SearchEntry;

/// The AD sub-code of a failed bind (`…, data 775, …`) as a stable reason,
/// when it says the account (not the password) is the problem.
pub fn ad_account_state(text: &str) -> Option<&'static str> {
    let code = text.split("data ").nth(1)?.get(..3)?;
    match code {
        "530" | "531" => Some("ldap_logon_restricted"),
        "532" | "773" => Some("ldap_password_expired"),
        "533" => Some("ldap_account_disabled"),
        "701" => Some("ldap_account_expired"),
        "775" => Some("ldap_account_locked"),
        _ => None,
    }
}

/// The password policy control (draft-behera-ldap-password-policy).
pub const PPOLICY_OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

/// The account state a password policy response states, if any: the
/// value is `SEQUENCE { warning [0] … OPTIONAL, error [1] ENUMERATED
/// OPTIONAL }`.
pub fn ppolicy_state(value: &[u8]) -> Option<&'static str> {
    // One BER length: short form, or long form of up to 4 bytes.
    fn length(b: &[u8]) -> Option<(usize, usize)> {
        let first = *b.first()?;
        if first < 0x80 {
            return Some((usize::from(first), 1));
        }
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 {
            return None;
        }
        let len = b
            .get(1..=n)?
            .iter()
            .fold(0_usize, |acc, x| (acc << 8) | usize::from(*x));
        Some((len, n + 1))
    }
    if value.first() != Some(&0x30) {
        return None;
    }
    let (len, used) = length(value.get(1..)?)?;
    let mut rest = value.get(1 + used..1 + used + len)?;
    while let Some(&tag) = rest.first() {
        let (len, used) = length(rest.get(1..)?)?;
        let content = rest.get(1 + used..1 + used + len)?;
        if tag == 0x81 {
            return match content.last()? {
                0 => Some("ldap_password_expired"),
                1 => Some("ldap_account_locked"),
                // changeAfterReset: the password must be changed first.
                2 => Some("ldap_password_expired"),
                _ => None,
            };
        }
        rest = rest.get(1 + used + len..)?;
    }
    None
}

/// An AD `objectGUID` (16 bytes, the first three fields little-endian) in
/// its usual text form.
pub fn guid_text(b: &[u8]) -> Option<String> {
    let b: &[u8; 16] = b.try_into().ok()?;
    Some(format!(
        "{:02x}{:02x}{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
        b[3],
        b[2],
        b[1],
        b[0],
        b[5],
        b[4],
        b[7],
        b[6],
        b[8],
        b[9],
        b[10],
        b[11],
        b[12],
        b[13],
        b[14],
        b[15]
    ))
}

/// The value of the first RDN of a DN (`cn=admins,ou=groups,…` → `admins`).
pub fn rdn_value(dn: &str) -> String {
    let mut out = String::new();
    let mut chars = dn.chars();
    let mut started = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' if started => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            '=' if !started => started = true,
            ',' | '+' if started => break,
            c if started => out.push(c),
            _ => {}
        }
    }
    out
}

/// Attributes read from an entry, case-insensitively.
pub struct Attrs(HashMap<String, Vec<String>>, HashMap<String, Vec<Vec<u8>>>);

impl Attrs {
    pub fn of(entry: SearchEntry) -> (String, Self) {
        let lower = |m: HashMap<String, Vec<String>>| {
            m.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect()
        };
        let bin = entry
            .bin_attrs
            .into_iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v))
            .collect();
        (entry.dn, Self(lower(entry.attrs), bin))
    }

    pub fn first(&self, name: &str) -> Option<String> {
        self.0
            .get(name)
            .and_then(|v| v.first())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.get(name).cloned().unwrap_or_default()
    }

    /// A binary value (`objectGUID`): ldap3 files values that happen to be
    /// valid UTF-8 with the text ones, whose bytes are then the same.
    pub fn bytes(&self, name: &str) -> Option<Vec<u8>> {
        self.1
            .get(name)
            .and_then(|v| v.first())
            .cloned()
            .or_else(|| {
                self.0
                    .get(name)
                    .and_then(|v| v.first())
                    .map(|s| s.as_bytes().to_vec())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::{ad_account_state, guid_text, rdn_value};

    /// SR-132: AD's reasons for a refused bind become clear messages.
    #[test]
    fn ad_bind_codes_name_the_account_state() {
        let text = |code: &str| {
            format!(
                "80090308: LdapErr: DSID-0C09042A, comment: AcceptSecurityContext error, data {code}, v3839"
            )
        };
        assert_eq!(ad_account_state(&text("52e")), None);
        assert_eq!(ad_account_state(&text("525")), None);
        assert_eq!(
            ad_account_state(&text("533")),
            Some("ldap_account_disabled")
        );
        assert_eq!(ad_account_state(&text("775")), Some("ldap_account_locked"));
        assert_eq!(
            ad_account_state(&text("532")),
            Some("ldap_password_expired")
        );
        assert_eq!(ad_account_state(&text("701")), Some("ldap_account_expired"));
        assert_eq!(ad_account_state("invalid credentials"), None);
    }

    /// SR-132: a password policy's locked and expired states are read.
    #[test]
    fn password_policy_responses_name_the_account_state() {
        use super::ppolicy_state;
        assert_eq!(
            ppolicy_state(&[0x30, 0x03, 0x81, 0x01, 0x01]),
            Some("ldap_account_locked")
        );
        assert_eq!(
            ppolicy_state(&[0x30, 0x03, 0x81, 0x01, 0x00]),
            Some("ldap_password_expired")
        );
        assert_eq!(
            ppolicy_state(&[0x30, 0x03, 0x81, 0x01, 0x02]),
            Some("ldap_password_expired")
        );
        // A warning only (grace logins left), then an error after it.
        assert_eq!(
            ppolicy_state(&[0x30, 0x05, 0xa0, 0x03, 0x81, 0x01, 0x05]),
            None
        );
        assert_eq!(
            ppolicy_state(&[0x30, 0x08, 0xa0, 0x03, 0x81, 0x01, 0x05, 0x81, 0x01, 0x01]),
            Some("ldap_account_locked")
        );
        assert_eq!(ppolicy_state(&[0x30]), None);
        assert_eq!(ppolicy_state(&[0x30, 0x05, 0x81, 0x01]), None);
        assert_eq!(ppolicy_state(&[]), None);
    }

    #[test]
    fn a_guid_that_is_valid_utf8_is_still_read() {
        use std::collections::HashMap;
        let ascii = "0123456789abcdef";
        let attrs = super::Attrs(
            HashMap::from([("objectguid".to_owned(), vec![ascii.to_owned()])]),
            HashMap::new(),
        );
        assert_eq!(attrs.bytes("objectguid").as_deref(), Some(ascii.as_bytes()));
        assert_eq!(
            guid_text(ascii.as_bytes()).as_deref(),
            Some("33323130-3534-3736-3839-616263646566")
        );
    }

    #[test]
    fn attributes_are_read_as_directories_write_them() {
        let guid = [
            0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
            0xee, 0xff,
        ];
        assert_eq!(
            guid_text(&guid).as_deref(),
            Some("00112233-4455-6677-8899-aabbccddeeff")
        );
        assert_eq!(guid_text(&[1, 2, 3]), None);
        assert_eq!(rdn_value("cn=admins,ou=groups,dc=example,dc=com"), "admins");
        assert_eq!(rdn_value("CN=Sales\\, EMEA,OU=Groups"), "Sales, EMEA");
    }
}
