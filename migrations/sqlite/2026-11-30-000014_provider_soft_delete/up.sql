-- Soft delete of upstream providers (S8): a deleted provider keeps its row
-- (and its linked identities) but signs nobody in; the email domains it
-- claimed are released and remembered, so a restore claims again those
-- that nobody claimed meanwhile.
ALTER TABLE providers ADD COLUMN deleted_at TIMESTAMP;
ALTER TABLE providers ADD COLUMN deleted_by TEXT;
ALTER TABLE providers ADD COLUMN released_domains TEXT;
CREATE INDEX providers_created_idx ON providers (created_at, id);
