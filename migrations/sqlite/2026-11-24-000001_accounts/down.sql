DROP TABLE dev_mailbox;
DROP TABLE mail_outbox;
DROP TABLE terms;
DROP TABLE password_resets;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE registrations;
DROP TABLE accounts;
