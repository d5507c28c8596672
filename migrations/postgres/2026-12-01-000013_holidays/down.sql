ALTER TABLE webhooks DROP COLUMN holidays;
ALTER TABLE recipients DROP COLUMN holidays;
