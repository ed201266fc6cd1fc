-- OIDC Core §5.4 `phone` and `address` scopes: the user's phone number
-- (E.164, normalized), whether it was verified (only an administrator sets
-- it: there is no SMS verification), and the postal address as one JSON
-- object of the §5.1.1 members (read, written and released as a whole).
ALTER TABLE users ADD COLUMN phone_number TEXT;
ALTER TABLE users ADD COLUMN phone_number_verified BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN address TEXT;
-- OIDC Core §8: a client's subject identifier type (`public`: the user id;
-- `pairwise`: a keyed hash of the sector and the user id) and the
-- optional sector_identifier_uri that names its sector (§8.1).
ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public';
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;
