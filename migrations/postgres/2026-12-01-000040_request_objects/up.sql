-- Signed request objects (RFC 9101): where a client's public keys may be
-- fetched from (instead of an inline jwks), the one algorithm its request
-- objects must use (OIDC Registration request_object_signing_alg; NULL:
-- any allowed one), and whether every authorization request of it must
-- come in a signed request object (RFC 9101 §10.5).
ALTER TABLE clients ADD COLUMN jwks_uri TEXT;
ALTER TABLE clients ADD COLUMN request_object_signing_alg TEXT;
ALTER TABLE clients ADD COLUMN require_signed_request_object BOOLEAN NOT NULL DEFAULT FALSE;
