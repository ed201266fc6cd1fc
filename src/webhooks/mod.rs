//! Signed webhooks (S9, docs/webhooks.md): subscriptions to audit event
//! types, turned into deliveries off the request path ([`enqueue`]), sent
//! with Standard Webhooks signatures ([`sign`]) and retried with backoff
//! until delivered or dead ([`deliver`]); [`admin`] is the one service the
//! API, the console and the CLI ([`cli`]) call, [`spec`] its validation.

pub mod admin;
pub mod cli;
pub mod deliver;
pub mod enqueue;
pub mod sign;
pub mod spec;
pub mod worker;
