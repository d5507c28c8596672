-- Rate-limit windows shared by processes on one database. A SQLite database has one process,
-- which counts in its memory: the table stays empty here and exists so that both backends
-- have one schema.
CREATE TABLE rate_limits (
    action TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start TIMESTAMP NOT NULL,
    window_end TIMESTAMP NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (action, key_hash)
);
CREATE INDEX rate_limits_window_end ON rate_limits (window_end);
