DROP INDEX IF EXISTS users_created_idx;
