//! A user's phone number and postal address (OIDC Core §5.1, released
//! with the `phone` and `address` scopes, §5.4): one rule for what they may
//! be ([`check`]) and one write ([`apply_tx`]) shared by the account page
//! and the admin API.
//!
//! The phone number is stored E.164-normalized: a `+`, then 8 to 15 digits
//! not starting with 0; spaces, dashes, dots and parentheses are dropped
//! on input. `phone_number_verified` is false unless an administrator sets
//! it (there is no SMS verification); a new number starts unverified. The
//! address is one JSON object of the §5.1.1 members (`street_address`,
//! `locality`, `region`, `postal_code`, `country`), always read and written
//! as a whole; `formatted` is built from them when released. Like the email
//! address and display name, neither is sealed at rest (S10 seals secrets,
//! not profile data).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::db::DbConnection;
use crate::error::AppError;
use crate::store::naive;
use crate::store::users::{self, User};

/// Longest address member (characters).
pub const MAX_ADDRESS_PART: usize = 200;

/// A postal address (OIDC Core §5.1.1); empty members are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street, house number, may span lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub street_address: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub locality: Option<String>,
    /// State, province, prefecture or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub country: Option<String>,
}

impl Address {
    fn parts(&self) -> [(&'static str, &Option<String>); 5] {
        [
            ("street_address", &self.street_address),
            ("locality", &self.locality),
            ("region", &self.region),
            ("postal_code", &self.postal_code),
            ("country", &self.country),
        ]
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.parts().iter().all(|(_, v)| v.is_none())
    }

    /// The stored address, if any (unreadable JSON counts as none).
    pub fn of(user: &User) -> Option<Self> {
        user.address
            .as_deref()
            .and_then(|a| serde_json::from_str::<Self>(a).ok())
            .filter(|a| !a.is_empty())
    }

    /// The mailing-label form: street, "postal code locality", region,
    /// country, one a line.
    pub fn formatted(&self) -> String {
        let city = [&self.postal_code, &self.locality]
            .iter()
            .filter_map(|v| v.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        [
            self.street_address.clone().unwrap_or_default(),
            city,
            self.region.clone().unwrap_or_default(),
            self.country.clone().unwrap_or_default(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
    }

    /// The `address` claim: the members plus `formatted`.
    pub fn claim(&self) -> Value {
        let mut out = Map::new();
        out.insert("formatted".into(), json!(self.formatted()));
        for (name, value) in self.parts() {
            if let Some(v) = value {
                out.insert(name.into(), json!(v));
            }
        }
        Value::Object(out)
    }
}

/// Why a contact change was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadContact {
    /// Not `+` and 8 to 15 digits (after dropping separators).
    Phone,
    /// An address member longer than [`MAX_ADDRESS_PART`].
    AddressTooLong(&'static str),
    /// A control character in an address member (line breaks are allowed
    /// in `street_address` only).
    AddressControl(&'static str),
}

impl BadContact {
    /// The field at fault (the API's `field`).
    pub fn field(self) -> &'static str {
        match self {
            Self::Phone => "phone_number",
            Self::AddressTooLong(_) | Self::AddressControl(_) => "address",
        }
    }

    /// Why, in words.
    pub fn message(self) -> String {
        match self {
            Self::Phone => {
                "must be an international number: + and country code, 8 to 15 digits (E.164)".into()
            }
            Self::AddressTooLong(part) => {
                format!("{part} must be at most {MAX_ADDRESS_PART} characters")
            }
            Self::AddressControl(part) => format!("{part} must not contain control characters"),
        }
    }
}

/// A change as asked for; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactChange {
    /// The new number; empty removes it.
    pub phone_number: Option<String>,
    /// Administrators only (the account page never sets it).
    pub phone_number_verified: Option<bool>,
    /// The new address, replacing the old one whole; all members empty
    /// removes it.
    pub address: Option<Address>,
}

/// A change that passed [`check`] (normalized); only [`check`] makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedContact {
    /// `Some(None)`: remove the number.
    phone_number: Option<Option<String>>,
    phone_number_verified: Option<bool>,
    /// `Some(None)`: remove the address.
    address: Option<Option<Address>>,
}

/// `+4930 1234-567` → `+49301234567`; `None` when not E.164.
pub fn normalize_phone(raw: &str) -> Option<String> {
    let kept: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let digits = kept.strip_prefix('+')?;
    let ok = (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    ok.then(|| format!("+{digits}"))
}

fn clean_part(
    name: &'static str,
    value: Option<&str>,
    multiline: bool,
) -> Result<Option<String>, BadContact> {
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if v.chars().count() > MAX_ADDRESS_PART {
        return Err(BadContact::AddressTooLong(name));
    }
    let v = if multiline {
        v.replace("\r\n", "\n")
    } else {
        v.to_owned()
    };
    if v.chars()
        .any(|c| c.is_control() && !(multiline && c == '\n'))
    {
        return Err(BadContact::AddressControl(name));
    }
    Ok(Some(v))
}

/// The one rule for contact data.
pub fn check(change: ContactChange) -> Result<CheckedContact, BadContact> {
    let phone_number = match change.phone_number.as_deref().map(str::trim) {
        None => None,
        Some("") => Some(None),
        Some(raw) => Some(Some(normalize_phone(raw).ok_or(BadContact::Phone)?)),
    };
    let address = match change.address {
        None => None,
        Some(a) => {
            let a = Address {
                street_address: clean_part("street_address", a.street_address.as_deref(), true)?,
                locality: clean_part("locality", a.locality.as_deref(), false)?,
                region: clean_part("region", a.region.as_deref(), false)?,
                postal_code: clean_part("postal_code", a.postal_code.as_deref(), false)?,
                country: clean_part("country", a.country.as_deref(), false)?,
            };
            Some((!a.is_empty()).then_some(a))
        }
    };
    Ok(CheckedContact {
        phone_number,
        phone_number_verified: change.phone_number_verified,
        address,
    })
}

/// What changed, for the audit event (`before`, `after`).
pub type Diff = (Map<String, Value>, Map<String, Value>);

/// Write a checked change to `user` (inside the caller's transaction,
/// which also records the audit event); the fields that changed. A new
/// number starts unverified unless the change sets the flag; without a
/// number the flag is false.
pub fn apply_tx(
    conn: &mut DbConnection,
    user: &User,
    change: &CheckedContact,
    now: DateTime<Utc>,
) -> Result<Diff, AppError> {
    let (mut before, mut after) = (Map::new(), Map::new());
    let phone = match &change.phone_number {
        Some(p) => p.clone(),
        None => user.phone_number.clone(),
    };
    let number_changed = phone != user.phone_number;
    let verified = phone.is_some()
        && match change.phone_number_verified {
            Some(v) => v,
            None => user.phone_number_verified && !number_changed,
        };
    let old_address = Address::of(user);
    let address = match &change.address {
        Some(a) => a.clone(),
        None => old_address.clone(),
    };
    if number_changed {
        before.insert("phone_number".into(), json!(user.phone_number));
        after.insert("phone_number".into(), json!(phone));
    }
    if verified != user.phone_number_verified {
        before.insert(
            "phone_number_verified".into(),
            json!(user.phone_number_verified),
        );
        after.insert("phone_number_verified".into(), json!(verified));
    }
    if address != old_address {
        before.insert("address".into(), json!(old_address));
        after.insert("address".into(), json!(address));
    }
    if !after.is_empty() {
        let stored = address
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| AppError::Internal(format!("cannot encode an address: {e}")))?;
        if !users::set_contact(
            conn,
            &user.id,
            phone.as_deref(),
            verified,
            stored.as_deref(),
            naive(now),
        )? {
            return Err(AppError::NotFound);
        }
    }
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_are_e164() {
        assert_eq!(
            normalize_phone(" +49 (30) 1234-567 ").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(
            normalize_phone("+1.555.123.4567").as_deref(),
            Some("+15551234567")
        );
        assert_eq!(normalize_phone("030 1234567"), None);
        assert_eq!(normalize_phone("+0301234567"), None);
        assert_eq!(normalize_phone("+1234567"), None);
        assert_eq!(normalize_phone("+1234567890123456"), None);
        assert_eq!(normalize_phone("+49 30 CALL-ME"), None);
    }

    #[test]
    fn addresses_are_checked_and_formatted() {
        let checked = check(ContactChange {
            address: Some(Address {
                street_address: Some(" Hauptstr. 1\r\nHinterhaus ".into()),
                locality: Some("Berlin".into()),
                postal_code: Some("10115".into()),
                country: Some("".into()),
                ..Address::default()
            }),
            ..ContactChange::default()
        })
        .unwrap();
        let a = checked.address.unwrap().unwrap();
        assert_eq!(a.country, None);
        assert_eq!(a.formatted(), "Hauptstr. 1\nHinterhaus\n10115 Berlin");
        let bad = |a: Address| {
            check(ContactChange {
                address: Some(a),
                ..ContactChange::default()
            })
            .unwrap_err()
        };
        assert_eq!(
            bad(Address {
                locality: Some("x\ny".into()),
                ..Address::default()
            }),
            BadContact::AddressControl("locality")
        );
        assert_eq!(
            bad(Address {
                region: Some("r".repeat(201)),
                ..Address::default()
            }),
            BadContact::AddressTooLong("region")
        );
        let cleared = check(ContactChange {
            phone_number: Some(" ".into()),
            address: Some(Address::default()),
            ..ContactChange::default()
        })
        .unwrap();
        assert_eq!(cleared.phone_number, Some(None));
        assert_eq!(cleared.address, Some(None));
    }
}
