-- Data-key rotation (S10): which data key seals new values lives in the
-- database, so every instance agrees. 'staged' (loaded, not yet used for
-- sealing), 'active' (seals), 'retiring' (still referenced, being
-- re-encrypted away), 'retired' (no row references it; the wrapped key is
-- kept for backups). The CSRF and MAC keys stay 'active'.
ALTER TABLE data_keys ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE data_keys ADD COLUMN activated_at TIMESTAMP;
ALTER TABLE data_keys ADD COLUMN retired_at TIMESTAMP;
UPDATE data_keys SET activated_at = created_at;
