-- OpenID Provider core: clients, signing keys, codes, grants (token
-- families), refresh tokens, consents, device codes, revoked access tokens,
-- used client-assertion ids.

CREATE TABLE clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_hash TEXT,
    public BOOLEAN NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    grant_types TEXT NOT NULL,
    scopes TEXT NOT NULL,
    backchannel_logout_uri TEXT,
    jwks TEXT,
    id_token_signed_response_alg TEXT NOT NULL,
    access_token_signed_response_alg TEXT NOT NULL,
    consent TEXT NOT NULL CHECK (consent IN ('required', 'skip')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE signing_keys (
    id TEXT PRIMARY KEY NOT NULL,
    alg TEXT NOT NULL,
    private_key TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('next', 'current', 'retired')),
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    retired_at TIMESTAMP
);
CREATE INDEX signing_keys_alg_state_idx ON signing_keys (alg, state);

-- A grant: one authorization of a client (by a user, or by itself for
-- client_credentials); every access and refresh token belongs to one, and
-- revoking the grant revokes them all.
CREATE TABLE grants (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT,
    scope TEXT NOT NULL,
    auth_time TIMESTAMP,
    amr TEXT NOT NULL,
    acr TEXT,
    nonce TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX grants_session_idx ON grants (session_id);
CREATE INDEX grants_user_idx ON grants (user_id);

CREATE TABLE authorization_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    auth_time TIMESTAMP NOT NULL,
    amr TEXT NOT NULL,
    acr TEXT,
    claims TEXT,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    grant_id TEXT
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    grant_id TEXT NOT NULL REFERENCES grants (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL,
    scope TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_grant_idx ON refresh_tokens (grant_id);

CREATE TABLE consents (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

CREATE TABLE device_codes (
    device_code_hash TEXT PRIMARY KEY NOT NULL,
    user_code TEXT NOT NULL UNIQUE,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    poll_interval_secs INTEGER NOT NULL,
    last_polled_at TIMESTAMP,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'redeemed')),
    user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT,
    auth_time TIMESTAMP,
    amr TEXT
);

-- Access tokens revoked before expiry (RFC 7009), by jti.
CREATE TABLE revoked_access_tokens (
    jti TEXT PRIMARY KEY NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP NOT NULL
);

-- private_key_jwt assertion ids, single use until expiry (SR-34).
CREATE TABLE client_assertion_jtis (
    client_id TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, jti)
);
