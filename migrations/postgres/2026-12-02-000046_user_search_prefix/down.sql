DROP INDEX IF EXISTS users_display_name_prefix_idx;
DROP INDEX IF EXISTS users_email_prefix_idx;
