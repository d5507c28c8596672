DROP INDEX mail_outbox_publication;
CREATE UNIQUE INDEX mail_outbox_publication ON mail_outbox (publication_id, recipient);
DROP INDEX recipients_time_zone;
