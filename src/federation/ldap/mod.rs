//! LDAP / Active Directory sign-in (S7, SR-130…SR-133): the provider's
//! settings ([`settings`]), RFC 4515 / RFC 4514 escaping ([`escape`]), the
//! directory client that checks a password and reads the person
//! ([`client`]) with its pooled service connections ([`pool`]) and what the
//! directory's answers mean ([`entry`]), and the
//! password sign-in on our login page ([`sign_in`]).

pub mod client;
pub mod entry;
pub mod escape;
pub mod pool;
pub mod settings;
pub mod sign_in;
