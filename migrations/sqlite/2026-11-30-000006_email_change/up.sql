-- Email changes (S2, SR-96): links to the new address and undo links to
-- the old one are email tokens too. SQLite cannot alter a CHECK: rebuild.
CREATE TABLE email_tokens_new (
    id TEXT PRIMARY KEY NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('reset', 'verify', 'email_change', 'email_revert')),
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
INSERT INTO email_tokens_new SELECT id, purpose, user_id, email, token_hash, created_at, expires_at, used_at FROM email_tokens;
DROP TABLE email_tokens;
ALTER TABLE email_tokens_new RENAME TO email_tokens;
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);
