-- Webhooks (S9): subscriptions of an organization (or global ones, NULL)
-- to audit event types; the secret is sealed (SR-54), recoverable to sign.
-- `after_seq`: the audit sequence number at creation — a subscription sees
-- only later events.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    secret_sealed TEXT NOT NULL,
    secret_hint TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    after_seq BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_organization_idx ON webhooks (organization_id);

-- One delivery per (event, subscription): the unique pair is the
-- idempotency backstop when two instances enqueue at once.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL,
    audit_event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (subscription_id, audit_event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);

-- The last audit sequence number turned into deliveries (one row).
CREATE TABLE webhook_cursor (
    id INTEGER PRIMARY KEY NOT NULL,
    last_seq BIGINT NOT NULL
);
INSERT INTO webhook_cursor (id, last_seq)
    SELECT 1, COALESCE(MAX(seq), 0) FROM security_audit_logs;
