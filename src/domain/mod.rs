//! Validated value types and pure rules, free of HTTP and SQL (the ids
//! only name their column type for Diesel; reading and writing them is in
//! `db::columns`).

mod duration;
mod email;
mod ids;
mod lists;
mod password;
pub mod redirect_uri;
pub mod resource;
mod role;

pub use duration::parse_duration;
pub use email::Email;
pub use ids::{ClientId, OrganizationId, SessionId, UserId};
pub use lists::{Amr, Scopes, TextList};
pub use password::{Password, Refusal};
pub use role::Role;
