DELETE FROM deliveries WHERE carries NOT IN ('notice', 'account_mail', 'event');
UPDATE deliveries SET status = 'skipped', skip_reason = 'window' WHERE status = 'held';
DROP INDEX deliveries_digest;
DROP INDEX deliveries_digest_items;
ALTER TABLE deliveries DROP COLUMN digest_id;
ALTER TABLE webhooks DROP COLUMN hold;
ALTER TABLE webhooks DROP COLUMN reminders;
ALTER TABLE recipients DROP COLUMN hold;
ALTER TABLE recipients DROP COLUMN reminders;
