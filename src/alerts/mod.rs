//! Alert rules (S9, docs/alerts.md): built-in rules, on by default,
//! evaluated off the audit log by every instance without double firing
//! ([`evaluate`]); what each kind watches ([`kinds`]); mail to the
//! recipients ([`notify`]) — webhooks get the `alert.fired` audit event
//! through their subscriptions; the one service the API and console call
//! ([`rules`]); and the noting of API key addresses ([`key_ips`]).

pub mod evaluate;
pub mod key_ips;
pub mod kinds;
pub mod notify;
pub mod rules;
