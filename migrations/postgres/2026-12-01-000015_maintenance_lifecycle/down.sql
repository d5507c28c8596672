DROP INDEX notices_lifecycle;
ALTER TABLE notices DROP COLUMN announce_lifecycle;
