-- When an outage's service was restored, as its operator reported with the update that
-- resolved it (that update's time when not given): the status page's history ends it there.
ALTER TABLE notices ADD COLUMN recovered_at TIMESTAMP;
