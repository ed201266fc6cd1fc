-- API keys of the admin API (S8, SR-56): `ost_` + 256 random bits, stored
-- only as the SHA-256 of the whole key; scoped, optionally bound to one
-- organization, expiring, revocable, limited to source networks and a rate
-- (counted per minute in the row, so every instance shares the count).
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    organization_id TEXT REFERENCES organizations (id),
    scopes TEXT NOT NULL,
    vendor BOOLEAN NOT NULL,
    allowed_ips TEXT NOT NULL,
    rate_limit_per_min INTEGER,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    last_used_ip TEXT,
    use_count INTEGER NOT NULL,
    window_start TIMESTAMP,
    window_count INTEGER NOT NULL
);
