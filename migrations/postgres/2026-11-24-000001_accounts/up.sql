-- Times are UTC in TIMESTAMP columns and ids are text (UUIDv7): the same schema must work
-- through diesel's SQLite and PostgreSQL backends.

CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    company TEXT NOT NULL,
    department TEXT,
    phone TEXT,
    language TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT 'customer',
    terms_version TEXT,
    terms_accepted_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Provisional registrations (仮登録). A row holds everything the account will need, so
-- activation only has to check the token and the password.
CREATE TABLE registrations (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    family_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    company TEXT NOT NULL,
    department TEXT,
    phone TEXT,
    language TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX registrations_email ON registrations (email);

-- A session is one refresh-token family: rotation keeps the session, reuse revokes it.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX password_resets_account ON password_resets (account_id);

CREATE TABLE terms (
    version TEXT PRIMARY KEY,
    title_ja TEXT NOT NULL,
    title_en TEXT NOT NULL,
    body_ja TEXT NOT NULL,
    body_en TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL
);

-- Every mail goes through this table, written in the transaction of the change that causes
-- it; the dispatcher claims rows with a lease, so a crash only delays a mail.
CREATE TABLE mail_outbox (
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
    -- Which claim holds the lease: a dispatcher only settles rows it still holds.
    lease_token TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

-- Mails "sent" when no SMTP server is configured, shown at /dev/mailbox.
CREATE TABLE dev_mailbox (
    id TEXT PRIMARY KEY,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    message_id TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);

INSERT INTO terms (version, title_ja, title_en, body_ja, body_en, published_at) VALUES (
    '2026-11-01',
    'お客さまサポートサイト利用規約',
    'Customer Support Site Terms of Use',
    E'第1条（目的）\n本規約は、お客さまサポートサイト（以下「本サイト」）の利用条件を定めるものです。\n\n第2条（お客さまサポートID）\nお客さまは、登録したメールアドレスおよびパスワードを自己の責任で管理するものとします。\n\n第3条（工事・故障情報の通知）\n工事情報および故障情報は、お客さまが選択した商品、配信先メールアドレス、配信希望曜日・希望時間に従って配信されます。選択されていない曜日・時間に発生した情報は配信されません。\n\n第4条（個人情報）\n登録された情報は、本サイトの提供および通知の配信のためにのみ利用します。\n\n第5条（退会）\nお客さまはいつでもマイサポートから退会できます。',
    E'Article 1 (Purpose)\nThese terms govern the use of the customer support site (the "Site").\n\nArticle 2 (Customer support ID)\nYou are responsible for keeping your registered email address and password safe.\n\nArticle 3 (Maintenance and outage notices)\nNotices are delivered according to the products, delivery addresses, weekdays and hours you choose. Notices issued outside the weekdays and hours you selected are not delivered.\n\nArticle 4 (Personal information)\nYour information is used only to provide the Site and to deliver notices.\n\nArticle 5 (Leaving)\nYou may delete your support ID from My Support at any time.',
    '2026-11-01 00:00:00'
);
