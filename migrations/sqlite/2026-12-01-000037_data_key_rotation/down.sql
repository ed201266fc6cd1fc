ALTER TABLE data_keys DROP COLUMN retired_at;
ALTER TABLE data_keys DROP COLUMN activated_at;
ALTER TABLE data_keys DROP COLUMN state;
