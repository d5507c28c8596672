INSERT INTO delivery_attempts (delivery_id, attempt, attempted_at, outcome, reply, latency_ms)
    SELECT id, attempts, COALESCE(sent_at, created_at), 'sent', reply, latency_ms
    FROM deliveries WHERE latency_ms IS NOT NULL
    ON CONFLICT DO NOTHING;
ALTER TABLE deliveries DROP COLUMN latency_ms;
ALTER TABLE deliveries DROP COLUMN reply;
