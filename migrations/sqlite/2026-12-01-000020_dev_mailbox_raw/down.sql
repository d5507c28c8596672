ALTER TABLE dev_mailbox DROP COLUMN raw;
