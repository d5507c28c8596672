-- Every batch of delivered notice mails ends the runs of bounces of its addresses: an
-- UPDATE of the batch's addresses that still have bounces counted, which is almost none.
-- Without an index that finds those, a planner whose statistics lag a bulk import (a new
-- customer's 100,000 addresses) scans the whole table for each batch: 3 ms a batch of a
-- few hundred mails, a tenth of the database's work while dispatching. This index holds
-- only the addresses with a run of bounces, so it stays tiny.
CREATE INDEX recipients_bouncing ON recipients (id) WHERE bounces > 0;
