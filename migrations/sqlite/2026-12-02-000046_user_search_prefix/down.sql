DROP INDEX IF EXISTS users_display_name_lower_idx;
DROP INDEX IF EXISTS users_email_lower_idx;
