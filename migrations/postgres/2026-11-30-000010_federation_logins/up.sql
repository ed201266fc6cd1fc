-- Sign-ins in flight at an upstream provider (S7, SR-110): found by the
-- SHA-256 of the `state` sent upstream, bound to the browser by the hash of
-- a cookie, single use, short-lived. The PKCE verifier is envelope-encrypted.
CREATE TABLE federation_logins (
    state_hash TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL REFERENCES providers (id) ON DELETE CASCADE,
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX federation_logins_expiry_idx ON federation_logins (expires_at);
