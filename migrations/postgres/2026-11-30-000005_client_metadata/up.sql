-- Client metadata shown on the sign-in and consent pages (RFC 7591 names).
ALTER TABLE clients ADD COLUMN logo_uri TEXT;
ALTER TABLE clients ADD COLUMN policy_uri TEXT;
ALTER TABLE clients ADD COLUMN tos_uri TEXT;
