//! The console's applications messages (keys `admin.applications.*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[];
