-- One ledger for every channel. The outbox becomes `deliveries`: a row is one delivery of
-- something (an account mail, a notice publication, a webhook event) to one destination (an
-- e-mail address, or a webhook destination by id) over one channel, due at a time. Each
-- attempt's outcome is kept in `delivery_attempts`; the row holds only the latest state.

ALTER TABLE mail_outbox RENAME TO deliveries;
-- The address for e-mail, the webhook destination's id otherwise: one delivery per
-- destination per publication.
ALTER TABLE deliveries RENAME COLUMN recipient TO destination;
ALTER TABLE deliveries RENAME COLUMN recipient_id TO destination_id;
ALTER TABLE deliveries RENAME COLUMN next_attempt_at TO due_at;
ALTER TABLE deliveries ADD COLUMN channel TEXT NOT NULL DEFAULT 'email';
ALTER TABLE deliveries ADD COLUMN carries TEXT NOT NULL DEFAULT 'account_mail';
UPDATE deliveries SET carries = 'notice' WHERE publication_id IS NOT NULL;

DROP INDEX mail_outbox_pending;
CREATE INDEX deliveries_due ON deliveries (due_at) WHERE status = 'pending';
DROP INDEX mail_outbox_publication;
CREATE UNIQUE INDEX deliveries_publication ON deliveries (publication_id, destination);

-- History, written in the same group commits that settle the deliveries. No foreign key:
-- the ledger alone writes both tables, and a key would be one more index lookup per attempt.
CREATE TABLE delivery_attempts (
    delivery_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    -- sent | retry | failed
    outcome TEXT NOT NULL,
    -- The server's reply: an SMTP reply line, or an HTTP status and the start of its body.
    reply TEXT,
    latency_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);

-- Webhook destinations: a generic (Standard Webhooks) endpoint, a Slack incoming webhook or
-- a Microsoft Teams workflow webhook, with the same window, time zone and per-kind choice
-- as an e-mail address. Active only once the code of their test event has been typed back.
CREATE TABLE webhooks (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    -- The signing secret (`whsec_…`): needed in clear to sign, so it is kept, not hashed.
    secret TEXT NOT NULL,
    -- After a rotation the old secret also signs, until this instant.
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    weekdays INTEGER NOT NULL,
    hours INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    language TEXT NOT NULL,
    maintenance BOOLEAN NOT NULL,
    outage BOOLEAN NOT NULL,
    -- pending | active | quarantined
    status TEXT NOT NULL,
    -- The test event's code, hashed like every other token; NULL once verified.
    code_hash TEXT,
    code_expires_at TIMESTAMP,
    -- Consecutive failed attempts, and when the run of failures began.
    failures INTEGER NOT NULL DEFAULT 0,
    failing_since TIMESTAMP,
    last_error TEXT,
    quarantined_at TIMESTAMP,
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhooks_account ON webhooks (account_id);
CREATE INDEX webhooks_time_zone ON webhooks (time_zone);
