-- The audit viewer's filters (S9): every filter of the console and the API
-- reads an index, newest first or in creation order.
CREATE INDEX security_audit_logs_created_idx ON security_audit_logs (created_at, id);
CREATE INDEX security_audit_logs_actor_idx ON security_audit_logs (actor_id, created_at);
CREATE INDEX security_audit_logs_target_idx ON security_audit_logs (target_id, created_at);
CREATE INDEX security_audit_logs_org_idx ON security_audit_logs (organization_id, created_at);
CREATE INDEX security_audit_logs_ip_idx ON security_audit_logs (ip, created_at);
CREATE INDEX security_audit_logs_request_idx ON security_audit_logs (request_id);
CREATE INDEX security_audit_logs_session_idx ON security_audit_logs (session_id, created_at);
