-- The admin user search (store::search_term): an exact term compares
-- lower(email) and lower(display_name). (SQLite's LIKE optimization needs a
-- plain column, so prefix terms still read the rows, as before.)
CREATE INDEX users_email_lower_idx ON users (lower(email));
CREATE INDEX users_display_name_lower_idx ON users (lower(display_name));
