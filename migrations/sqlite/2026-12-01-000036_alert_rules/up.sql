-- Alert rules (S9, docs/alerts.md): one rule per kind, evaluated off the
-- audit log. The built-in rules are seeded on, with their thresholds;
-- `recipients`: a JSON array of addresses (empty: every superuser's
-- verified address); `notify_webhook`: whether the `alert.fired` event is
-- sent to webhook subscriptions.
CREATE TABLE alert_rules (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    threshold INTEGER NOT NULL,
    window_minutes INTEGER NOT NULL,
    recipients TEXT NOT NULL,
    notify_webhook BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL,
    updated_by TEXT
);
INSERT INTO alert_rules (id, kind, enabled, threshold, window_minutes, recipients, notify_webhook, updated_at) VALUES
    ('failed_signins_account', 'failed_signins_account', TRUE, 5, 10, '[]', TRUE, CURRENT_TIMESTAMP),
    ('failed_signins_ip', 'failed_signins_ip', TRUE, 20, 10, '[]', TRUE, CURRENT_TIMESTAMP),
    ('new_admin', 'new_admin', TRUE, 1, 1, '[]', TRUE, CURRENT_TIMESTAMP),
    ('mfa_removed', 'mfa_removed', TRUE, 1, 1, '[]', TRUE, CURRENT_TIMESTAMP),
    ('api_key_new_ip', 'api_key_new_ip', TRUE, 1, 1, '[]', TRUE, CURRENT_TIMESTAMP),
    ('signing_key_rotated', 'signing_key_rotated', TRUE, 1, 1, '[]', TRUE, CURRENT_TIMESTAMP),
    ('audit_verify_failed', 'audit_verify_failed', TRUE, 1, 1, '[]', TRUE, CURRENT_TIMESTAMP);

-- One firing per (rule, triggering audit event): the unique pair is the
-- backstop when two instances evaluate at once; `event_at` (the
-- triggering event's time) drives the cool-down of threshold rules.
CREATE TABLE alert_firings (
    id TEXT PRIMARY KEY NOT NULL,
    rule_id TEXT NOT NULL,
    subject TEXT NOT NULL,
    audit_event_id TEXT NOT NULL,
    event_at TIMESTAMP NOT NULL,
    details TEXT NOT NULL,
    fired_at TIMESTAMP NOT NULL,
    UNIQUE (rule_id, audit_event_id)
);
CREATE INDEX alert_firings_subject_idx ON alert_firings (rule_id, subject, event_at);
CREATE INDEX alert_firings_fired_idx ON alert_firings (fired_at, id);

-- The last audit sequence number evaluated (one row).
CREATE TABLE alert_cursor (
    id INTEGER PRIMARY KEY NOT NULL,
    last_seq BIGINT NOT NULL
);
INSERT INTO alert_cursor (id, last_seq)
    SELECT 1, COALESCE(MAX(seq), 0) FROM security_audit_logs;

-- The addresses each API key was used from (first use per pair): a use
-- from an address not in it is audited as `api_key.new_ip`.
CREATE TABLE api_key_ips (
    key_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (key_id, ip)
);
