-- Multi-factor authentication: TOTP secrets, backup codes, passkeys,
-- pending (half-authenticated) logins, WebAuthn ceremony state, MFA
-- policies and acknowledgments of upstream MFA.

-- One authenticator-app secret per user; unconfirmed until the first valid
-- code. The secret is envelope-encrypted (SR-54, SR-91); last_used_step
-- refuses a code twice in its time step (SR-90).
CREATE TABLE mfa_totp (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret_enc TEXT NOT NULL,
    confirmed_at TIMESTAMP,
    last_used_step BIGINT,
    created_at TIMESTAMP NOT NULL
);

-- Backup (recovery) codes: keyed hashes only; one batch live per user.
CREATE TABLE backup_codes (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    batch_id TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX backup_codes_user_idx ON backup_codes (user_id);

-- WebAuthn credentials (webauthn-rs `Passkey`, public data only).
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    passkey TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP
);
CREATE INDEX passkeys_user_idx ON passkeys (user_id);

-- A login between its first and second factor (S5, SR-95): bound to the
-- browser by a cookie whose SHA-256 is token_hash, ≤ 5 minutes.
CREATE TABLE pending_logins (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    amr TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'enroll')),
    replaces_session_id TEXT,
    failures INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_logins_user_idx ON pending_logins (user_id);

-- Server-side state of one WebAuthn ceremony (registration or
-- authentication), single use, bound to a cookie (binding_hash).
CREATE TABLE webauthn_challenges (
    id TEXT PRIMARY KEY NOT NULL,
    binding_hash TEXT NOT NULL UNIQUE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('register', 'authenticate', 'discoverable')),
    state TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- "MFA required" rules: globally, by login method, by organization, by
-- client or by upstream connector type.
CREATE TABLE mfa_policies (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('global', 'login_method', 'organization', 'client', 'upstream')),
    subject TEXT NOT NULL,
    requirement TEXT NOT NULL CHECK (requirement IN ('required', 'optional')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (scope, subject)
);

-- An admin's explicit acceptance of an upstream's own MFA for SSO logins.
CREATE TABLE mfa_upstream_acknowledgments (
    upstream TEXT PRIMARY KEY NOT NULL,
    acknowledged_by TEXT NOT NULL,
    acknowledged_at TIMESTAMP NOT NULL
);
