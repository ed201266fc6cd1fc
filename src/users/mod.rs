//! Users: the business rules the CLI, the hosted pages and (later) the
//! admin API share — creating and deleting accounts, the first
//! administrator (setup), invitations, and what a new password must be.

pub mod accounts;
pub mod admin;
pub mod admin_create;
pub mod contact;
pub mod invitations;
pub mod organizations;
pub mod password_rules;
pub mod setup;
