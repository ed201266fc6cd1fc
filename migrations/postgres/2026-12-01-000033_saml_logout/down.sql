DROP TABLE saml_sessions;
