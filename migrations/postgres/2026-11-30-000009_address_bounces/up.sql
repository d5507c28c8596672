-- An address whose mail keeps bouncing is suspended (status 'suspended') instead of being
-- mailed again and again: at once when its server says the mailbox does not exist (5.1.x,
-- 5.2.1), or after three permanent failures in a row. Its owner is told once and resumes it
-- from My Support, which sends a new verification link.
ALTER TABLE recipients ADD COLUMN bounces INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recipients ADD COLUMN suspended_at TIMESTAMP;
-- no_such_user | repeated_failures
ALTER TABLE recipients ADD COLUMN suspension TEXT;
-- The mail server's reply to the last permanent failure.
ALTER TABLE recipients ADD COLUMN last_bounce TEXT;
