-- Indexes for lookups that read whole tables at scale (issue 18; see
-- docs/performance.md). The admin user list pages by (created_at, id).
CREATE INDEX users_created_idx ON users (created_at, id);
