-- Email changes (S2, SR-96): links to the new address and undo links to
-- the old one are email tokens too.
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('reset', 'verify', 'email_change', 'email_revert'));
