-- When a published notice's text was last corrected (no one is mailed for a correction): the
-- site and the feeds mark it as edited then.
ALTER TABLE notices ADD COLUMN edited_at TIMESTAMP;
