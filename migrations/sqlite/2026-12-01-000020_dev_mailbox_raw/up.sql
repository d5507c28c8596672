-- The whole message as it would have gone over SMTP (headers, parts, attachments), so the dev
-- mailbox can show every header and list the attachments.
ALTER TABLE dev_mailbox ADD COLUMN raw TEXT;
