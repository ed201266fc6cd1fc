DROP INDEX IF EXISTS users_display_name_trgm;
DROP INDEX IF EXISTS users_email_trgm;
DROP INDEX IF EXISTS users_created_idx;
