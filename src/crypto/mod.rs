//! Cryptography: argon2id password hashing bounded by a semaphore, random
//! tokens and their hashes, and envelope encryption under a [`KeyProvider`]
//! (a local file, a PKCS#11 token or AWS KMS).

pub mod envelope;
pub mod jws_verify;
pub mod key_provider;
pub mod password;
pub mod providers;
pub mod signing;
pub mod token;

pub use envelope::Envelope;
pub use key_provider::{KeyProvider, LocalKeyProvider};
pub use password::PasswordHasher;
