ALTER TABLE notices DROP COLUMN impact;
