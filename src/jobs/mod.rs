//! Background jobs the server runs on a timer: database upkeep
//! ([`maintenance`]), audit sealing ([`seal`]) and the daily refresh of
//! SAML IdP metadata (`saml_metadata`, feature `saml`).

pub mod maintenance;
#[cfg(feature = "saml")]
pub mod saml_metadata;
pub mod seal;
pub mod shutdown;
