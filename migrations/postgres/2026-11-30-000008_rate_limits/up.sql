-- Rate-limit windows, shared by every process on the database: one row per action and key,
-- counted with one atomic upsert per event, so the limits hold whatever the number of
-- processes behind the load balancer. Rows whose window has ended are pruned.
CREATE TABLE rate_limits (
    action TEXT NOT NULL,
    -- SHA-256 of what is counted (an address, a token, a client address): none in clear.
    key_hash TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (action, key_hash)
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
