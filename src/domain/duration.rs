//! The lifetimes an operator types (`30s`, `15m`, `12h`, `30d`): one
//! grammar for every CLI flag and API field that takes one.

use chrono::Duration;

/// The longest lifetime the grammar accepts: ten years.
const MAX_SECS: i64 = 10 * 365 * 86_400;

/// `30s`, `15m`, `12h`, `30d` (0 to ten years); why not in words. Each
/// service still checks its own range.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let bad = || format!("{raw:?}: use a number and s, m, h or d (e.g. 30s, 15m, 12h, 30d)");
    let split = raw.len().checked_sub(1).ok_or_else(bad)?;
    if !raw.is_char_boundary(split) {
        return Err(bad());
    }
    let (number, unit) = raw.split_at(split);
    let n: i64 = number.parse().map_err(|_| bad())?;
    match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        _ => None,
    }
    .filter(|s| (0..=MAX_SECS).contains(s))
    .and_then(Duration::try_seconds)
    .ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_and_bounds() {
        assert_eq!(parse_duration("30s"), Ok(Duration::seconds(30)));
        assert_eq!(parse_duration(" 15m "), Ok(Duration::minutes(15)));
        assert_eq!(parse_duration("12h"), Ok(Duration::hours(12)));
        assert_eq!(parse_duration("3650d"), Ok(Duration::days(3650)));
        for bad in [
            "",
            "s",
            "30",
            "30x",
            "-1s",
            "3651d",
            "1é",
            "9223372036854775807d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
