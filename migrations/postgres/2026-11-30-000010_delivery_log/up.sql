-- The delivery log: every destination a publication concerns gets a row, including those
-- it is not sent to, so that a customer can read why nothing arrived. Such a row is written
-- with status 'skipped' and the reason: window (its delivery hours exclude the issue
-- instant), unsubscribed (the address opted out of the product and kind, or the webhook
-- does not take the kind), suspended (the address bounces, the webhook is quarantined).
-- A delivery the receiving server bounced later, or at once with a permanent reply, has
-- status 'bounced'.
ALTER TABLE deliveries ADD COLUMN skip_reason TEXT;
-- A customer's log is read destination by destination, newest first (ids begin with the
-- publication's time-ordered id).
CREATE INDEX deliveries_destination ON deliveries (destination, id);
