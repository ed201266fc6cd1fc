-- No global lock on the request path (issue 18, docs/audit.md): events get
-- their sequence number from a database sequence in the transaction of the
-- change they record; a background sealer links them into the hash chain
-- in sequence order, in `audit_seals`, and records sequence numbers that
-- rolled-back transactions used up as gaps.

CREATE TABLE audit_seals (
    seq BIGINT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('event', 'gap')),
    prev_hash TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    sealed_at TIMESTAMP NOT NULL
);
INSERT INTO audit_seals (seq, kind, prev_hash, hash, sealed_at)
    SELECT seq, 'event', prev_hash, hash, created_at FROM security_audit_logs;

CREATE FUNCTION audit_seals_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_seals is append-only';
END;
$$;
CREATE TRIGGER audit_seals_no_update BEFORE UPDATE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_seals_append_only();
CREATE TRIGGER audit_seals_no_delete BEFORE DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_seals_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit_seals_append_only();

ALTER TABLE security_audit_logs DROP COLUMN prev_hash, DROP COLUMN hash;

-- CACHE 1 (the default): numbers are handed out in increasing order across
-- all sessions, which the sealer's gap rule relies on.
CREATE SEQUENCE security_audit_logs_seq CACHE 1;
SELECT setval('security_audit_logs_seq',
              COALESCE((SELECT MAX(seq) FROM security_audit_logs), 0) + 1, false);

-- The transaction gets its id before it takes a number, so that once every
-- transaction older than the sealer's snapshot has ended, a number still
-- missing belongs to a transaction that rolled back (docs/audit.md).
CREATE FUNCTION security_audit_next_seq() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN nextval('security_audit_logs_seq');
END;
$$;
ALTER TABLE security_audit_logs ALTER COLUMN seq SET DEFAULT security_audit_next_seq();

COMMENT ON TABLE audit_chain_head IS
    'The last sealed row of the audit hash chain; written only by the sealer.';
