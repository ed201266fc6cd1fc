-- SAML single logout (SP-initiated): what the IdP needs to end its session
-- when ours ends: the NameID (value, format, qualifiers) and SessionIndex
-- of the assertion that started it, sealed with the envelope key. One row
-- per session of ours, taken (deleted) when that session logs out; kept no
-- longer than the session could live.
CREATE TABLE saml_sessions (
    session_id TEXT PRIMARY KEY NOT NULL,
    provider_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX saml_sessions_expiry_idx ON saml_sessions (expires_at);
