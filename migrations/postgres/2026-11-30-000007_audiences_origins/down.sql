ALTER TABLE grants DROP COLUMN resources;
ALTER TABLE authorization_codes DROP COLUMN resources;
ALTER TABLE clients DROP COLUMN allowed_origins;
ALTER TABLE clients DROP COLUMN audiences;
