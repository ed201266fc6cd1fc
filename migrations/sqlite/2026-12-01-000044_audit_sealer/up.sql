-- No global lock on the request path (issue 18, docs/audit.md): events are
-- appended in the transaction of the change they record (SQLite numbers
-- them: `seq` becomes the rowid, one more than the largest); a background
-- sealer links them into the hash chain in sequence order, in
-- `audit_seals`. SQLite cannot drop the old hash columns (one is UNIQUE),
-- so the table is rebuilt, with its indexes and triggers.

CREATE TABLE audit_seals (
    seq INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'gap')),
    prev_hash TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    sealed_at TIMESTAMP NOT NULL
);
INSERT INTO audit_seals (seq, kind, prev_hash, hash, sealed_at)
    SELECT seq, 'event', prev_hash, hash, created_at FROM security_audit_logs;
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'audit_seals is append-only');
END;
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
BEGIN
    SELECT RAISE(ABORT, 'audit_seals is append-only');
END;

CREATE TABLE security_audit_logs_new (
    seq INTEGER PRIMARY KEY NOT NULL,
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
    details TEXT NOT NULL
);
INSERT INTO security_audit_logs_new (seq, id, created_at, request_id, actor_type, actor_id,
        session_id, organization_id, action, target_type, target_id, outcome, ip, user_agent, details)
    SELECT seq, id, created_at, request_id, actor_type, actor_id, session_id, organization_id,
        action, target_type, target_id, outcome, ip, user_agent, details
    FROM security_audit_logs;
DROP TABLE security_audit_logs;
ALTER TABLE security_audit_logs_new RENAME TO security_audit_logs;

CREATE INDEX security_audit_logs_action_idx ON security_audit_logs (action, created_at);
CREATE INDEX security_audit_logs_created_idx ON security_audit_logs (created_at, id);
CREATE INDEX security_audit_logs_actor_idx ON security_audit_logs (actor_id, created_at);
CREATE INDEX security_audit_logs_target_idx ON security_audit_logs (target_id, created_at);
CREATE INDEX security_audit_logs_org_idx ON security_audit_logs (organization_id, created_at);
CREATE INDEX security_audit_logs_ip_idx ON security_audit_logs (ip, created_at);
CREATE INDEX security_audit_logs_request_idx ON security_audit_logs (request_id);
CREATE INDEX security_audit_logs_session_idx ON security_audit_logs (session_id, created_at);
CREATE TRIGGER security_audit_logs_no_update BEFORE UPDATE ON security_audit_logs
BEGIN
    SELECT RAISE(ABORT, 'security_audit_logs is append-only');
END;
CREATE TRIGGER security_audit_logs_no_delete BEFORE DELETE ON security_audit_logs
BEGIN
    SELECT RAISE(ABORT, 'security_audit_logs is append-only');
END;
CREATE TRIGGER security_audit_search_insert AFTER INSERT ON security_audit_logs
BEGIN
    INSERT INTO security_audit_search (rowid, details, target_id, actor_id)
        VALUES (new.seq, new.details, coalesce(new.target_id, ''), coalesce(new.actor_id, ''));
END;
