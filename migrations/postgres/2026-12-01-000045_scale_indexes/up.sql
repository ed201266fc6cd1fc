-- Indexes for lookups that read whole tables at scale (issue 18; the plans
-- are in docs/performance.md). The admin user list pages by
-- (created_at, id); its search matches lower(email) and lower(display_name)
-- with LIKE '%text%', which trigram indexes serve (pg_trgm, created by
-- 000035 where it can be; without it the search reads rows as before).
CREATE INDEX users_created_idx ON users (created_at, id);
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        EXECUTE 'CREATE INDEX users_email_trgm ON users USING gin (lower(email) gin_trgm_ops)';
        EXECUTE 'CREATE INDEX users_display_name_trgm ON users USING gin (lower(display_name) gin_trgm_ops)';
    END IF;
END
$$;
