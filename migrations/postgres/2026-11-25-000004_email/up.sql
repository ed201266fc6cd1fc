-- Email (S6): delivery records, sign-in codes, reset and verification
-- tokens, per-address request counters and organization invitations.
-- Secrets are stored only as hashes (SR-55).

-- One row per outgoing message, written before it is handed to SMTP.
CREATE TABLE mail_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX mail_deliveries_created_idx ON mail_deliveries (created_at);

-- "Sign in with email" codes (SR-93). A row is written for every request,
-- also for unknown addresses (user_id NULL, a code nobody receives), so the
-- hourly limit and the answers are the same either way (SR-85). code_hash
-- is a keyed hash; binding_hash is the SHA-256 of the browser's cookie.
CREATE TABLE email_codes (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    binding_hash TEXT NOT NULL,
    ip TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX email_codes_email_idx ON email_codes (email, created_at);
CREATE INDEX email_codes_binding_idx ON email_codes (binding_hash);

-- Password reset and email verification links: SHA-256 of a 256-bit token.
CREATE TABLE email_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'verify')),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

-- Requests that send mail (reset, verification re-send), counted per
-- address and purpose whether or not the address has an account.
CREATE TABLE email_requests (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_requests_email_idx ON email_requests (purpose, email, created_at);

-- Invitations to an organization with a role (SHA-256 of the token).
CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT
);
CREATE INDEX invitations_email_idx ON invitations (email);
