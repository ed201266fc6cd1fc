//! Lists stored as JSON arrays of strings in text columns, decoded once
//! where a row is read (a corrupt value is an error, never an empty list):
//! [`Amr`], the authentication methods (RFC 8176) proven for a sign-in, e.g.
//! `["pwd", "otp"]`, [`Scopes`], the scopes a user consented to, and
//! [`TextList`], a client's list-valued settings (redirect URIs, grant types,
//! scopes, audiences, browser origins).

use std::ops::Deref;

use serde::{Deserialize, Serialize};

macro_rules! string_list {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, diesel::FromSqlRow)]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(Vec<String>);

        impl $name {
            pub fn new(items: Vec<String>) -> Self {
                Self(items)
            }

            /// The stored form: a JSON array of strings.
            pub fn to_json(&self) -> String {
                serde_json::to_string(&self.0).unwrap_or_else(|_| "[]".into())
            }

            pub fn into_vec(self) -> Vec<String> {
                self.0
            }

            /// Whether `item` is in the list.
            pub fn has(&self, item: &str) -> bool {
                self.0.iter().any(|i| i == item)
            }
        }

        impl Deref for $name {
            type Target = [String];
            fn deref(&self) -> &[String] {
                &self.0
            }
        }

        impl From<&[String]> for $name {
            fn from(items: &[String]) -> Self {
                Self(items.to_vec())
            }
        }

        impl From<&[&str]> for $name {
            fn from(items: &[&str]) -> Self {
                Self(items.iter().map(|i| (*i).to_owned()).collect())
            }
        }

        /// Reading a stored value.
        impl TryFrom<String> for $name {
            type Error = serde_json::Error;
            fn try_from(json: String) -> Result<Self, Self::Error> {
                serde_json::from_str(&json).map(Self)
            }
        }

        /// Writing it.
        impl From<$name> for String {
            fn from(list: $name) -> String {
                list.to_json()
            }
        }
    };
}

string_list!(
    /// Authentication methods, in the order they were proven.
    Amr
);
string_list!(
    /// Scopes, in the order they were granted.
    Scopes
);
string_list!(
    /// A list-valued setting, in the order it was registered.
    TextList
);

#[cfg(test)]
mod tests {
    use super::{Amr, Scopes, TextList};

    #[test]
    fn round_trips_and_refuses_corrupt_values() {
        let amr = Amr::new(vec!["pwd".into(), "otp".into()]);
        assert_eq!(Amr::try_from(amr.to_json()).unwrap(), amr);
        assert!(Amr::try_from("not json".to_owned()).is_err());
        assert!(Scopes::try_from("{\"a\":1}".to_owned()).is_err());
        assert_eq!(
            &*Scopes::try_from("[\"openid\"]".to_owned()).unwrap(),
            ["openid"]
        );
        let grants = TextList::try_from("[\"authorization_code\"]".to_owned()).unwrap();
        assert!(grants.has("authorization_code") && !grants.has("password"));
        assert!(TextList::try_from(String::new()).is_err());
    }
}
