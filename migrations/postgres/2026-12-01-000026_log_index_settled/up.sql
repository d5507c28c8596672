-- The delivery log's index leaves out the rows still waiting for their first attempt
-- (pending, due when written): a publication writes 100,000 of them at once, and each one's
-- key lands among its destination's earlier rows, a random place in a large B-tree, once at
-- the fan-out and again at its claim. A row enters the index when its outcome is recorded
-- (or it is sent back for a retry, due later), with the new row version that writes anyway.
-- The log reads the left-out rows off the pending index. The predicate is repeated word for
-- word by the log's query (`ledger::INDEXED_IN_LOG`).
DROP INDEX deliveries_destination;
CREATE INDEX deliveries_destination ON deliveries (destination, id)
    WHERE (status <> 'pending' OR due_at > created_at);
