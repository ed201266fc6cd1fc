-- Upstream identity providers (S7). Kind-specific, non-secret settings are a
-- JSON object; the client secret or bind password is envelope-encrypted
-- (SR-115). An email domain is claimed by at most one provider.
CREATE TABLE providers (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('oidc', 'google', 'entra', 'okta', 'jumpcloud', 'github', 'saml', 'ldap')),
    name TEXT NOT NULL,
    enabled BOOLEAN NOT NULL,
    organization_id TEXT REFERENCES organizations (id),
    trust_email BOOLEAN NOT NULL,
    jit BOOLEAN NOT NULL,
    button_label TEXT,
    settings TEXT NOT NULL,
    secret TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE provider_domains (
    domain TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE
);
CREATE INDEX provider_domains_provider_idx ON provider_domains (provider_id);
