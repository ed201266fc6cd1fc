//! Online-guessing throttle (S5, SR-84): failures are counted per account
//! and per client IP in the database, so every instance shares them. After
//! `account_delay_after` failures each further attempt must wait a doubling
//! delay; at `account_lock_after` (or `ip_lock_after` for an IP) the key is
//! locked for `lock_secs`. A refused attempt answers exactly like a wrong
//! password.

use chrono::{DateTime, Duration, Utc};

use crate::config::ThrottleConfig;
use crate::store::throttle::Throttle;
use crate::store::{naive, utc};

/// Counter key for an account (normalized email).
pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

/// Counter key for a user's second factor (separate from the password's,
/// and not reset by starting the login again: SR-92).
pub fn second_factor_key(user_id: &str) -> String {
    format!("mfa:{user_id}")
}

/// Counter key for a client address.
pub fn ip_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Whether a key currently refuses attempts.
pub fn is_blocked(row: Option<&Throttle>, now: DateTime<Utc>) -> bool {
    row.is_some_and(|r| {
        r.locked_until.is_some_and(|t| utc(t) > now) || utc(r.next_attempt_at) > now
    })
}

/// Until when a key refuses attempts (`None`: it does not).
pub fn blocked_until(row: Option<&Throttle>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let row = row?;
    let lock = row.locked_until.map(utc).filter(|t| *t > now);
    let delay = Some(utc(row.next_attempt_at)).filter(|t| *t > now);
    lock.max(delay)
}

/// Which rule a counter follows.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Account,
    Ip,
    SecondFactor,
}

/// The counter after one more failure, and whether this failure locked it.
pub fn after_failure(
    row: Option<Throttle>,
    key: &str,
    kind: Kind,
    now: DateTime<Utc>,
    cfg: &ThrottleConfig,
) -> (Throttle, bool) {
    let fresh = || Throttle {
        key: key.to_owned(),
        failures: 0,
        window_started_at: naive(now),
        next_attempt_at: naive(now),
        locked_until: None,
    };
    let mut row = match row {
        Some(r)
            if utc(r.window_started_at) + Duration::seconds(cfg.window_secs) > now
                || r.locked_until.is_some_and(|t| utc(t) > now) =>
        {
            r
        }
        _ => fresh(),
    };
    row.failures = row.failures.saturating_add(1);
    let (delay_after, lock_after) = match kind {
        Kind::Account => (cfg.account_delay_after, cfg.account_lock_after),
        Kind::Ip => (i32::MAX, cfg.ip_lock_after),
        Kind::SecondFactor => (cfg.account_delay_after, cfg.second_factor_lock_after),
    };
    let delay_ms = if row.failures >= delay_after {
        let doublings = u32::try_from(row.failures - delay_after)
            .unwrap_or(0)
            .min(20);
        cfg.base_delay_ms
            .saturating_mul(1_i64 << doublings)
            .min(cfg.max_delay_ms)
    } else {
        0
    };
    row.next_attempt_at = naive(now + Duration::milliseconds(delay_ms));
    let already_locked = row.locked_until.is_some_and(|t| utc(t) > now);
    let locks = row.failures >= lock_after && !already_locked;
    if locks {
        row.locked_until = Some(naive(now + Duration::seconds(cfg.lock_secs)));
    }
    (row, locks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ThrottleConfig {
        ThrottleConfig {
            account_delay_after: 2,
            account_lock_after: 4,
            ip_lock_after: 3,
            second_factor_lock_after: 5,
            base_delay_ms: 1000,
            max_delay_ms: 3000,
            lock_secs: 600,
            window_secs: 900,
        }
    }

    #[test]
    fn delays_grow_then_lock() {
        // SR-84: growing delay, then a temporary lock.
        let now = Utc::now();
        let (r1, l1) = after_failure(None, "k", Kind::Account, now, &cfg());
        assert!(!l1 && !is_blocked(Some(&r1), now));
        let (r2, _) = after_failure(Some(r1), "k", Kind::Account, now, &cfg());
        assert_eq!(utc(r2.next_attempt_at), now + Duration::seconds(1));
        assert!(is_blocked(Some(&r2), now));
        assert!(!is_blocked(Some(&r2), now + Duration::seconds(2)));
        let (r3, _) = after_failure(Some(r2), "k", Kind::Account, now, &cfg());
        assert_eq!(utc(r3.next_attempt_at), now + Duration::seconds(2));
        let (r4, locked) = after_failure(Some(r3), "k", Kind::Account, now, &cfg());
        assert!(locked);
        assert!(is_blocked(Some(&r4), now + Duration::seconds(599)));
        assert_eq!(
            blocked_until(Some(&r4), now),
            Some(now + Duration::seconds(600))
        );
        assert!(!is_blocked(Some(&r4), now + Duration::seconds(601)));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let now = Utc::now();
        let (r1, _) = after_failure(None, "k", Kind::Ip, now, &cfg());
        let (r2, _) = after_failure(
            Some(r1),
            "k",
            Kind::Ip,
            now + Duration::seconds(1000),
            &cfg(),
        );
        assert_eq!(r2.failures, 1);
    }
}
