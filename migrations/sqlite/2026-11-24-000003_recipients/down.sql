DROP TABLE recipient_verifications;
DROP TABLE recipients;
ALTER TABLE accounts DROP COLUMN time_zone;
