ALTER TABLE recipients DROP COLUMN last_bounce;
ALTER TABLE recipients DROP COLUMN suspension;
ALTER TABLE recipients DROP COLUMN suspended_at;
ALTER TABLE recipients DROP COLUMN bounces;
