-- Text search in the audit log (S9): trigram indexes (pg_trgm, a trusted
-- extension since PostgreSQL 13) serve `LIKE '%text%'` over the details,
-- the target id and the actor id. Where the extension cannot be created
-- (no privilege, not installed) the search still works, by reading rows.
DO $$
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): audit text search reads rows', SQLERRM;
END
$$;
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX security_audit_logs_details_trgm ON security_audit_logs USING gin (details gin_trgm_ops)';
        EXECUTE 'CREATE INDEX security_audit_logs_target_trgm ON security_audit_logs USING gin (target_id gin_trgm_ops)';
        EXECUTE 'CREATE INDEX security_audit_logs_actor_trgm ON security_audit_logs USING gin (actor_id gin_trgm_ops)';
    END IF;
END
$$;
