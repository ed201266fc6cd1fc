-- DPoP (RFC 9449). Proofs seen, so a proof is used once across every
-- instance (§11.1): keyed by the SHA-256 of its jti and the thumbprint of
-- its key, kept until its iat falls out of the accepted window.
CREATE TABLE dpop_proofs (
    jti_hash TEXT NOT NULL,
    jkt TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    PRIMARY KEY (jti_hash, jkt)
);
CREATE INDEX dpop_proofs_expires_at ON dpop_proofs (expires_at);
-- RFC 9449 §5.2: the client must send a DPoP proof with every token request.
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BOOLEAN NOT NULL DEFAULT FALSE;
-- §10: the key an authorization request named (dpop_jkt); the code's
-- redemption must prove it.
ALTER TABLE authorization_codes ADD COLUMN dpop_jkt TEXT;
-- §5: the key a public client's refresh tokens are bound to.
ALTER TABLE grants ADD COLUMN dpop_jkt TEXT;
