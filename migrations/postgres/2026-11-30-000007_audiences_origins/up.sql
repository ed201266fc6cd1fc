-- Audiences (RFC 8707 resource indicators, SR-38) and browser origins
-- (CORS, SR-06) a client registers; the resources an authorization asked
-- for, kept with its code and grant. JSON arrays in text, like the other
-- client lists.
ALTER TABLE clients ADD COLUMN audiences TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN allowed_origins TEXT NOT NULL DEFAULT '[]';
ALTER TABLE authorization_codes ADD COLUMN resources TEXT;
ALTER TABLE grants ADD COLUMN resources TEXT;
