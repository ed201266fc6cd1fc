DROP TABLE mfa_upstream_acknowledgments;
DROP TABLE mfa_policies;
DROP TABLE webauthn_challenges;
DROP TABLE pending_logins;
DROP TABLE passkeys;
DROP TABLE backup_codes;
DROP TABLE mfa_totp;
