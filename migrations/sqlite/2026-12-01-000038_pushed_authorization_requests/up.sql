-- Pushed authorization requests (RFC 9126): the parameters a client posted
-- to /par, found again by the SHA-256 of the request_uri handed back;
-- single use (used_at set in the transaction that issues the code).
CREATE TABLE pushed_requests (
    uri_hash TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    params TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    first_used_at TIMESTAMP,
    used_at TIMESTAMP
);
CREATE INDEX pushed_requests_expires_at ON pushed_requests (expires_at);
-- A client that must push its authorization requests.
ALTER TABLE clients ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT FALSE;
