-- Walking skeleton: organizations, users, memberships, sessions, throttling,
-- the hash-chained audit log, data keys and the one-time setup marker.

CREATE TABLE organizations (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    superuser BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP,
    deleted_by TEXT REFERENCES users (id)
);
-- Unique on the normalized email among users that are not deleted.
CREATE UNIQUE INDEX users_email_live_key ON users (email) WHERE deleted_at IS NULL;

CREATE TABLE memberships (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
CREATE INDEX memberships_organization_idx ON memberships (organization_id);

CREATE TABLE auth_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    auth_time TIMESTAMP NOT NULL,
    amr TEXT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    device_label TEXT NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id);

CREATE TABLE login_throttles (
    key TEXT PRIMARY KEY NOT NULL,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

CREATE TABLE security_audit_logs (
    seq BIGINT PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    request_id TEXT,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    session_id TEXT,
    organization_id TEXT,
    action TEXT NOT NULL,
    target_type TEXT,
    target_id TEXT,
    outcome TEXT NOT NULL,
    ip TEXT,
    user_agent TEXT,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL
);
CREATE INDEX security_audit_logs_action_idx ON security_audit_logs (action, created_at);

CREATE FUNCTION security_audit_logs_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'security_audit_logs is append-only';
END;
$$;
CREATE TRIGGER security_audit_logs_no_update BEFORE UPDATE ON security_audit_logs
    FOR EACH ROW EXECUTE FUNCTION security_audit_logs_append_only();
CREATE TRIGGER security_audit_logs_no_delete BEFORE DELETE ON security_audit_logs
    FOR EACH ROW EXECUTE FUNCTION security_audit_logs_append_only();
CREATE TRIGGER security_audit_logs_no_truncate BEFORE TRUNCATE ON security_audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION security_audit_logs_append_only();

-- The chain head: one row, updated by every append. Audited transactions
-- touch it first, which serializes them (SQLite write lock, PostgreSQL row lock).
CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE data_keys (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    master_key_id TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE setup_state (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    completed_at TIMESTAMP NOT NULL,
    admin_user_id TEXT NOT NULL REFERENCES users (id)
);
