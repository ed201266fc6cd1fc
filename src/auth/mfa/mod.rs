//! Multi-factor authentication (S5): authentication levels (`acr`), the
//! policy engine, TOTP, backup codes, and the pending (half-authenticated)
//! login that sits between a first and a second factor.

pub mod acr;
pub mod admin;
pub mod backup;
pub mod cli;
pub mod enroll;
pub mod factors;
pub mod pending;
pub mod policy;
pub mod totp;
pub mod verify;
