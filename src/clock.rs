//! Time source. Production uses the system clock; tests inject a [`ManualClock`]
//! to prove idle and absolute session timeouts without sleeping.

use std::sync::Mutex;

use chrono::{DateTime, Duration, DurationRound, Utc};

/// Anything that tells the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// The current instant, truncated to microseconds (the precision both
    /// databases store, so values read back compare and hash identically).
    fn now(&self) -> DateTime<Utc>;
}

/// Truncate to microseconds.
pub fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.duration_trunc(Duration::microseconds(1)).unwrap_or(t)
}

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        micros(Utc::now())
    }
}

/// A clock that starts at the real time and moves only when told to.
#[derive(Debug)]
pub struct ManualClock {
    offset: Mutex<Duration>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self {
            offset: Mutex::new(Duration::zero()),
        }
    }
}

impl ManualClock {
    /// Move the clock forward.
    pub fn advance(&self, by: Duration) {
        if let Ok(mut offset) = self.offset.lock() {
            *offset += by;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let offset = self
            .offset
            .lock()
            .map(|o| *o)
            .unwrap_or_else(|e| *e.into_inner());
        micros(Utc::now() + offset)
    }
}
