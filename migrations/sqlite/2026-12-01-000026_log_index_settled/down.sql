DROP INDEX deliveries_destination;
CREATE INDEX deliveries_destination ON deliveries (destination, id);
