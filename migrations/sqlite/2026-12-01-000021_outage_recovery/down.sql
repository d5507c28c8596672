ALTER TABLE notices DROP COLUMN recovered_at;
