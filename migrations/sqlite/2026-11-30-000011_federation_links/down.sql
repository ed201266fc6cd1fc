DROP INDEX federation_logins_ip_idx;
ALTER TABLE federation_logins DROP COLUMN ip;
ALTER TABLE federation_logins DROP COLUMN link_user_id;
ALTER TABLE identities DROP COLUMN tokens;
ALTER TABLE providers DROP COLUMN keep_tokens;
ALTER TABLE providers DROP COLUMN allow_local_passwords;
