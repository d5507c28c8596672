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
-- time zone, so that queueing 100,000 of them writes small rows.
ALTER TABLE mail_outbox
    ALTER COLUMN subject DROP NOT NULL,
    ALTER COLUMN body_text DROP NOT NULL,
    ALTER COLUMN body_html DROP NOT NULL,
    -- No foreign key: only the fan-out writes it, with the publication it has just inserted,
    -- and a per-row check would cost a fifth of a 100,000-address fan-out.
    ADD COLUMN publication_id TEXT,
    ADD COLUMN recipient_id TEXT,
    ADD COLUMN language TEXT,
    ADD COLUMN time_zone TEXT,
    ADD COLUMN in_reply_to TEXT;
-- Ids and addresses are compared byte by byte: the locale's collation would make every
-- probe of these indexes a slow strcoll, and nothing sorts them for people.
ALTER TABLE mail_outbox
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN recipient TYPE TEXT COLLATE "C",
    ALTER COLUMN publication_id TYPE TEXT COLLATE "C";
-- One mail per address per publication, whatever races.
CREATE UNIQUE INDEX mail_outbox_publication ON mail_outbox (publication_id, recipient);
-- A Message-ID is made from the row's id, unique already; one index less to write per row.
ALTER TABLE mail_outbox DROP CONSTRAINT mail_outbox_message_id_key;
-- Dispatchers look only for pending mail: sent and failed rows leave the index, so it stays
-- the size of the backlog however long the history grows.
DROP INDEX mail_outbox_due;
CREATE INDEX mail_outbox_pending ON mail_outbox (next_attempt_at) WHERE status = 'pending';
-- Room on each page for a claim's new row version next to the old: claims change no
-- indexed column, so with room they are heap-only updates that write no index.
ALTER TABLE mail_outbox SET (fillfactor = 70);
