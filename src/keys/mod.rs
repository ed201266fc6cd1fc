//! Key lifecycle (S3, S10): the data keys of the envelope and the token
//! signing keys, created, stored, loaded and rotated in the database.
//! The cryptography itself (sealing, signing, verifying) is the pure
//! [`crate::crypto`] below.

pub mod data;
pub mod master;
pub mod providers;
pub mod rotate_data;
pub mod rotate_data_reencrypt;
pub mod signing;
