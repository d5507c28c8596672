-- Delivery addresses (配信先メールアドレス) with their windows. Weekdays and hours are bit
-- sets (bit 0 = Monday / hour 0), so a window is two integers and the audience query can test
-- it without joins.

ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Tokyo';

CREATE TABLE recipients (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    weekdays INTEGER NOT NULL,
    hours INTEGER NOT NULL,
    time_zone TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    verified_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (account_id, email)
);
CREATE INDEX recipients_account ON recipients (account_id);

-- A token proves control of `email`: changing the address voids older tokens.
CREATE TABLE recipient_verifications (
    token_hash TEXT PRIMARY KEY,
    recipient_id TEXT NOT NULL REFERENCES recipients (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX recipient_verifications_recipient ON recipient_verifications (recipient_id);

-- Accounts created before delivery addresses existed get their own address, as activation
-- now does: verified, every weekday, every hour.
INSERT INTO recipients (id, account_id, email, weekdays, hours, time_zone, language, status, verified_at, created_at, updated_at)
SELECT lower(hex(randomblob(16))), id, email, 127, 16777215, 'Asia/Tokyo', language, 'verified', created_at, created_at, created_at
FROM accounts;
