//! Upstream identity providers (S7): the registry of providers an admin
//! configures — their kind, settings, claimed email domains and encrypted
//! secret — and the `ostiary provider …` commands. The sign-in flows
//! through them build on this registry.

pub mod cli;
pub mod kind;
pub mod registry;
pub mod spec;
pub mod upstream_url;

pub use kind::Kind;
