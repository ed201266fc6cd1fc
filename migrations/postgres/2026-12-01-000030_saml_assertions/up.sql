-- SAML assertion ids already consumed (SR-122): an assertion is accepted
-- once; its id is kept until its NotOnOrAfter (plus the allowed skew), in
-- the database so that every instance sees it.
CREATE TABLE saml_assertions (
    provider_id TEXT NOT NULL,
    assertion_id TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (provider_id, assertion_id)
);
CREATE INDEX saml_assertions_expiry_idx ON saml_assertions (expires_at);
