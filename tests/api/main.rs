//! The one integration-test binary: black-box tests through HTTP against a
//! real server on port 0, plus storage and CLI tests. Every scenario runs on
//! SQLite, and on PostgreSQL when `OSTIARY_TEST_DATABASE_URL` is set (each
//! test gets its own database).

// Test code: failing loudly is the point.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cluster;
mod console_support;
mod helpers;
mod ldap_support;
mod mfa_support;
mod oauth_support;
mod pg_cluster;

mod account;
mod admin_api;
mod admin_clients;
mod admin_keys;
mod admin_organizations;
mod admin_providers;
mod admin_users;
mod alerts;
mod app_context;
mod audiences;
mod audit;
mod audit_export;
mod authorize;
mod browser;
mod browser_flows;
mod caches;
mod claims;
mod cli;
mod config_secrets;
mod console;
mod console_applications;
mod console_audit;
mod console_branding;
mod console_keys;
mod console_organizations;
mod console_providers;
mod console_users;
mod console_webhooks;
mod cors;
mod data_key_rotation;
mod db_faults;
mod device;
mod discovery;
mod dpop;
mod email;
mod end_session;
mod federated_accounts;
mod federated_login;
mod federation;
mod group_roles;
mod guards;
mod i18n;
mod interop;
mod invitations;
mod key_providers;
mod ldap;
mod ldap_admin;
mod ldap_choose;
mod login;
mod mail_sink;
mod maintenance;
mod master_key;
mod mfa;
mod mfa_policy;
mod migrations;
mod multi_instance;
mod ops;
mod par;
mod passkeys;
mod providers;
mod registration;
mod request_objects;
#[cfg(feature = "saml")]
mod saml;
#[cfg(feature = "saml")]
mod saml_admin;
mod select_account;
mod sessions;
mod setup;
mod shutdown;
mod signing;
mod storage;
mod throttle;
mod token;
mod token_exchange;
mod token_resources;
mod webhooks;
