ALTER TABLE identities DROP COLUMN groups;
ALTER TABLE memberships DROP COLUMN granted_by;
