DROP INDEX IF EXISTS security_audit_logs_details_trgm;
DROP INDEX IF EXISTS security_audit_logs_target_trgm;
DROP INDEX IF EXISTS security_audit_logs_actor_trgm;
-- The extension goes too, unless something else uses it.
DO $$
BEGIN
    DROP EXTENSION IF EXISTS pg_trgm;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm kept: %', SQLERRM;
END
$$;
