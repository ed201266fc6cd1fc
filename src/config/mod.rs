//! Settings: documented structs with defaults, loaded by [`load`] from
//! defaults → TOML → environment, and checked by [`validate`].
//!
//! Every struct refuses unknown fields so a typo is an error, not a silent
//! default. Secret settings are [`Secret`]s: they never print, and each can
//! also be read from a file named by an `OSTIARY_…_FILE` variable.

mod load;
mod master_key;
mod proxies;
mod secret;
mod settings;
mod validate;

pub use load::{ConfigSource, load};
pub use proxies::{TrustedProxy, parse_net};
pub use secret::Secret;
pub use settings::*;
pub use validate::validate;
