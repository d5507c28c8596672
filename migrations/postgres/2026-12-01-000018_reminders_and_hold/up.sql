-- Reminders before a maintenance starts, as a bit set of lead times (1: 24 hours before,
-- 2: 1 hour before), and whether a notice issued outside the window waits for the window to
-- open (delivered with any others as one digest) instead of being skipped, the default.
ALTER TABLE recipients ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE recipients ADD COLUMN hold BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE webhooks ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhooks ADD COLUMN hold BOOLEAN NOT NULL DEFAULT FALSE;

-- A held delivery (status 'held') names the digest that carries it; it takes the digest's
-- outcome when the digest is settled.
ALTER TABLE deliveries ADD COLUMN digest_id TEXT;
CREATE INDEX deliveries_digest_items ON deliveries (digest_id) WHERE digest_id IS NOT NULL;
-- One digest per destination and opening of its window: every notice held for that opening
-- joins it.
CREATE UNIQUE INDEX deliveries_digest ON deliveries (channel, destination, due_at)
    WHERE carries = 'digest';
