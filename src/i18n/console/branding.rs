//! The console's branding messages (keys `admin.branding.*`), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[];
