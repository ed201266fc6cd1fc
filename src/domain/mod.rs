//! Validated value types and pure rules, free of HTTP and SQL.

mod email;
mod lists;
mod password;
pub mod redirect_uri;
pub mod resource;
mod role;

pub use email::Email;
pub use lists::{Amr, Scopes};
pub use password::{Password, Refusal};
pub use role::Role;
