DELETE FROM mail_outbox WHERE publication_id IS NOT NULL;
CREATE TABLE mail_outbox_old (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    lease_token TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO mail_outbox_old
SELECT id, recipient, subject, body_text, body_html, message_id, status, attempts, next_attempt_at, lease_until, lease_token, last_error, created_at, sent_at
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_old RENAME TO mail_outbox;
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
DROP TABLE recipient_opt_outs;
DROP TABLE publications;
DROP TABLE notice_products;
DROP TABLE notices;
