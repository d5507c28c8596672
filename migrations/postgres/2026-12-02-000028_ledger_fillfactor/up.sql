-- Rows of the ledger are written with room beside them on their page. A claim changes only
-- the lease columns, which no index covers, so with room for the claimed version on the same
-- page PostgreSQL writes it as a heap-only tuple: no new entries in the primary key and the
-- pending index, and none of the index clean-up passes that such entries bring. Each
-- delivery then writes index entries once, when its outcome is recorded, instead of twice.
-- A claimed version is larger than the row written by a fan-out (the lease is filled in),
-- so the room left is more than half the page. The price is a table larger on disk for the
-- same rows; docs/benchmarks.md has the figures of both.
ALTER TABLE deliveries SET (fillfactor = 40);
