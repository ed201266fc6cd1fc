ALTER TABLE clients DROP COLUMN dynamically_registered;
DROP TABLE client_registrations;
DROP TABLE registration_tokens;
