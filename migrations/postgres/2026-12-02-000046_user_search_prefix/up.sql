-- The admin user search matches from the start of the address or the name
-- unless its term asks for more (store::search_term, as Keycloak's). Under
-- a collation other than C, LIKE 'text%' and lower(...) = 'text' are served
-- by text_pattern_ops B-trees: a rare term stays a few index pages at any
-- table size (issue 18, docs/performance.md).
CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops);
CREATE INDEX users_display_name_prefix_idx ON users (lower(display_name) text_pattern_ops);
