ALTER TABLE clients DROP COLUMN sector_identifier_uri;
ALTER TABLE clients DROP COLUMN subject_type;
ALTER TABLE users DROP COLUMN address;
ALTER TABLE users DROP COLUMN phone_number_verified;
ALTER TABLE users DROP COLUMN phone_number;
