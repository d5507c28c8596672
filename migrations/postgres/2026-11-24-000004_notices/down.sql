ALTER TABLE mail_outbox RESET (fillfactor);
DROP INDEX mail_outbox_pending;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
ALTER TABLE mail_outbox ADD CONSTRAINT mail_outbox_message_id_key UNIQUE (message_id);
DROP INDEX mail_outbox_publication;
DELETE FROM mail_outbox WHERE publication_id IS NOT NULL;
ALTER TABLE mail_outbox
    ALTER COLUMN id TYPE TEXT COLLATE "default",
    ALTER COLUMN recipient TYPE TEXT COLLATE "default",
    DROP COLUMN publication_id,
    DROP COLUMN recipient_id,
    DROP COLUMN language,
    DROP COLUMN time_zone,
    DROP COLUMN in_reply_to,
    ALTER COLUMN subject SET NOT NULL,
    ALTER COLUMN body_text SET NOT NULL,
    ALTER COLUMN body_html SET NOT NULL;
DROP TABLE recipient_opt_outs;
DROP TABLE publications;
DROP TABLE notice_products;
DROP TABLE notices;
