DROP INDEX providers_created_idx;
ALTER TABLE providers DROP COLUMN released_domains;
ALTER TABLE providers DROP COLUMN deleted_by;
ALTER TABLE providers DROP COLUMN deleted_at;
