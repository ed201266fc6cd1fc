-- Organization auditors: read-only members of the admin API (S8).
-- SQLite cannot alter a CHECK constraint: the two tables are rebuilt.
CREATE TABLE memberships_rebuilt (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'auditor', 'member')),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organization_id)
);
INSERT INTO memberships_rebuilt (user_id, organization_id, role, created_at)
    SELECT user_id, organization_id, role, created_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_rebuilt RENAME TO memberships;
CREATE INDEX memberships_organization_idx ON memberships (organization_id);

CREATE TABLE invitations_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'auditor', 'member')),
    token_hash TEXT NOT NULL UNIQUE,
    invited_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT
);
INSERT INTO invitations_rebuilt
    SELECT id, organization_id, email, role, token_hash, invited_by, created_at,
           expires_at, accepted_at, accepted_by
    FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_rebuilt RENAME TO invitations;
CREATE INDEX invitations_email_idx ON invitations (email);
