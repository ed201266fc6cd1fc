//! Ostiary: a standalone OpenID Connect identity provider.
//!
//! The crate is one library plus a thin binary (`src/main.rs`). The library
//! exposes [`app::Application`] so integration tests can start a real server on
//! port 0. Modules sit on floors and import only downwards (checked by
//! `.ci/check_cycles.py`; see `docs/architecture.md`):
//!
//! 1. entry: `cli`, `app`, `routes` (the one route table);
//! 2. handlers: `flow` (hosted pages), `oidc` (protocol endpoints and the
//!    authorization decision the pages render) and `admin` (the JSON admin
//!    API, with the API-key service it authenticates with);
//! 3. services: `auth` (sessions, CSRF, throttling, sign-in, MFA, passkeys,
//!    self-service), `users` (accounts, setup, invitations, password rules),
//!    `federation` (upstream identity providers), `branding` (organizations'
//!    look on the hosted pages), `jobs` (maintenance), `alerts` (alert rules
//!    evaluated off the audit log);
//! 4. `web` (request context, headers, rendering) and `state` (`AppState`);
//! 5. `mail`, `keys` (signing-key lifecycle), `audit` (hash-chained log);
//! 6. `store` (queries per aggregate) and `db` (SQLite | PostgreSQL, pool,
//!    migrations);
//! 7. leaves: `crypto` (pure), `domain`, `config`, `error`, `i18n`, `clock`,
//!    `request_id`, `telemetry`.

pub mod admin;
pub mod alerts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod branding;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
pub mod federation;
pub mod flow;
pub mod i18n;
pub mod jobs;
pub mod keys;
pub mod mail;
pub mod oidc;
pub mod request_id;
pub mod routes;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod users;
pub mod web;
pub mod webhooks;
