//! The console's providers messages (keys `admin.providers.*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[];
