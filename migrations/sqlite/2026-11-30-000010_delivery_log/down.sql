DROP INDEX deliveries_destination;
ALTER TABLE deliveries DROP COLUMN skip_reason;
