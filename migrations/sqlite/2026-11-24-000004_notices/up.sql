-- Notices (工事・故障情報), their publications, per-address opt-outs, and the outbox rows a
-- publication fans out to.

CREATE TABLE notices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title_ja TEXT NOT NULL,
    title_en TEXT,
    body_ja TEXT NOT NULL,
    body_en TEXT,
    -- The current state: the latest publication overrides these.
    status TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    created_by TEXT REFERENCES accounts (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- NULL while a draft.
    published_at TIMESTAMP
);
CREATE INDEX notices_published ON notices (published_at);

CREATE TABLE notice_products (
    notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (notice_id, product_id)
);
CREATE INDEX notice_products_product ON notice_products (product_id);

-- One row per mailing: the first publication (sequence 0) and each follow-up update.
CREATE TABLE publications (
    id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL REFERENCES notices (id),
    sequence INTEGER NOT NULL,
    body_ja TEXT NOT NULL,
    body_en TEXT,
    status TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP,
    issued_at TIMESTAMP NOT NULL,
    -- Addresses mailed, and addresses left out only because their window excluded the
    -- issue instant.
    audience INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    UNIQUE (notice_id, sequence)
);

-- 配信停止: one address no longer wants one kind of mail for one product.
CREATE TABLE recipient_opt_outs (
    recipient_id TEXT NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products (id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (recipient_id, product_id, kind)
);

-- Notice mails are rendered when sent, from the publication and the address's language and
-- time zone, so that queueing 100,000 of them writes small rows. SQLite cannot drop NOT NULL
-- in place: the table is rebuilt.
CREATE TABLE mail_outbox_new (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT,
    body_text TEXT,
    body_html TEXT,
    -- Made from the row's id, so unique without an index of its own.
    message_id TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    lease_token TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    -- No foreign key: only the fan-out writes it, with the publication it has just inserted.
    publication_id TEXT,
    recipient_id TEXT,
    language TEXT,
    time_zone TEXT,
    in_reply_to TEXT
);
INSERT INTO mail_outbox_new (id, recipient, subject, body_text, body_html, message_id, status, attempts, next_attempt_at, lease_until, lease_token, last_error, created_at, sent_at)
SELECT id, recipient, subject, body_text, body_html, message_id, status, attempts, next_attempt_at, lease_until, lease_token, last_error, created_at, sent_at
FROM mail_outbox;
DROP TABLE mail_outbox;
ALTER TABLE mail_outbox_new RENAME TO mail_outbox;
-- Dispatchers look only for pending mail: sent and failed rows leave the index, so it stays
-- the size of the backlog however long the history grows.
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE status = 'pending';
-- One mail per address per publication, whatever races.
CREATE UNIQUE INDEX mail_outbox_publication ON mail_outbox (publication_id, recipient);
