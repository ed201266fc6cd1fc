DROP TABLE invitations;
DROP TABLE email_requests;
DROP TABLE email_tokens;
DROP TABLE email_codes;
DROP TABLE mail_deliveries;
