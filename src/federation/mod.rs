//! Upstream identity providers (S7): the registry of providers an admin
//! configures — their kind, settings, claimed email domains and encrypted
//! secret — the `ostiary provider …` commands, and the rules that turn an
//! upstream [`identity::Identity`] into one of our users
//! ([`provisioning`]). The sign-in flows through providers build on these.

pub mod cli;
pub mod entra;
pub mod github;
pub mod group_roles;
pub mod identity;
pub mod kind;
pub mod ldap;
pub mod links;
pub mod oidc_upstream;
pub mod outbound;
pub mod pending;
pub mod probe;
pub mod provisioning;
pub mod realm;
pub mod registry;
#[cfg(feature = "saml")]
pub mod saml;
#[cfg(feature = "saml")]
pub mod saml_decrypt;
#[cfg(feature = "saml")]
pub mod saml_logout;
#[cfg(feature = "saml")]
pub mod saml_metadata;
pub mod saml_refresh;
pub mod saml_settings;
#[cfg(feature = "saml")]
pub mod saml_subject;
pub mod sign_in;
pub mod spec;
pub mod upstream;
pub mod upstream_url;

pub use kind::Kind;
