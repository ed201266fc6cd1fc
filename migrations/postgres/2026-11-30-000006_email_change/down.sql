DELETE FROM email_tokens WHERE purpose IN ('email_change', 'email_revert');
ALTER TABLE email_tokens DROP CONSTRAINT email_tokens_purpose_check;
ALTER TABLE email_tokens ADD CONSTRAINT email_tokens_purpose_check
    CHECK (purpose IN ('reset', 'verify'));
