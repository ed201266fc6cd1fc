CREATE TABLE security_audit_logs_old (
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
INSERT INTO security_audit_logs_old
    SELECT l.seq, l.id, l.created_at, l.request_id, l.actor_type, l.actor_id, l.session_id,
        l.organization_id, l.action, l.target_type, l.target_id, l.outcome, l.ip, l.user_agent,
        l.details, coalesce(s.prev_hash, 'unsealed-' || l.id), coalesce(s.hash, '')
    FROM security_audit_logs l LEFT JOIN audit_seals s ON s.seq = l.seq;
DROP TABLE security_audit_logs;
ALTER TABLE security_audit_logs_old RENAME TO security_audit_logs;
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
DROP TABLE audit_seals;
