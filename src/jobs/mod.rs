//! Background jobs the server runs on a timer: database upkeep
//! ([`maintenance`]), audit sealing ([`seal`]), cache invalidation across
//! instances ([`cache_listener`]) and the daily refresh of SAML IdP
//! metadata (`saml_metadata`, feature `saml`).

pub mod cache_listener;
pub mod maintenance;
#[cfg(feature = "saml")]
pub mod saml_metadata;
pub mod seal;
pub mod shutdown;
