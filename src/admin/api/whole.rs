//! Whole numbers in admin-API bodies: JSON Schema's `integer` includes
//! `5.0`, so a number without a fraction is accepted where the document
//! says integer (serde alone would refuse it).

use serde::de::Error;
use serde::{Deserialize, Deserializer};
use serde_json::Number;

fn whole(n: &Number) -> Option<i64> {
    n.as_i64().or_else(|| {
        n.as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| f as i64)
    })
}

/// An optional whole number that fits `T`.
fn optional<'de, D: Deserializer<'de>, T: TryFrom<i64>>(d: D) -> Result<Option<T>, D::Error> {
    let number: Option<Number> = Option::deserialize(d)?;
    number
        .map(|n| {
            whole(&n).and_then(|i| T::try_from(i).ok()).ok_or_else(|| {
                D::Error::custom(format!("expected a whole number in range, got {n}"))
            })
        })
        .transpose()
}

/// `#[serde(default, deserialize_with = "whole::option_i32")]`
pub fn option_i32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    optional(d)
}

/// `#[serde(default, deserialize_with = "whole::option_i64")]`
pub fn option_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    optional(d)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::option_i32")]
        n: Option<i32>,
    }

    fn n(json: &str) -> Result<Option<i32>, serde_json::Error> {
        serde_json::from_str::<Body>(json).map(|b| b.n)
    }

    #[test]
    fn whole_floats_are_integers() {
        assert_eq!(n(r#"{"n": 196.0}"#).unwrap(), Some(196));
        assert_eq!(n(r#"{"n": 7}"#).unwrap(), Some(7));
        assert_eq!(n(r#"{"n": null}"#).unwrap(), None);
        assert_eq!(n("{}").unwrap(), None);
        assert!(n(r#"{"n": 1.5}"#).is_err());
        assert!(n(r#"{"n": 1e12}"#).is_err());
        assert!(n(r#"{"n": "7"}"#).is_err());
    }
}
