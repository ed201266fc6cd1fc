//! The console's dashboard messages (keys `admin.dashboard.*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[];
