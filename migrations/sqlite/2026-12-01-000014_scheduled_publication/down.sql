DROP INDEX notices_scheduled;
ALTER TABLE notices DROP COLUMN publish_at;
