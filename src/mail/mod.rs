//! Outgoing email (S6): SMTP settings and transport ([`transport`]),
//! localized messages rendered from askama templates ([`message`],
//! languages from [`crate::i18n`]), and delivery with its record, audit and metric
//! ([`deliver`]).

pub mod deliver;
pub mod message;
pub mod pending;
pub mod purge;
pub mod transport;

pub use crate::i18n::Locale;
pub use deliver::{send, send_later};
pub use message::Message;
pub use transport::Mailer;
