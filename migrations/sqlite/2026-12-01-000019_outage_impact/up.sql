-- How badly an outage affects its products (degraded | partial_outage | major_outage): what
-- the status page shows while it is open. NULL for maintenance, and for an outage counted as
-- a partial outage.
ALTER TABLE notices ADD COLUMN impact TEXT;
