-- Federation, second part (S7): a provider may keep the upstream's tokens
-- (sealed on the identity) and may let local passwords sign in for the
-- domains it claims; a sign-in in flight may be an explicit link of the
-- signed-in user (checked against the session again at the callback); the
-- address that started a sign-in bounds how many one address has in flight.
ALTER TABLE providers ADD COLUMN allow_local_passwords BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE providers ADD COLUMN keep_tokens BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE identities ADD COLUMN tokens TEXT;
ALTER TABLE federation_logins ADD COLUMN link_user_id TEXT;
ALTER TABLE federation_logins ADD COLUMN ip TEXT;
CREATE INDEX federation_logins_ip_idx ON federation_logins (ip, created_at);
