DROP TRIGGER security_audit_search_insert;
DROP TABLE security_audit_search;
