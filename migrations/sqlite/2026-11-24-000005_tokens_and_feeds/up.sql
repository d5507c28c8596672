-- Personal API tokens. Only the SHA-256 of the secret is kept; `scopes` is a space-separated
-- list of scope codes (`read`, `manage`).
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX api_tokens_account ON api_tokens (account_id);

-- The secret of an account's personal feed URL, hashed like every other token. One per
-- account: issuing a new one replaces (and so revokes) the old.
CREATE TABLE feed_keys (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
