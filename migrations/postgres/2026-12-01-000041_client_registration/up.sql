-- Dynamic client registration (RFC 7591 / 7592, SR-141).
-- Initial access tokens an administrator issues: only their SHA-256 is
-- kept; optionally bound to an organization (the clients registered with
-- it belong to it), an expiry and a number of uses.
CREATE TABLE registration_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    organization_id TEXT REFERENCES organizations (id),
    expires_at TIMESTAMP,
    max_uses INTEGER,
    use_count INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
-- The registration access token (RFC 7592) of each dynamically registered
-- client, as a SHA-256, and the initial access token it was registered with.
CREATE TABLE client_registrations (
    client_id TEXT PRIMARY KEY NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    access_token_hash TEXT NOT NULL UNIQUE,
    registration_token_id TEXT REFERENCES registration_tokens (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- A client registered through /register (always asks for consent).
ALTER TABLE clients ADD COLUMN dynamically_registered BOOLEAN NOT NULL DEFAULT FALSE;
