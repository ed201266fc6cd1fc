DROP TABLE api_key_ips;
DROP TABLE alert_cursor;
DROP TABLE alert_firings;
DROP TABLE alert_rules;
