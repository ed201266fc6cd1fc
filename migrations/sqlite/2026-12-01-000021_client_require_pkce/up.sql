-- PKCE required of a confidential client too (SR-13: recommended for all;
-- public clients always need it).
ALTER TABLE clients ADD COLUMN require_pkce BOOLEAN NOT NULL DEFAULT FALSE;
