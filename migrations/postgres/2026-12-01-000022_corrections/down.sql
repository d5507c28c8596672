ALTER TABLE notices DROP COLUMN edited_at;
