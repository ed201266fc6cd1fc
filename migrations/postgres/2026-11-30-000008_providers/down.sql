DROP TABLE provider_domains;
DROP TABLE providers;
