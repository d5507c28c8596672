-- A successful attempt, the common case and always a delivery's last, is kept on the
-- delivery itself: its reply and latency here, its time in `sent_at`. `delivery_attempts`
-- keeps the attempts that did not succeed (and a success recorded after its lease ran out).
-- Recording a delivered message then writes one row instead of two, which on PostgreSQL is
-- most of what a delivery costs the database (docs/benchmarks.md).
ALTER TABLE deliveries ADD COLUMN reply TEXT;
-- Set exactly when a success is recorded on the row.
ALTER TABLE deliveries ADD COLUMN latency_ms INTEGER;
UPDATE deliveries d SET reply = a.reply, latency_ms = a.latency_ms
    FROM delivery_attempts a
    WHERE a.delivery_id = d.id AND a.attempt = d.attempts AND a.outcome = 'sent';
DELETE FROM delivery_attempts a USING deliveries d
    WHERE a.delivery_id = d.id AND a.attempt = d.attempts AND d.latency_ms IS NOT NULL;
