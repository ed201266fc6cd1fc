-- Upstream identities linked to users (S7, SR-111): keyed by the provider
-- and the upstream's immutable subject, never by email.
CREATE TABLE identities (
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT,
    created_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    PRIMARY KEY (provider_id, subject)
);
CREATE INDEX identities_user_idx ON identities (user_id);
