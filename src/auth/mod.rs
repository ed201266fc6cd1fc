//! Request authentication and the services behind the signed-in pages: the
//! session cookie and its server-side record, CSRF tokens, failed-login
//! throttling, signing in (password, email code, passkey, second factor),
//! and account self-service (what the account and security pages show,
//! profile, connected applications, password, email, deletion).

pub mod account_delete;
pub mod account_overview;
pub mod browser_accounts;
pub mod confirm_password;
pub mod csrf;
pub mod email_change;
pub mod email_code;
pub mod email_gate;
pub mod email_links;
pub mod first_factor;
pub mod guard;
pub mod mfa;
pub mod passkey_login;
pub mod password_change;
pub mod password_login;
pub mod password_reset;
pub mod recent;
pub mod self_service;
pub mod session;
pub mod sign_in;
pub mod sign_in_methods;
pub mod throttle;
pub mod webauthn;

pub use session::{CurrentSession, MaybeSession};
