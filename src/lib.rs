//! Ostiary: a standalone OpenID Connect identity provider.
//!
//! The crate is one library plus a thin binary (`src/main.rs`). The library
//! exposes [`app::Application`] so integration tests can start a real server on
//! port 0, and every layer below it:
//!
//! * `flow` – hosted browser pages (setup, login, logout, account);
//! * `auth` – request authentication: session cookie, CSRF, client IP, throttling;
//! * `accounts` – user/organization lifecycle rules shared by the CLI and pages;
//! * `store` – one module per aggregate with its Diesel queries;
//! * `db` – the SQLite | PostgreSQL connection, pool and embedded migrations;
//! * `audit` – the hash-chained, append-only security audit log;
//! * `crypto` – password hashing, token hashing, envelope encryption;
//! * `web` – request context, security headers, rendering, operations endpoints.
//!
//! Dependencies point one way: handlers → accounts/auth → store → db.

pub mod app;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod domain;
pub mod error;
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
