-- Text search in the audit log (S9): a trigram index over the details, the
-- target id and the actor id, so that "text in the details" finds rare
-- words without reading every row. Contentless (the text stays in the log
-- only); rowid = seq. Rows are only ever inserted (triggers refuse the
-- rest), so one trigger keeps it complete.
CREATE VIRTUAL TABLE security_audit_search USING fts5(
    details, target_id, actor_id, content = '', tokenize = 'trigram'
);
INSERT INTO security_audit_search (rowid, details, target_id, actor_id)
    SELECT seq, details, coalesce(target_id, ''), coalesce(actor_id, '') FROM security_audit_logs;
CREATE TRIGGER security_audit_search_insert AFTER INSERT ON security_audit_logs
BEGIN
    INSERT INTO security_audit_search (rowid, details, target_id, actor_id)
        VALUES (new.seq, new.details, coalesce(new.target_id, ''), coalesce(new.actor_id, ''));
END;
