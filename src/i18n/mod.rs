//! Localization (S4): the [`Locale`] of a request and the message
//! catalogues ([`en`], [`de`], and the console's in [`console`]) read through [`Tr`] by pages and flows.

pub mod catalog;
pub mod console;
pub mod de;
pub mod en;
pub mod locale;

pub use catalog::Tr;
pub use locale::Locale;
