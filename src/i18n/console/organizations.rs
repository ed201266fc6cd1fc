//! The console's organizations messages (keys `admin.organizations.*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[];
