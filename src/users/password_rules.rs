//! The rule for a new password (SR-80, SR-81), shared by every place that
//! sets one.

/// Check a new password for the account `email` (SR-80, SR-81): the one
/// rule every place that sets a password uses (setup, reset, invitation,
/// password change, CLI). Personal words: the email's local part, the
/// product name, the default organization and `organizations`.
pub fn check_new_password(
    config: &crate::config::Config,
    password: &crate::domain::Password,
    email: &str,
    organizations: &[&str],
) -> Result<(), crate::domain::Refusal> {
    let local = email.split('@').next().unwrap_or_default();
    let mut personal = vec![local, "ostiary", config.default_organization.as_str()];
    personal.extend_from_slice(organizations);
    password.check_new(config.password.min_length, &personal)
}
