-- A draft may be scheduled: the scheduler publishes it at `publish_at` (its audience is
-- computed then), clearing the column in the publication's transaction so that exactly one
-- process publishes it.
ALTER TABLE notices ADD COLUMN publish_at TIMESTAMP;
CREATE INDEX notices_scheduled ON notices (publish_at) WHERE publish_at IS NOT NULL;
