//! Identifiers that cross layers as their own types: [`UserId`],
//! [`ClientId`], [`SessionId`] and [`OrganizationId`]. A function that takes
//! a `&UserId` cannot be handed a client id or a raw form field by mistake;
//! turning text into an id is always an explicit step.
//!
//! Each id reads as `&str` (it derefs to `str`) so SQL filters and string
//! formatting need no ceremony; the reverse direction, `&str` → id, must be
//! spelled out with `From`. The Diesel derives only name the column type
//! (`Text`); the conversions live in `db::columns`, so both databases keep plain
//! text columns and rows hold typed ids.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        /// A stored value, or a value the caller has already checked.
        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        /// Writing it.
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }
    };
}

id_type!(
    /// A user (`users.id`), a UUIDv7.
    UserId
);
id_type!(
    /// A registered client (`clients.id`), the OAuth `client_id`.
    ClientId
);
id_type!(
    /// A browser session's public handle (`auth_sessions.id`, the `sid`
    /// claim); never the cookie token, which is stored only as a hash.
    SessionId
);
id_type!(
    /// An organization (`organizations.id`).
    OrganizationId
);

impl UserId {
    /// A fresh id: UUIDv7, so rows sort by creation.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }
}

impl SessionId {
    /// A fresh, unguessable handle (UUIDv4).
    pub fn generate() -> Self {
        Self(uuid::Uuid::new_v4().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::{ClientId, UserId};

    #[test]
    fn ids_read_as_text_and_compare_with_it() {
        let user = UserId::from("u-1");
        assert_eq!(&*user, "u-1");
        assert_eq!(user, "u-1");
        assert_eq!(user.to_string(), "u-1");
        assert_eq!(format!("{user:?}"), "UserId(\"u-1\")");
        assert_eq!(String::from(user.clone()), "u-1");
        assert_eq!(serde_json::to_string(&user).unwrap(), "\"u-1\"");
        let client: ClientId = serde_json::from_str("\"app\"").unwrap();
        assert_eq!(client.as_str(), "app");
        assert_ne!(UserId::generate(), UserId::generate());
    }
}
