-- Upstream groups → organization roles (S7, SR-133): which provider's rule
-- granted a membership (NULL: a person granted it; rules never touch it),
-- and the groups an identity had at its last sign-in (the `groups` claim).
ALTER TABLE memberships ADD COLUMN granted_by TEXT;
ALTER TABLE identities ADD COLUMN groups TEXT NOT NULL DEFAULT '[]';
