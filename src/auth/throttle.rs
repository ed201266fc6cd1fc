//! Online-guessing throttle (S5, SR-83, SR-84), in the database so every
//! instance shares it. Three counters per attempt:
//!
//! - **account × source** (`account:<email>|ip:<address>`): after
//!   `account_delay_after` failures each further attempt waits a doubling
//!   delay; at `account_lock_after` that source is locked out of that
//!   account for `lock_secs`;
//! - **source** (`ip:<address>`): locked at `ip_lock_after` (credential
//!   stuffing across accounts);
//! - **account as a whole** (`account:<email>`): never locked — a stranger
//!   must not lock the owner out — but from `account_lock_after` failures on
//!   it is *paused* with growing delays: while paused, a right password gets
//!   in only through a second factor (or the owner signs in with an emailed
//!   code).
//!
//! An attempt is *reserved* — counted as a failure — in one write
//! transaction that holds the locks of its counters
//! ([`crate::store::throttle::lock`]) before any password is hashed
//! ([`reserve`]), so parallel requests cannot all be evaluated; a success
//! then clears what it reserved ([`settle_success`]). Both run in
//! [`crate::store::locked_tx`]: parallel attempts on one counter wait for
//! each other instead of being aborted and run again.

use chrono::{DateTime, Duration, Utc};

use crate::config::ThrottleConfig;
use crate::store::throttle::Throttle;
use crate::store::{naive, utc};

pub use crate::store::throttle::{account_key, account_source_key, ip_key, second_factor_key};

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
    /// The account as a whole: delays from `account_lock_after`, no lock.
    Account,
    /// One source on one account: delays, then a lock.
    AccountSource,
    /// One source across accounts: a lock.
    Ip,
    SecondFactor,
}

/// The counters of one password attempt.
#[derive(Debug, Clone)]
pub struct Keys {
    pub account: String,
    pub account_source: String,
    pub ip: String,
}

impl Keys {
    pub fn new(email: &str, ip: &str) -> Self {
        Self {
            account: account_key(email),
            account_source: account_source_key(email, ip),
            ip: ip_key(ip),
        }
    }
}

/// The outcome of [`reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// This source may not try now (until then): nothing was counted and
    /// no password may be checked.
    Refused { until: DateTime<Utc> },
    /// The attempt is counted; `paused_until` is set when the account as a
    /// whole is paused (a right password then needs a second factor).
    Reserved { paused_until: Option<DateTime<Utc>> },
}

/// Reserve one attempt on `keys` inside the caller's write transaction:
/// refused when the source (on this account or at all) is delayed or
/// locked; otherwise every counter counts it as a failure now. Locks this
/// reservation causes are audited.
pub fn reserve(
    conn: &mut crate::db::DbConnection,
    actor: &crate::audit::Actor,
    keys: &Keys,
    now: DateTime<Utc>,
    cfg: &ThrottleConfig,
) -> Result<Gate, crate::error::AppError> {
    use crate::store::throttle as counters;
    let [account_source, ip, account] = <[Option<Throttle>; 3]>::try_from(counters::get_many(
        conn,
        &[&keys.account_source, &keys.ip, &keys.account],
    )?)
    .map_err(|_| crate::error::AppError::Internal("throttle rows out of step".into()))?;
    let source = blocked_until(account_source.as_ref(), now).max(blocked_until(ip.as_ref(), now));
    if let Some(until) = source {
        return Ok(Gate::Refused { until });
    }
    let paused_until = blocked_until(account.as_ref(), now);
    let mut counted = vec![
        (&keys.account_source, Kind::AccountSource, account_source),
        (&keys.ip, Kind::Ip, ip),
    ];
    // Attempts during a pause do not lengthen it: the owner's own tries
    // (and a stranger's) cannot keep the account paused for longer.
    if paused_until.is_none() {
        counted.push((&keys.account, Kind::Account, account));
    }
    for (key, kind, row) in counted {
        let (row, locked) = after_failure(row, key, kind, now, cfg);
        counters::put(conn, &row)?;
        if locked {
            crate::audit::record(
                conn,
                actor,
                crate::audit::Event::new(
                    crate::audit::Action::LoginLocked,
                    crate::audit::Outcome::Failure,
                )
                .details(serde_json::json!({
                    "key": key, "failures": row.failures, "locked_until": row.locked_until,
                })),
                now,
            )?;
        }
    }
    Ok(Gate::Reserved { paused_until })
}

/// A reserved attempt succeeded: the account's counters start over and the
/// source gets its reservation back (successes never lock a network).
pub fn settle_success(
    conn: &mut crate::db::DbConnection,
    keys: &Keys,
) -> Result<(), crate::error::AppError> {
    crate::store::throttle::settle(conn, &[&keys.account, &keys.account_source], &keys.ip)
}

/// Seconds until `until` (rounded up, at least 1).
pub fn wait_secs(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    ((until - now).num_milliseconds() + 999).max(1000) / 1000
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
        // In the past, so a parallel request whose clock reading came a
        // moment earlier is not held up by a counter without a delay.
        next_attempt_at: naive(now - Duration::seconds(cfg.window_secs)),
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
        Kind::Account => (cfg.account_lock_after, i32::MAX),
        Kind::AccountSource => (cfg.account_delay_after, cfg.account_lock_after),
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
    // No delay: leave the next allowed attempt as it was. (Setting it to
    // "now" would block a parallel request whose clock reading came a
    // moment earlier.)
    if delay_ms > 0 {
        row.next_attempt_at = row
            .next_attempt_at
            .max(naive(now + Duration::milliseconds(delay_ms)));
    }
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
        let (r1, l1) = after_failure(None, "k", Kind::AccountSource, now, &cfg());
        assert!(!l1 && !is_blocked(Some(&r1), now));
        let (r2, _) = after_failure(Some(r1), "k", Kind::AccountSource, now, &cfg());
        assert_eq!(utc(r2.next_attempt_at), now + Duration::seconds(1));
        assert!(is_blocked(Some(&r2), now));
        assert!(!is_blocked(Some(&r2), now + Duration::seconds(2)));
        let (r3, _) = after_failure(Some(r2), "k", Kind::AccountSource, now, &cfg());
        assert_eq!(utc(r3.next_attempt_at), now + Duration::seconds(2));
        let (r4, locked) = after_failure(Some(r3), "k", Kind::AccountSource, now, &cfg());
        assert!(locked);
        assert!(is_blocked(Some(&r4), now + Duration::seconds(599)));
        assert_eq!(
            blocked_until(Some(&r4), now),
            Some(now + Duration::seconds(600))
        );
        assert!(!is_blocked(Some(&r4), now + Duration::seconds(601)));
    }

    #[test]
    fn the_account_as_a_whole_is_paused_never_locked() {
        // SR-84: strangers cannot lock the owner out.
        let now = Utc::now();
        let mut row = None;
        for _ in 0..50 {
            let (r, locked) = after_failure(row, "k", Kind::Account, now, &cfg());
            assert!(!locked && r.locked_until.is_none());
            row = Some(r);
        }
        let row = row.unwrap();
        assert!(is_blocked(Some(&row), now));
        assert_eq!(utc(row.next_attempt_at), now + Duration::seconds(3));
        assert!(!is_blocked(Some(&row), now + Duration::seconds(4)));
    }

    #[test]
    fn a_failure_without_delay_does_not_move_the_next_attempt() {
        // Regression (found by benches/login_memory.mjs): the per-IP counter
        // was stamped with each reservation's "now", so a parallel request
        // that read the clock a moment earlier was told to wait.
        let t0 = Utc::now();
        let (row, _) = after_failure(None, "ip:x", Kind::Ip, t0, &cfg());
        assert!(!is_blocked(Some(&row), t0 - Duration::milliseconds(500)));
        let (row, _) = after_failure(
            Some(row),
            "ip:x",
            Kind::Ip,
            t0 + Duration::seconds(1),
            &cfg(),
        );
        assert!(!is_blocked(Some(&row), t0 + Duration::milliseconds(500)));
        assert!(utc(row.next_attempt_at) <= t0);
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
